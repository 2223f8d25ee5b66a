// Average pooling's input gradient (NHWC).
#pragma once

#include <cstdint>

#include "context.h"

namespace isnet {

struct PoolGeometry {
  int64_t batch, in_h, in_w, channels, out_h, out_w;
  int64_t filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
};

// dx = the adjoint of the forward average pooling, which divides each window by the number
// of input pixels it covers (padding excluded): each window adds dy / count to its pixels,
// windows in row-major order (the order of the engine's host kernel, so the same sums).
// One task per image.
void avg_pool_grad(Context& context, const PoolGeometry& g, const float* dy, float* dx);

}  // namespace isnet
