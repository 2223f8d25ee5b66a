// Direct convolution kernels (no GEMM) for few input channels: a network's first layer on
// grey or RGB images, whose patch matrix (9 taps for a grey 3x3 filter) is too narrow for the
// GEMM micro-kernel to amortise its per-tile set-up. Each keeps a block of outputs in vector
// registers across all taps. Each returns false, doing nothing, for shapes it does not serve
// (in_c >= kInPlaceMinChannels, out_c not a multiple of 16, or an epilogue other than a
// per-channel bias and ReLU; the input gradient also needs one input channel and unit strides
// and dilations).
#pragma once

#include "context.h"
#include "conv.h"
#include "epilogue.h"

namespace isnet {

bool direct_conv2d(Context& context, const ConvGeometry& g, const float* x, const float* filter,
                   float* y, const Epilogue& epilogue);

bool direct_conv2d_backprop_input(Context& context, const ConvGeometry& g, const float* dy,
                                  const float* filter, float* dx);

bool direct_conv2d_backprop_filter(Context& context, const ConvGeometry& g, const float* x,
                                   const float* dy, float* dfilter);

}  // namespace isnet
