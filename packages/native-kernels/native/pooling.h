// Average pooling's input gradient (NHWC).
#pragma once

#include <cstdint>

#include "context.h"
#include "conv.h"

namespace isnet {

// dx = the adjoint of the forward average pooling over the windows of g (in_c == out_c, no
// dilation), which divides each window by the number of input pixels it covers (padding
// excluded): each window adds dy / count to its pixels, windows in row-major order (the
// order of the engine's host kernel, so the same sums). One task per image.
void avg_pool_grad(Context& context, const ConvGeometry& g, const float* dy, float* dx);

}  // namespace isnet
