#include "conv.h"

#include <algorithm>

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
    int64_t ox = first_pixel % g.out_w;
    int64_t oy = first_pixel / g.out_w % g.out_h;
    int64_t n = first_pixel / (g.out_w * g.out_h);
    for (int64_t p = 0; p < count; ++p) {
      y[p] = oy * g.stride_h - g.pad_top;
      x[p] = ox * g.stride_w - g.pad_left;
      offset[p] = ((n * g.in_h + y[p]) * g.in_w + x[p]) * g.in_c;
      if (++ox == g.out_w) {
        ox = 0;
        if (++oy == g.out_h) {
          oy = 0;
          ++n;
        }
      }
    }
  }
};

// Below this many input channels a filter position's segment is too short for the
// micro-kernel (one broadcast per row per segment start): patch strips are gathered into
// scratch instead, as one segment.
constexpr int64_t kInPlaceMinChannels = 8;

// The filter tap `tap` (ky, kx, in channel): its offset from a window's top-left element and
// its position relative to the window's top-left corner.
struct Tap {
  int64_t offset, dy, dx;

  Tap(const ConvGeometry& g, int64_t tap) {
    const int64_t ci = tap % g.in_c;
    const int64_t position = tap / g.in_c;
    dy = position / g.filter_w * g.dilation_h;
    dx = position % g.filter_w * g.dilation_w;
    offset = (dy * g.in_w + dx) * g.in_c + ci;
  }
};

// The patch matrix (rows: output pixels; columns: filter taps ky, kx, in channel) as an A
// source read in place from the NHWC input. A row's columns are contiguous within one filter
// position, so each position is one segment, pointing into the input or, in the padding, at
// zeros. With few input channels the strip is gathered into scratch instead.
struct PatchRowsA {
  const ConvGeometry& g;
  const float* x;

  int64_t operator()(int64_t row, int64_t rows, int64_t k0, int64_t depth, ASegment* segments,
                     float* scratch) const {
    const Windows windows(g, row, rows);
    if (g.in_c < kInPlaceMinChannels) {
      ASegment& segment = segments[0];
      segment.depth = depth;
      for (int64_t r = 0; r < kMR; ++r) segment.rows[r] = r < rows ? scratch + r * depth : kZeros;
      const Tap first(g, k0);
      int64_t ci = k0 % g.in_c, dy = first.dy, dx = first.dx, offset = first.offset;
      for (int64_t p = 0; p < depth; ++p) {
        for (int64_t r = 0; r < rows; ++r) {
          const bool valid = inside(windows.y[r] + dy, windows.x[r] + dx, g);
          scratch[r * depth + p] = valid ? x[windows.offset[r] + offset] : 0.0f;
        }
        // Next tap: next channel, else next filter column, else next filter row.
        ++offset;
        if (++ci < g.in_c) continue;
        ci = 0;
        dx += g.dilation_w;
        if (dx == g.filter_w * g.dilation_w) {
          dx = 0;
          dy += g.dilation_h;
        }
        offset = (dy * g.in_w + dx) * g.in_c;
      }
      return 1;
    }
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

// The transposed patch matrix (rows: filter taps; columns: output pixels from first_pixel on)
// as an A source: each strip of taps is gathered into scratch. The filter gradient of a
// few-tap filter is this times dy, whose rows pack by plain copies.
struct PatchColumnsA {
  const ConvGeometry& g;
  const float* x;
  int64_t first_pixel;

  int64_t operator()(int64_t row, int64_t rows, int64_t k0, int64_t depth, ASegment* segments,
                     float* scratch) const {
    const Windows windows(g, first_pixel + k0, depth);
    ASegment& segment = segments[0];
    segment.depth = depth;
    for (int64_t r = 0; r < kMR; ++r) {
      if (r >= rows) {
        segment.rows[r] = kZeros;
        continue;
      }
      float* dst = scratch + r * depth;
      segment.rows[r] = dst;
      const Tap tap(g, row + r);
      for (int64_t p = 0; p < depth; ++p) {
        const bool valid = inside(windows.y[p] + tap.dy, windows.x[p] + tap.dx, g);
        dst[p] = valid ? x[windows.offset[p] + tap.offset] : 0.0f;
      }
    }
    return 1;
  }
};

// Packs rows [first_pixel, first_pixel + b.k()) of the patch matrix as the B operand of the
// filter gradient (b.k() <= kKC, one k-block): sliver j holds taps [16j, 16j + 16) of every
// pixel, copied in runs of taps that share a filter position (all 16 when in_c is a multiple
// of 16).
void pack_patches(const ConvGeometry& g, const float* x, int64_t first_pixel, const PackedB& b) {
  const int64_t depth = b.k();
  const Windows windows(g, first_pixel, depth);
  for (int64_t j = 0; j < b.slivers(); ++j) {
    struct Run {
      int64_t column, length, dy, dx, offset;
    };
    Run runs[kNR];
    int64_t count = 0;
    const int64_t tap_end = std::min(g.patch(), (j + 1) * kNR);
    for (int64_t tap = j * kNR; tap < tap_end; tap += runs[count++].length) {
      const int64_t ci = tap % g.in_c;
      const int64_t position = tap / g.in_c;
      Run& run = runs[count];
      run.column = tap - j * kNR;
      run.length = std::min(g.in_c - ci, tap_end - tap);
      run.dy = position / g.filter_w * g.dilation_h;
      run.dx = position % g.filter_w * g.dilation_w;
      run.offset = (run.dy * g.in_w + run.dx) * g.in_c + ci;
    }
    float* dst = b.sliver(0, j);
    if (tap_end - j * kNR < kNR) std::fill(dst, dst + depth * kNR, 0.0f);  // past the patch
    for (int64_t p = 0; p < depth; ++p) {
      for (const Run* run = runs; run < runs + count; ++run) {
        const bool valid = inside(windows.y[p] + run->dy, windows.x[p] + run->dx, g);
        const float* src = valid ? x + (windows.offset[p] + run->offset) : kZeros;
        float* out = dst + p * kNR + run->column;
        for (int64_t q = 0; q < run->length; ++q) out[q] = src[q];  // short: no memmove call
      }
    }
  }
}

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

// Packs a filter-shaped operand once, in parallel over k-blocks, into the shared B buffer.
PackedB pack_shared(Context& context, MatrixView b, int64_t k, int64_t n) {
  const PackedB packed(context.shared_b().get(PackedB::size_for(k, n)), k, n);
  context.pool().parallel_for(packed.blocks(),
                              [&](int64_t block, int) { packed.pack_block(b, block); });
  return packed;
}

}  // namespace

void conv2d(Context& context, const ConvGeometry& g, const float* x, const float* filter, float* y,
            const Epilogue& epilogue) {
  if (g.pixels() == 0 || g.out_c == 0) return;
  const PackedB w = pack_shared(context, MatrixView{filter, g.out_c, 1}, g.patch(), g.out_c);
  const TileGrid grid =
      TileGrid::plan(g.pixels(), w.slivers(), kTasksPerThread * context.threads());
  const PatchRowsA patches{g, x};
  context.pool().parallel_for(grid.tasks(), [&](int64_t task, int thread) {
    gemm_tile(patches, w, grid.row_begin(task), grid.row_end(task), grid.sliver_begin(task),
              grid.sliver_end(task), y, g.out_c, /*accumulate=*/false, epilogue,
              context.scratch(thread).gemm);
  });
}

void conv2d_backprop_input(Context& context, const ConvGeometry& g, const float* dy,
                           const float* filter, float* dx) {
  const int64_t image_size = g.in_h * g.in_w * g.in_c;
  const int64_t image_pixels = g.out_h * g.out_w;
  if (g.batch * image_size == 0) return;
  // dx = col2im(dy * filter^T), with the filter read as a transposed patch x out_c matrix.
  const PackedB wt = pack_shared(context, MatrixView{filter, 1, g.out_c}, g.out_c, g.patch());
  // One task per image: images own disjoint parts of dx, so the scatter-adds need no locks.
  // (A single image therefore runs on one thread; training batches have many.)
  context.pool().parallel_for(g.batch, [&](int64_t n, int thread) {
    float* image = dx + n * image_size;
    std::fill(image, image + image_size, 0.0f);
    ThreadScratch& scratch = context.scratch(thread);
    float* columns = scratch.columns.get(kMC * g.patch());
    for (int64_t pixel0 = 0; pixel0 < image_pixels; pixel0 += kMC) {
      const int64_t rows = std::min(kMC, image_pixels - pixel0);
      const MatrixA dy_rows{MatrixView{dy + (n * image_pixels + pixel0) * g.out_c, g.out_c, 1}};
      gemm_tile(dy_rows, wt, 0, rows, 0, wt.slivers(), columns, g.patch(), /*accumulate=*/false,
                Epilogue{}, scratch.gemm);
      col2im_add(g, columns, pixel0, rows, image);
    }
  });
}

void conv2d_backprop_filter(Context& context, const ConvGeometry& g, const float* x,
                            const float* dy, float* dfilter) {
  const int64_t patch = g.patch();
  const int64_t size = patch * g.out_c;
  if (size == 0) return;
  // dfilter^T (out_c x patch) = dy^T * patches, summed over all pixels. This way round the
  // large patch matrix is the packed operand, copied in runs of contiguous input values.
  // With few input channels those runs are single values: then dfilter (patch x out_c) =
  // patches^T * dy instead, with gathered patch strips and dy rows packed by plain copies.
  // The sum is cut into one contiguous range of kKC-pixel chunks per thread, each with a
  // private partial sum; the partials are added in a fixed order, so results depend on the
  // thread count but not on scheduling.
  const bool taps_as_rows = g.in_c < kInPlaceMinChannels;
  const int64_t chunks = ceil_div(g.pixels(), kKC);
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(context.threads(), chunks));
  float* partials = context.partials().get(parts * size);
  context.pool().parallel_for(parts, [&](int64_t part, int thread) {
    float* sum = partials + part * size;
    const int64_t first = chunks * part / parts;
    const int64_t last = chunks * (part + 1) / parts;
    if (first == last) std::fill(sum, sum + size, 0.0f);
    ThreadScratch& scratch = context.scratch(thread);
    float* b_storage = scratch.b_panel.get(PackedB::size_for(kKC, std::max(patch, g.out_c)));
    for (int64_t chunk = first; chunk < last; ++chunk) {
      const int64_t pixel0 = chunk * kKC;
      const int64_t depth = std::min(kKC, g.pixels() - pixel0);
      const bool accumulate = chunk > first;
      if (taps_as_rows) {
        const PackedB dy_rows(b_storage, depth, g.out_c);
        dy_rows.pack_block(MatrixView{dy + pixel0 * g.out_c, g.out_c, 1}, 0);
        gemm_tile(PatchColumnsA{g, x, pixel0}, dy_rows, 0, patch, 0, dy_rows.slivers(), sum,
                  g.out_c, accumulate, Epilogue{}, scratch.gemm);
      } else {
        const PackedB patches(b_storage, depth, patch);
        pack_patches(g, x, pixel0, patches);
        const MatrixA dy_columns{MatrixView{dy + pixel0 * g.out_c, 1, g.out_c}};
        gemm_tile(dy_columns, patches, 0, g.out_c, 0, patches.slivers(), sum, patch, accumulate,
                  Epilogue{}, scratch.gemm);
      }
    }
  });
  // dfilter[k][co] = the partials' [k][co] (taps as rows) or [co][k], added part by part.
  const int64_t k_stride = taps_as_rows ? g.out_c : 1;
  const int64_t co_stride = taps_as_rows ? 1 : patch;
  constexpr int64_t kTapsPerTask = 64;
  context.pool().parallel_for(ceil_div(patch, kTapsPerTask), [&](int64_t task, int) {
    const int64_t begin = task * kTapsPerTask;
    const int64_t end = std::min(patch, begin + kTapsPerTask);
    for (int64_t k = begin; k < end; ++k) {
      for (int64_t co = 0; co < g.out_c; ++co) {
        const int64_t at = k * k_stride + co * co_stride;
        float total = partials[at];
        for (int64_t part = 1; part < parts; ++part) total += partials[part * size + at];
        dfilter[k * g.out_c + co] = total;
      }
    }
  });
}

}  // namespace isnet
