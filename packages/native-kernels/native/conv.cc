#include "conv.h"

#include <algorithm>

#include "conv_layout.h"
#include "direct_conv.h"
#include "gemm.h"

namespace isnet {
namespace {

bool inside(int64_t y, int64_t x, const ConvGeometry& g) {
  return y >= 0 && y < g.in_h && x >= 0 && x < g.in_w;
}

// Where the windows of consecutive output pixels start in the input: the element offset of
// their top-left tap (which may lie in the padding) and its coordinates. Steps through
// (n, oy, ox) instead of dividing for every pixel.
struct Windows {
  int64_t offset[kKC], y[kKC], x[kKC];

  Windows(const ConvGeometry& g, int64_t first_pixel, int64_t count) {
    OutputPixel pixel(g, first_pixel);
    for (int64_t p = 0; p < count; ++p, pixel.next(g)) {
      y[p] = pixel.oy * g.stride_h - g.pad_top;
      x[p] = pixel.ox * g.stride_w - g.pad_left;
      offset[p] = ((pixel.n * g.in_h + y[p]) * g.in_w + x[p]) * g.in_c;
    }
  }
};

// The patch matrix (rows: output pixels; columns: filter taps ky, kx, in channel) as an A
// source read in place from the NHWC input. A row's columns are contiguous within one filter
// position, so each position is one segment, pointing into the input or, in the padding, at
// zeros.
struct PatchRowsA {
  const ConvGeometry& g;
  const float* x;

  int64_t operator()(int64_t row, int64_t rows, int64_t k0, int64_t depth, ASegment* segments,
                     float* /*scratch*/) const {
    const Windows windows(g, row, rows);
    int64_t ci = k0 % g.in_c;
    int64_t kx = k0 / g.in_c % g.filter_w;
    int64_t ky = k0 / g.in_c / g.filter_w;
    int64_t count = 0;
    for (int64_t p = 0; p < depth; ++count) {
      ASegment& segment = segments[count];
      segment.depth = std::min(g.in_c - ci, depth - p);
      const int64_t dy = ky * g.dilation_h;
      const int64_t dx = kx * g.dilation_w;
      const int64_t tap_offset = (dy * g.in_w + dx) * g.in_c + ci;
      for (int64_t r = 0; r < kMR; ++r) {
        const bool valid = r < rows && inside(windows.y[r] + dy, windows.x[r] + dx, g);
        segment.rows[r] = valid ? x + (windows.offset[r] + tap_offset) : kZeros;
      }
      p += segment.depth;
      ci = 0;
      if (++kx == g.filter_w) {
        kx = 0;
        ++ky;
      }
    }
    return count;
  }
};

// The patch matrix read from the padded input: one segment per filter row.
struct PaddedPatchRowsA {
  const ConvGeometry& g;
  PaddedInput padded;

  int64_t operator()(int64_t row, int64_t rows, int64_t k0, int64_t depth, ASegment* segments,
                     float* /*scratch*/) const {
    int64_t windows[kMR];
    OutputPixel pixel(g, row);
    for (int64_t r = 0; r < rows; ++r, pixel.next(g)) windows[r] = padded.window(g, pixel);
    const int64_t row_taps = g.filter_w * g.in_c;
    int64_t count = 0;
    for (int64_t p = 0; p < depth; ++count) {
      const int64_t ky = (k0 + p) / row_taps;
      const int64_t start = (k0 + p) % row_taps;
      ASegment& segment = segments[count];
      segment.depth = std::min(row_taps - start, depth - p);
      const int64_t tap_offset = padded.tap(g, ky, 0, 0) + start;
      for (int64_t r = 0; r < kMR; ++r) {
        segment.rows[r] = r < rows ? padded.data + windows[r] + tap_offset : kZeros;
      }
      p += segment.depth;
    }
    return count;
  }
};

// The transposed patch matrix (rows: filter taps; columns: output pixels from first_pixel on)
// of a one-channel, unit-stride convolution, read in place from the padded input: a tap's
// values along one output row are contiguous, so each output row's run is one segment.
struct PaddedPatchColumnsA {
  const ConvGeometry& g;
  PaddedInput padded;
  int64_t first_pixel;

  int64_t operator()(int64_t row, int64_t rows, int64_t k0, int64_t depth, ASegment* segments,
                     float* /*scratch*/) const {
    int64_t taps[kMR];
    for (int64_t r = 0; r < rows; ++r) taps[r] = padded.tap(g, (row + r) / g.filter_w, (row + r) % g.filter_w, 0);
    OutputPixel pixel(g, first_pixel + k0);
    int64_t count = 0;
    for (int64_t p = 0; p < depth; ++count, pixel.next_row(g)) {
      ASegment& segment = segments[count];
      segment.depth = std::min(g.out_w - pixel.ox, depth - p);
      const float* run = padded.data + padded.window(g, pixel);
      for (int64_t r = 0; r < kMR; ++r) segment.rows[r] = r < rows ? run + taps[r] : kZeros;
      p += segment.depth;
    }
    return count;
  }
};

// Adds patch-matrix rows for pixels [pixel0, pixel0 + rows) of one image into that image's
// input gradient: every tap's in_c values go back to the input position they were read from.
void col2im_add(const ConvGeometry& g, const float* columns, int64_t pixel0, int64_t rows,
                float* image) {
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t oy = (pixel0 + r) / g.out_w;
    const int64_t ox = (pixel0 + r) % g.out_w;
    const float* column = columns + r * g.patch();
    for (int64_t ky = 0; ky < g.filter_h; ++ky) {
      const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
      for (int64_t kx = 0; kx < g.filter_w; ++kx, column += g.in_c) {
        const int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
        if (!inside(iy, ix, g)) continue;
        float* dst = image + (iy * g.in_w + ix) * g.in_c;
        for (int64_t ci = 0; ci < g.in_c; ++ci) dst[ci] += column[ci];
      }
    }
  }
}

// col2im_add into one image padded as in PaddedInput (image index 0), without dilation: no
// bounds checks, and a filter row's values are one contiguous run. For few channels, where
// the checks would cost more than the additions.
void col2im_add_padded(const ConvGeometry& g, const float* columns, int64_t pixel0, int64_t rows,
                       float* image, const PaddedInput& shape) {
  const int64_t row_taps = g.filter_w * g.in_c;
  OutputPixel pixel(g, pixel0);
  for (int64_t r = 0; r < rows; ++r, pixel.next(g)) {
    const float* column = columns + r * g.patch();
    float* window = image + shape.window(g, pixel);
    for (int64_t ky = 0; ky < g.filter_h; ++ky, column += row_taps) {
      float* dst = window + shape.tap(g, ky, 0, 0);
      for (int64_t k = 0; k < row_taps; ++k) dst[k] += column[k];
    }
  }
}

// sum (patch x out_c) (+)= patches^T * dy over pixels [pixel0, pixel0 + dy_rows.k()) with the
// gathering micro-kernel: A read in place from the padded input through one window pointer
// per pixel (`pixels`, room for kKC), no patch matrix packed.
void gather_filter_gradient(const ConvGeometry& g, const PaddedInput& padded, int64_t pixel0,
                            const PackedB& dy_rows, float* sum, bool accumulate,
                            const float** pixels) {
  const int64_t depth = dy_rows.k();
  OutputPixel pixel(g, pixel0);
  for (int64_t p = 0; p < depth; ++p, pixel.next(g)) pixels[p] = padded.data + padded.window(g, pixel);
  const GatherMicroKernel kernel = gather_micro_kernel();
  const WideGatherMicroKernel wide_kernel = wide_gather_micro_kernel();
  alignas(64) float edge[kMR * kNR];
  const int64_t patch = g.patch();
  for (int64_t tap0 = 0; tap0 < patch; tap0 += kMR) {
    const int64_t rows = std::min(kMR, patch - tap0);
    int64_t offsets[kMR];
    for (int64_t r = 0; r < kMR; ++r) {
      const int64_t tap = tap0 + std::min(r, rows - 1);  // rows past the patch: computed, dropped
      const int64_t position = tap / g.in_c;
      offsets[r] = padded.tap(g, position / g.filter_w, position % g.filter_w, tap % g.in_c);
    }
    for (int64_t j = 0; j < dy_rows.slivers(); ++j) {
      const int64_t col0 = j * kNR;
      const int64_t cols = std::min(kNR, g.out_c - col0);
      float* tile = sum + tap0 * g.out_c + col0;
      if (rows == kMR && col0 + 2 * kNR <= g.out_c) {  // two full slivers at once
        wide_kernel(pixels, offsets, depth, dy_rows.sliver(0, j), dy_rows.sliver(0, j + 1), tile,
                    g.out_c, accumulate);
        ++j;
        continue;
      }
      if (rows == kMR && cols == kNR) {
        kernel(pixels, offsets, depth, dy_rows.sliver(0, j), tile, g.out_c, accumulate);
        continue;
      }
      kernel(pixels, offsets, depth, dy_rows.sliver(0, j), edge, kNR, false);
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t col = 0; col < cols; ++col) {
          const float v = edge[r * kNR + col];
          tile[r * g.out_c + col] = accumulate ? tile[r * g.out_c + col] + v : v;
        }
      }
    }
  }
}

// Packs a filter-shaped operand once, in parallel over k-blocks, into the shared B buffer.
PackedB pack_shared(Context& context, MatrixView b, int64_t k, int64_t n) {
  const PackedB packed(context.shared_b().get(PackedB::size_for(k, n)), k, n);
  context.pool().parallel_for(packed.blocks(),
                              [&](int64_t block, int) { packed.pack_block(b, block); });
  return packed;
}

}  // namespace

PaddedInput pad_input(Context& context, const ConvGeometry& g, const float* x) {
  PaddedInput padded = padded_shape(g);
  if (g.pad_top == 0 && g.pad_left == 0 && padded.height == g.in_h && padded.width == g.in_w) {
    padded.data = x;
    return padded;
  }
  const int64_t image = padded.height * padded.width * g.in_c;
  float* copy = context.padded().get(g.batch * image);
  context.pool().parallel_for(g.batch, [&](int64_t n, int) {
    float* out = copy + n * image;
    std::fill(out, out + image, 0.0f);
    for (int64_t y = 0; y < g.in_h; ++y) {
      const float* src = x + (n * g.in_h + y) * g.in_w * g.in_c;
      std::copy(src, src + g.in_w * g.in_c, out + ((y + g.pad_top) * padded.width + g.pad_left) * g.in_c);
    }
  });
  padded.data = copy;
  return padded;
}

void add_partials(Context& context, const float* partials, int64_t parts, int64_t size,
                  float* out) {
  constexpr int64_t kPerTask = 1 << 12;  // floats
  context.pool().parallel_for(ceil_div(size, kPerTask), [&](int64_t task, int) {
    const int64_t end = std::min(size, (task + 1) * kPerTask);
    for (int64_t at = task * kPerTask; at < end; ++at) {
      float total = partials[at];
      for (int64_t part = 1; part < parts; ++part) total += partials[part * size + at];
      out[at] = total;
    }
  });
}

void conv2d(Context& context, const ConvGeometry& g, const float* x, const float* filter, float* y,
            const Epilogue& epilogue) {
  if (g.pixels() == 0 || g.out_c == 0) return;
  if (direct_conv2d(context, g, x, filter, y, epilogue)) return;
  const PackedB w = pack_shared(context, MatrixView{filter, g.out_c, 1}, g.patch(), g.out_c);
  const TileGrid grid =
      TileGrid::plan(g.pixels(), w.slivers(), kTasksPerThread * context.threads());
  const auto run = [&](const auto& patches) {
    context.pool().parallel_for(grid.tasks(), [&](int64_t task, int thread) {
      gemm_tile(patches, w, grid.row_begin(task), grid.row_end(task), grid.sliver_begin(task),
                grid.sliver_end(task), y, g.out_c, /*accumulate=*/false, epilogue,
                context.scratch(thread).gemm);
    });
  };
  if (g.in_c < kInPlaceMinChannels && g.dilation_w == 1) {
    run(PaddedPatchRowsA{g, pad_input(context, g, x)});
  } else {
    run(PatchRowsA{g, x});
  }
}

void conv2d_backprop_input(Context& context, const ConvGeometry& g, const float* dy,
                           const float* filter, float* dx) {
  const int64_t image_size = g.in_h * g.in_w * g.in_c;
  const int64_t image_pixels = g.out_h * g.out_w;
  if (g.batch * image_size == 0) return;
  if (direct_conv2d_backprop_input(context, g, dy, filter, dx)) return;
  // With unit strides dx is itself a convolution: of dy with the filter rotated by 180
  // degrees and its channel axes swapped, padded by filter - 1 - pad. That runs as the
  // forward GEMM over implicit patches instead of a GEMM plus a col2im scatter (~2x on
  // 16-channel layers); it needs enough channels both ways for full GEMM tiles.
  if (g.stride_h == 1 && g.stride_w == 1 && g.dilation_h == 1 && g.dilation_w == 1 &&
      g.in_c >= kNR && g.out_c >= kInPlaceMinChannels && g.pad_top < g.filter_h &&
      g.pad_left < g.filter_w) {
    float* rotated = context.rotated_filter().get(g.patch() * g.out_c);
    for (int64_t ky = 0; ky < g.filter_h; ++ky) {
      for (int64_t kx = 0; kx < g.filter_w; ++kx) {
        const float* src = filter + ((g.filter_h - 1 - ky) * g.filter_w + (g.filter_w - 1 - kx)) * g.in_c * g.out_c;
        float* dst = rotated + (ky * g.filter_w + kx) * g.out_c * g.in_c;
        for (int64_t co = 0; co < g.out_c; ++co) {
          for (int64_t ci = 0; ci < g.in_c; ++ci) dst[co * g.in_c + ci] = src[ci * g.out_c + co];
        }
      }
    }
    const ConvGeometry transposed{g.batch,    g.out_h,    g.out_w,  g.out_c,
                                  g.in_h,     g.in_w,     g.in_c,   g.filter_h,
                                  g.filter_w, 1,          1,        1,
                                  1,          g.filter_h - 1 - g.pad_top,
                                  g.filter_w - 1 - g.pad_left};
    conv2d(context, transposed, dy, rotated, dx, Epilogue{});
    return;
  }
  // dx = col2im(dy * filter^T), with the filter read as a transposed patch x out_c matrix.
  const PackedB wt = pack_shared(context, MatrixView{filter, 1, g.out_c}, g.out_c, g.patch());
  // One task per image: images own disjoint parts of dx, so the scatter-adds need no locks.
  // (A single image therefore runs on one thread; training batches have many.)
  // Few channels: scatter into a padded image (see col2im_add_padded), then copy it out.
  const bool padded = g.in_c < kInPlaceMinChannels && g.dilation_w == 1;
  const PaddedInput shape = padded_shape(g);
  const int64_t padded_size = shape.height * shape.width * g.in_c;
  context.pool().parallel_for(g.batch, [&](int64_t n, int thread) {
    float* image = dx + n * image_size;
    ThreadScratch& scratch = context.scratch(thread);
    float* target = padded ? scratch.padded_image.get(padded_size) : image;
    std::fill(target, target + (padded ? padded_size : image_size), 0.0f);
    float* columns = scratch.columns.get(kMC * g.patch());
    for (int64_t pixel0 = 0; pixel0 < image_pixels; pixel0 += kMC) {
      const int64_t rows = std::min(kMC, image_pixels - pixel0);
      const MatrixA dy_rows{MatrixView{dy + (n * image_pixels + pixel0) * g.out_c, g.out_c, 1}};
      gemm_tile(dy_rows, wt, 0, rows, 0, wt.slivers(), columns, g.patch(), /*accumulate=*/false,
                Epilogue{}, scratch.gemm);
      if (padded) {
        col2im_add_padded(g, columns, pixel0, rows, target, shape);
      } else {
        col2im_add(g, columns, pixel0, rows, image);
      }
    }
    if (!padded) return;
    for (int64_t y = 0; y < g.in_h; ++y) {
      const float* src = target + ((y + g.pad_top) * shape.width + g.pad_left) * g.in_c;
      std::copy(src, src + g.in_w * g.in_c, image + y * g.in_w * g.in_c);
    }
  });
}

void conv2d_backprop_filter(Context& context, const ConvGeometry& g, const float* x,
                            const float* dy, float* dfilter) {
  const int64_t patch = g.patch();
  const int64_t size = patch * g.out_c;
  if (size == 0) return;
  if (direct_conv2d_backprop_filter(context, g, x, dy, dfilter)) return;
  // dfilter (patch x out_c) = patches^T * dy, summed over all pixels: dy's rows pack by plain
  // copies, and the transposed patches are read in place from a padded copy of x (runs of
  // pixels for one channel at unit stride, else a window pointer per pixel; packing the patch
  // matrix instead used to cost more than the arithmetic). The sum is cut into one contiguous
  // range of kKC-pixel chunks per thread, each with a private partial sum; the partials are
  // added in a fixed order, so results depend on the thread count but not on scheduling.
  const bool pixel_runs = g.in_c == 1 && g.stride_w == 1 && g.dilation_w == 1;
  const PaddedInput padded = pad_input(context, g, x);
  const int64_t chunks = ceil_div(g.pixels(), kKC);
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(context.threads(), chunks));
  float* partials = context.partials().get(parts * size);
  context.pool().parallel_for(parts, [&](int64_t part, int thread) {
    float* sum = partials + part * size;
    const int64_t first = chunks * part / parts;
    const int64_t last = chunks * (part + 1) / parts;
    if (first == last) std::fill(sum, sum + size, 0.0f);
    ThreadScratch& scratch = context.scratch(thread);
    float* b_storage = scratch.b_panel.get(PackedB::size_for(kKC, g.out_c));
    for (int64_t chunk = first; chunk < last; ++chunk) {
      const int64_t pixel0 = chunk * kKC;
      const bool accumulate = chunk > first;
      const PackedB dy_rows(b_storage, std::min(kKC, g.pixels() - pixel0), g.out_c);
      dy_rows.pack_block(MatrixView{dy + pixel0 * g.out_c, g.out_c, 1}, 0);
      if (pixel_runs) {
        gemm_tile(PaddedPatchColumnsA{g, padded, pixel0}, dy_rows, 0, patch, 0,
                  dy_rows.slivers(), sum, g.out_c, accumulate, Epilogue{}, scratch.gemm);
      } else {
        gather_filter_gradient(g, padded, pixel0, dy_rows, sum, accumulate, scratch.pixels.data());
      }
    }
  });
  add_partials(context, partials, parts, size, dfilter);
}

}  // namespace isnet
