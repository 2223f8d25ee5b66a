// NHWC 2-D convolution and its two gradients, all as GEMMs over the patch ("im2col") matrix:
// one row per output pixel (batch, y, x), one column per filter tap (ky, kx, in channel).
#pragma once

#include <cstdint>

#include "context.h"
#include "epilogue.h"

namespace isnet {

// Shapes as computed by tfjs's backend_util.computeConv2DInfo; filters are
// [filter_h, filter_w, in_c, out_c], i.e. already a patch x out_c matrix.
struct ConvGeometry {
  int64_t batch, in_h, in_w, in_c;
  int64_t out_h, out_w, out_c;
  int64_t filter_h, filter_w;
  int64_t stride_h, stride_w;
  int64_t dilation_h, dilation_w;
  int64_t pad_top, pad_left;

  int64_t pixels() const { return batch * out_h * out_w; }  // rows of the patch matrix
  int64_t patch() const { return filter_h * filter_w * in_c; }  // its columns
};

// y = epilogue(conv(x, filter)).
void conv2d(Context& context, const ConvGeometry& g, const float* x, const float* filter, float* y,
            const Epilogue& epilogue);

// dx = gradient of conv(x, filter) with respect to x, given dy.
void conv2d_backprop_input(Context& context, const ConvGeometry& g, const float* dy,
                           const float* filter, float* dx);

// dfilter = gradient of conv(x, filter) with respect to filter, given dy.
void conv2d_backprop_filter(Context& context, const ConvGeometry& g, const float* x,
                            const float* dy, float* dfilter);

}  // namespace isnet
