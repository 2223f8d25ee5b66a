// Layout helpers shared by the convolution kernels: stepping through output pixels, and the
// input with its padding written out.
#pragma once

#include <algorithm>
#include <cstdint>

#include "context.h"
#include "conv.h"

namespace isnet {

// Below this many input channels a filter position's in_c values are too short a segment for
// the micro-kernel (one broadcast per row per segment start): such convolutions read longer
// segments from a padded copy of the input, and their input gradients scatter into a padded
// image.
constexpr int64_t kInPlaceMinChannels = 8;

// An output pixel (n, oy, ox), stepped through in row-major order without a division per
// pixel.
struct OutputPixel {
  int64_t n, oy, ox;

  OutputPixel(const ConvGeometry& g, int64_t pixel)
      : n(pixel / (g.out_w * g.out_h)), oy(pixel / g.out_w % g.out_h), ox(pixel % g.out_w) {}

  void next(const ConvGeometry& g) {
    if (++ox < g.out_w) return;
    ox = 0;
    if (++oy < g.out_h) return;
    oy = 0;
    ++n;
  }

  // The first pixel of the next output row.
  void next_row(const ConvGeometry& g) {
    ox = g.out_w - 1;
    next(g);
  }
};

// The input with its padding written out as zeros. With few input channels a filter
// position's in_c values are too short a segment for the micro-kernel (one broadcast per row
// per segment start); in the padded copy a whole filter row (filter_w * in_c values, without
// dilation) is contiguous, and with one channel and unit stride so is a tap's run of pixels
// along an output row.
struct PaddedInput {
  const float* data;
  int64_t height, width;

  // Offset of the top-left tap of an output pixel's window.
  int64_t window(const ConvGeometry& g, const OutputPixel& pixel) const {
    return ((pixel.n * height + pixel.oy * g.stride_h) * width + pixel.ox * g.stride_w) * g.in_c;
  }
  // Offset of tap (ky, kx, ci) from its window's top-left.
  int64_t tap(const ConvGeometry& g, int64_t ky, int64_t kx, int64_t ci) const {
    return (ky * g.dilation_h * width + kx * g.dilation_w) * g.in_c + ci;
  }
};

// The padded layout for g's windows (data not set): the rows and columns they reach, padding
// included, and at least the input.
inline PaddedInput padded_shape(const ConvGeometry& g) {
  return PaddedInput{
      nullptr,
      std::max(g.in_h + g.pad_top, (g.out_h - 1) * g.stride_h + (g.filter_h - 1) * g.dilation_h + 1),
      std::max(g.in_w + g.pad_left, (g.out_w - 1) * g.stride_w + (g.filter_w - 1) * g.dilation_w + 1)};
}

// x in the padded layout: x itself when its windows never leave it, else a zero-padded copy
// (in the context's padded buffer, valid until the next call that uses it).
PaddedInput pad_input(Context& context, const ConvGeometry& g, const float* x);

// out[i] = sum over parts of partials[part * size + i], parts added in order.
void add_partials(Context& context, const float* partials, int64_t parts, int64_t size,
                  float* out);

}  // namespace isnet
