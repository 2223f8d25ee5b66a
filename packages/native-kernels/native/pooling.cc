#include "pooling.h"

#include <algorithm>

namespace isnet {

void avg_pool_grad(Context& context, const ConvGeometry& g, const float* dy, float* dx) {
  const int64_t image = g.in_h * g.in_w * g.in_c;
  const int64_t out_image = g.out_h * g.out_w * g.in_c;
  context.pool().parallel_for(g.batch, [&](int64_t b, int) {
    float* __restrict out = dx + b * image;
    const float* __restrict in = dy + b * out_image;
    std::fill(out, out + image, 0.0f);
    for (int64_t oy = 0; oy < g.out_h; ++oy) {
      const int64_t y0 = std::max<int64_t>(0, oy * g.stride_h - g.pad_top);
      const int64_t y1 = std::min(g.in_h, oy * g.stride_h - g.pad_top + g.filter_h);
      for (int64_t ox = 0; ox < g.out_w; ++ox) {
        const int64_t x0 = std::max<int64_t>(0, ox * g.stride_w - g.pad_left);
        const int64_t x1 = std::min(g.in_w, ox * g.stride_w - g.pad_left + g.filter_w);
        const int64_t count = (y1 - y0) * (x1 - x0);
        const float* __restrict window = in + (oy * g.out_w + ox) * g.in_c;
        if (count <= 0) continue;
        const float divisor = static_cast<float>(count);
        for (int64_t y = y0; y < y1; ++y) {
          for (int64_t x = x0; x < x1; ++x) {
            float* __restrict pixel = out + (y * g.in_w + x) * g.in_c;
            for (int64_t c = 0; c < g.in_c; ++c) pixel[c] += window[c] / divisor;
          }
        }
      }
    }
  });
}

}  // namespace isnet
