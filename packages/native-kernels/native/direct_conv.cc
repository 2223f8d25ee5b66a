#include "direct_conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "conv_layout.h"
#include "gemm.h"

namespace isnet {
namespace {

// As in gemm.cc, GCC vector extensions let one source serve every instruction set: a 16-float
// vector is one AVX-512 register, two AVX2 ones or four SSE2 ones. The block sizes below are
// chosen per instruction set so that a block's accumulators stay in registers.
typedef float Vec16 __attribute__((vector_size(64)));
typedef float UnalignedVec16 __attribute__((vector_size(64), aligned(4), may_alias));

#define DIRECT_INLINE __attribute__((always_inline)) inline

DIRECT_INLINE Vec16 load(const float* p) { return *reinterpret_cast<const UnalignedVec16*>(p); }
DIRECT_INLINE void store(float* p, Vec16 v) { *reinterpret_cast<UnalignedVec16*>(p) = v; }
typedef int Index16 __attribute__((vector_size(64)));

// The forward and filter-gradient kernels take their 16-channel vector type as a parameter:
// Pair, two 8-float halves, for AVX2, where GCC runs Vec16 selects and broadcasts lane by
// lane and keeps such vectors in memory; Vec16 for AVX-512 (one register) and for the
// portable build (whose SSE2 handles Vec16 better than 8-float halves).
typedef float Vec8 __attribute__((vector_size(32)));
typedef float UnalignedVec8 __attribute__((vector_size(32), aligned(4), may_alias));
typedef int Index8 __attribute__((vector_size(32)));
struct Pair {
  Vec8 lo, hi;
};
DIRECT_INLINE Pair operator*(Pair a, Pair b) { return {a.lo * b.lo, a.hi * b.hi}; }
DIRECT_INLINE Pair& operator+=(Pair& a, Pair b) {
  a.lo += b.lo;
  a.hi += b.hi;
  return a;
}

// Loads, stores and broadcasts for either type, the type chosen by a null pointer to it.
// Each body is written out rather than calling another helper: a nested helper returning a
// 16-float vector is compiled for the baseline target before it is inlined, and its value
// then lives in memory even in the AVX-512 functions (GCC 12). A broadcast is one shuffle:
// Vec16{} + s adds 0 first (not an identity for -0), a 16-fold initialiser goes lane by lane.
DIRECT_INLINE Vec16 load_as(const float* p, const Vec16*) { return *reinterpret_cast<const UnalignedVec16*>(p); }
DIRECT_INLINE Pair load_as(const float* p, const Pair*) {
  return {*reinterpret_cast<const UnalignedVec8*>(p), *reinterpret_cast<const UnalignedVec8*>(p + 8)};
}
DIRECT_INLINE Vec16 splat_as(float s, const Vec16*) { return __builtin_shuffle(Vec16{s}, Index16{}); }
DIRECT_INLINE Pair splat_as(float s, const Pair*) {
  const Vec8 v = __builtin_shuffle(Vec8{s}, Index8{});
  return {v, v};
}
DIRECT_INLINE void store(float* p, Pair v) {
  *reinterpret_cast<UnalignedVec8*>(p) = v.lo;
  *reinterpret_cast<UnalignedVec8*>(p + 8) = v.hi;
}
// max(v, 0) lane by lane, NaN passing as in tfjs.
DIRECT_INLINE Vec16 relu(Vec16 v) { return v < Vec16{} ? Vec16{} : v; }
DIRECT_INLINE Pair relu(Pair v) { return {v.lo < Vec8{} ? Vec8{} : v.lo, v.hi < Vec8{} ? Vec8{} : v.hi}; }

// Offsets of the filter taps (ky, kx, ci) from a window's top-left in the padded input.
void tap_offsets(const ConvGeometry& g, const PaddedInput& padded, int64_t* taps) {
  for (int64_t ky = 0, t = 0; ky < g.filter_h; ++ky) {
    for (int64_t kx = 0; kx < g.filter_w; ++kx) {
      for (int64_t ci = 0; ci < g.in_c; ++ci) taps[t++] = padded.tap(g, ky, kx, ci);
    }
  }
}

// Start of output row `row` (= n * out_h + oy)'s first window in the padded input.
DIRECT_INLINE const float* row_windows(const ConvGeometry& g, const PaddedInput& padded,
                                       int64_t row) {
  const int64_t n = row / g.out_h;
  const int64_t oy = row % g.out_h;
  return padded.data + (n * padded.height + oy * g.stride_h) * padded.width * g.in_c;
}

// ---- forward: P output pixels x V channel vectors in registers over every tap ----

struct ForwardJob {
  const ConvGeometry& g;
  PaddedInput padded;
  const int64_t* taps;
  const float* filter;
  const float* bias;  // per output channel, or null
  bool relu;
  float* y;
};

template <class Vec, int V, int P>
DIRECT_INLINE void forward_row(const ForwardJob& job, int64_t row, int64_t c0) {
  const Vec* const kind = nullptr;
  const ConvGeometry& g = job.g;
  const float* windows0 = row_windows(g, job.padded, row);
  const int64_t step = g.stride_w * g.in_c;
  const int64_t patch = g.patch();
  float* out_row = job.y + row * g.out_w * g.out_c + c0;
  for (int64_t ox = 0; ox < g.out_w; ox += P) {
    const int count = static_cast<int>(std::min<int64_t>(P, g.out_w - ox));
    const float* windows[P];
    // Pixels past the row's end repeat its last one: computed, not stored.
    for (int p = 0; p < P; ++p) windows[p] = windows0 + (ox + std::min(p, count - 1)) * step;
    Vec acc[P][V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) {
      const Vec b = job.bias ? load_as(job.bias + c0 + 16 * v, kind) : Vec{};
#pragma GCC unroll 8
      for (int p = 0; p < P; ++p) acc[p][v] = b;
    }
    const float* w = job.filter + c0;
    for (int64_t t = 0; t < patch; ++t, w += g.out_c) {
      Vec wv[V];
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) wv[v] = load_as(w + 16 * v, kind);
      const int64_t offset = job.taps[t];
#pragma GCC unroll 8
      for (int p = 0; p < P; ++p) {
        const Vec s = splat_as(windows[p][offset], kind);
#pragma GCC unroll 4
        for (int v = 0; v < V; ++v) acc[p][v] += s * wv[v];
      }
    }
    for (int p = 0; p < count; ++p) {
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) {
        store(out_row + (ox + p) * g.out_c + 16 * v, job.relu ? relu(acc[p][v]) : acc[p][v]);
      }
    }
  }
}

// Rows [first, last), every block of up to 64 output channels; P1..P4: pixels per block for
// 1..4 channel vectors.
template <class Vec, int P1, int P2, int P3, int P4>
DIRECT_INLINE void forward_rows_body(const ForwardJob& job, int64_t first, int64_t last) {
  for (int64_t row = first; row < last; ++row) {
    for (int64_t c0 = 0; c0 < job.g.out_c; c0 += 64) {
      switch (std::min<int64_t>(4, (job.g.out_c - c0) / 16)) {
        case 1: forward_row<Vec, 1, P1>(job, row, c0); break;
        case 2: forward_row<Vec, 2, P2>(job, row, c0); break;
        case 3: forward_row<Vec, 3, P3>(job, row, c0); break;
        default: forward_row<Vec, 4, P4>(job, row, c0); break;
      }
    }
  }
}

// ---- filter gradient: R taps x V channel vectors of dW in registers over a run of pixels ----

struct FilterJob {
  const ConvGeometry& g;
  PaddedInput padded;
  const int64_t* taps;
  const float* dy;
};

// Adds nothing: writes sum[t][c0 ...] for taps [t0, t0 + R) (those below the patch) summed
// over output rows [first, last).
template <class Vec, int V, int R>
DIRECT_INLINE void filter_block(const FilterJob& job, int64_t first, int64_t last, int64_t t0,
                                int64_t c0, float* sum) {
  const Vec* const kind = nullptr;
  const ConvGeometry& g = job.g;
  const int64_t patch = g.patch();
  int64_t offsets[R];
  // Taps past the patch repeat its last one: computed, not stored.
  for (int r = 0; r < R; ++r) offsets[r] = job.taps[std::min<int64_t>(t0 + r, patch - 1)];
  Vec acc[R][V] = {};
  const int64_t step = g.stride_w * g.in_c;
  for (int64_t row = first; row < last; ++row) {
    const float* window = row_windows(g, job.padded, row);
    const float* d = job.dy + row * g.out_w * g.out_c + c0;
    for (int64_t ox = 0; ox < g.out_w; ++ox, window += step, d += g.out_c) {
      Vec dv[V];
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) dv[v] = load_as(d + 16 * v, kind);
#pragma GCC unroll 16
      for (int r = 0; r < R; ++r) {
        const Vec s = splat_as(window[offsets[r]], kind);
#pragma GCC unroll 4
        for (int v = 0; v < V; ++v) acc[r][v] += s * dv[v];
      }
    }
  }
  for (int r = 0; r < R && t0 + r < patch; ++r) {
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) store(sum + (t0 + r) * g.out_c + c0 + 16 * v, acc[r][v]);
  }
}

// The part's sum (patch x out_c) over output rows [first, last); R1, R2: taps per block for 1
// and 2 channel vectors.
template <class Vec, int R1, int R2>
DIRECT_INLINE void filter_rows_body(const FilterJob& job, int64_t first, int64_t last, float* sum) {
  const ConvGeometry& g = job.g;
  for (int64_t c0 = 0; c0 < g.out_c; c0 += 32) {
    if (g.out_c - c0 >= 32) {
      for (int64_t t0 = 0; t0 < g.patch(); t0 += R2) filter_block<Vec, 2, R2>(job, first, last, t0, c0, sum);
    } else {
      for (int64_t t0 = 0; t0 < g.patch(); t0 += R1) filter_block<Vec, 1, R1>(job, first, last, t0, c0, sum);
    }
  }
}

// ---- input gradient (one input channel, unit strides): a dot product over output channels ----

// Adds each pair of lanes i, i + half of the halves that `low` and `high` pick from a and b:
// one level of the reduction below.
DIRECT_INLINE Vec16 pair_sum(Vec16 a, Vec16 b, Index16 low, Index16 high) {
  return __builtin_shuffle(a, b, low) + __builtin_shuffle(a, b, high);
}

// Lane p of the result is the sum of v[p]'s 16 lanes: a transposing tree of 15 two-vector
// shuffle-and-add steps, instead of 16 scalar sums of 15 lane extractions each.
DIRECT_INLINE Vec16 transpose_sums(const Vec16 (&v)[16]) {
  // After level 1 each vector holds 8 partials of two inputs, after level 2 4 partials of
  // four, and so on; the lanes end in bit-reversed input order, undone by the last shuffle.
  const Index16 low1 = {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23};
  const Index16 high1 = low1 + 8;
  const Index16 low2 = {0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27};
  const Index16 high2 = low2 + 4;
  const Index16 low3 = {0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29};
  const Index16 high3 = low3 + 2;
  const Index16 low4 = {0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30};
  const Index16 high4 = low4 + 1;
  const Index16 bit_reversed = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
  Vec16 w[8], x[4], y[2];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) w[i] = pair_sum(v[2 * i], v[2 * i + 1], low1, high1);
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) x[i] = pair_sum(w[2 * i], w[2 * i + 1], low2, high2);
#pragma GCC unroll 2
  for (int i = 0; i < 2; ++i) y[i] = pair_sum(x[2 * i], x[2 * i + 1], low3, high3);
  return __builtin_shuffle(pair_sum(y[0], y[1], low4, high4), bit_reversed);
}

// dx for input rows [first, last) (row = n * in_h + iy): each value sums dy * w over the taps
// whose output pixel exists. Blocks of 16 values of a row take one tap at a time (its filter
// vectors loaded once, the 16 pixels' dy vectors consecutive), keeping per-value channel
// partials that transpose_sums then adds up. (With more input channels the GEMM path is
// faster: each would re-read dy.)
DIRECT_INLINE void input_rows_body(const ConvGeometry& g, int64_t first, int64_t last,
                                   const float* dy, const float* filter, float* dx) {
  for (int64_t row = first; row < last; ++row) {
    const int64_t n = row / g.in_h;
    const int64_t iy = row % g.in_h;
    const int64_t ky_first = std::max<int64_t>(0, iy + g.pad_top - (g.out_h - 1));
    const int64_t ky_last = std::min<int64_t>(g.filter_h - 1, iy + g.pad_top);
    for (int64_t ix0 = 0; ix0 < g.in_w; ix0 += 16) {
      const int64_t count = std::min<int64_t>(16, g.in_w - ix0);
      Vec16 sums[16] = {};
      for (int64_t ky = ky_first; ky <= ky_last; ++ky) {
        const int64_t dy_row = (n * g.out_h + iy + g.pad_top - ky) * g.out_w;
        for (int64_t kx = 0; kx < g.filter_w; ++kx) {
          // Value i reads output pixel ox = ix0 + i + pad_left - kx, where it exists.
          const int64_t ox0 = ix0 + g.pad_left - kx;
          const int64_t begin = std::max<int64_t>(0, -ox0);
          const int64_t end = std::min<int64_t>(count, g.out_w - ox0);
          const float* w = filter + (ky * g.filter_w + kx) * g.out_c;
          for (int64_t c = 0; c < g.out_c; c += 16) {
            const Vec16 wv = load(w + c);
            const float* d = dy + (dy_row + ox0) * g.out_c + c;
            for (int64_t i = begin; i < end; ++i) sums[i] += load(d + i * g.out_c) * wv;
          }
        }
      }
      const Vec16 values = transpose_sums(sums);
      float* out = dx + row * g.in_w + ix0;
      if (count == 16) {
        store(out, values);
      } else {
        for (int64_t i = 0; i < count; ++i) out[i] = values[i];
      }
    }
  }
}

// ---- one entry per instruction set ----

using ForwardRows = void (*)(const ForwardJob&, int64_t, int64_t);
using FilterRows = void (*)(const FilterJob&, int64_t, int64_t, float*);
using InputRows = void (*)(const ConvGeometry&, int64_t, int64_t, const float*, const float*,
                           float*);

void forward_rows_generic(const ForwardJob& job, int64_t first, int64_t last) {
  forward_rows_body<Vec16, 2, 1, 1, 1>(job, first, last);
}
void filter_rows_generic(const FilterJob& job, int64_t first, int64_t last, float* sum) {
  filter_rows_body<Vec16, 3, 1>(job, first, last, sum);
}
void input_rows_generic(const ConvGeometry& g, int64_t first, int64_t last, const float* dy,
                        const float* filter, float* dx) {
  input_rows_body(g, first, last, dy, filter, dx);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) void forward_rows_avx2(const ForwardJob& job, int64_t first,
                                                           int64_t last) {
  forward_rows_body<Pair, 4, 3, 2, 1>(job, first, last);
}
__attribute__((target("avx2,fma"))) void filter_rows_avx2(const FilterJob& job, int64_t first,
                                                          int64_t last, float* sum) {
  filter_rows_body<Pair, 6, 3>(job, first, last, sum);
}
__attribute__((target("avx2,fma"))) void input_rows_avx2(const ConvGeometry& g, int64_t first,
                                                         int64_t last, const float* dy,
                                                         const float* filter, float* dx) {
  input_rows_body(g, first, last, dy, filter, dx);
}
__attribute__((target("avx512f"))) void forward_rows_avx512(const ForwardJob& job, int64_t first,
                                                            int64_t last) {
  forward_rows_body<Vec16, 8, 6, 4, 4>(job, first, last);
}
__attribute__((target("avx512f"))) void filter_rows_avx512(const FilterJob& job, int64_t first,
                                                           int64_t last, float* sum) {
  filter_rows_body<Vec16, 9, 9>(job, first, last, sum);
}
__attribute__((target("avx512f"))) void input_rows_avx512(const ConvGeometry& g, int64_t first,
                                                          int64_t last, const float* dy,
                                                          const float* filter, float* dx) {
  input_rows_body(g, first, last, dy, filter, dx);
}
#endif

struct DirectKernels {
  ForwardRows forward;
  FilterRows filter;
  InputRows input;
};

// The variant for the micro-kernel in use (tests switch it to check every one).
DirectKernels direct_kernels() {
#if defined(__x86_64__) || defined(__i386__)
  const char* name = micro_kernel_name();
  if (std::strcmp(name, "avx512f") == 0) return {forward_rows_avx512, filter_rows_avx512, input_rows_avx512};
  if (std::strcmp(name, "avx2+fma") == 0) return {forward_rows_avx2, filter_rows_avx2, input_rows_avx2};
#endif
  return {forward_rows_generic, filter_rows_generic, input_rows_generic};
}

bool serves(const ConvGeometry& g) {
  return g.in_c > 0 && g.in_c < kInPlaceMinChannels && g.out_c > 0 && g.out_c % 16 == 0;
}

// Runs fn(first, last, thread) over [0, rows) in about kTasksPerThread chunks per thread.
template <class Fn>
void for_row_chunks(Context& context, int64_t rows, const Fn& fn) {
  const int64_t tasks = std::max<int64_t>(1, std::min<int64_t>(rows, kTasksPerThread * context.threads()));
  context.pool().parallel_for(tasks, [&](int64_t task, int thread) {
    fn(rows * task / tasks, rows * (task + 1) / tasks, thread);
  });
}

}  // namespace

bool direct_conv2d(Context& context, const ConvGeometry& g, const float* x, const float* filter,
                   float* y, const Epilogue& epilogue) {
  if (!serves(g) || !epilogue.per_column_bias_relu()) return false;
  if (g.pixels() == 0) return true;
  const PaddedInput padded = pad_input(context, g, x);
  std::vector<int64_t> taps(g.patch());
  tap_offsets(g, padded, taps.data());
  const ForwardJob job{g, padded, taps.data(), filter, epilogue.bias.data,
                       epilogue.activation == Activation::kRelu, y};
  const ForwardRows rows_fn = direct_kernels().forward;
  for_row_chunks(context, g.batch * g.out_h,
                 [&](int64_t first, int64_t last, int) { rows_fn(job, first, last); });
  return true;
}

bool direct_conv2d_backprop_input(Context& context, const ConvGeometry& g, const float* dy,
                                  const float* filter, float* dx) {
  if (!serves(g) || g.in_c != 1 || g.stride_h != 1 || g.stride_w != 1 || g.dilation_h != 1 ||
      g.dilation_w != 1) {
    return false;
  }
  const InputRows rows_fn = direct_kernels().input;
  for_row_chunks(context, g.batch * g.in_h,
                 [&](int64_t first, int64_t last, int) { rows_fn(g, first, last, dy, filter, dx); });
  return true;
}

bool direct_conv2d_backprop_filter(Context& context, const ConvGeometry& g, const float* x,
                                   const float* dy, float* dfilter) {
  if (!serves(g)) return false;
  const int64_t size = g.patch() * g.out_c;
  const int64_t rows = g.batch * g.out_h;
  if (rows == 0) {
    std::fill(dfilter, dfilter + size, 0.0f);
    return true;
  }
  const PaddedInput padded = pad_input(context, g, x);
  std::vector<int64_t> taps(g.patch());
  tap_offsets(g, padded, taps.data());
  const FilterJob job{g, padded, taps.data(), dy};
  // One contiguous range of output rows per thread, each into a private partial sum, added
  // in a fixed order: results depend on the thread count but not on scheduling.
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(context.threads(), rows));
  float* partials = context.partials().get(parts * size);
  const FilterRows rows_fn = direct_kernels().filter;
  context.pool().parallel_for(parts, [&](int64_t part, int) {
    rows_fn(job, rows * part / parts, rows * (part + 1) / parts, partials + part * size);
  });
  add_partials(context, partials, parts, size, dfilter);
  return true;
}

}  // namespace isnet
