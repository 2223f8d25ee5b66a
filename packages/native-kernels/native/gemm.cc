#include "gemm.h"

#include <atomic>
#include <cstring>

namespace isnet {
namespace {

// GCC vector extensions let one source serve every instruction set: the same body compiles to
// AVX2+FMA inside a target("avx2,fma") function and to SSE2 pairs in the portable build. Only
// the micro-kernels use instructions beyond the baseline, and only on CPUs that have them
// (__builtin_cpu_supports also checks that the OS saves the wider registers).
typedef float Vec8 __attribute__((vector_size(32)));
// The same vector at a float-aligned address, as in packed B and in C.
typedef float UnalignedVec8 __attribute__((vector_size(32), aligned(4), may_alias));

static_assert(kNR == 16, "a tile row is two 8-float or one 16-float vector");

// Writes (or adds) a tile's accumulators to C: C is touched once per tile.
__attribute__((always_inline)) inline void store_tile(Vec8 (&acc)[kMR][2], float* c, int64_t ldc,
                                                      bool accumulate) {
#pragma GCC unroll 6
  for (int r = 0; r < kMR; ++r) {
    UnalignedVec8* row = reinterpret_cast<UnalignedVec8*>(c + r * ldc);
    if (accumulate) {
      acc[r][0] = row[0] + acc[r][0];
      acc[r][1] = row[1] + acc[r][1];
    }
    row[0] = acc[r][0];
    row[1] = acc[r][1];
  }
}

// Accumulates in registers over all segments and touches C once. With -ffp-contract=fast
// (binding.gyp) the multiply-adds become FMA instructions where the target has them: a single
// rounding per step instead of two, no reassociation.
__attribute__((always_inline)) inline void micro_kernel_body(const ASegment* segments,
                                                             int64_t count, const float* b,
                                                             float* c, int64_t ldc,
                                                             bool accumulate) {
  Vec8 acc[kMR][2] = {};
  for (const ASegment* segment = segments; segment < segments + count; ++segment) {
    const float* rows[kMR];
    for (int r = 0; r < kMR; ++r) rows[r] = segment->rows[r];
    for (int64_t p = 0; p < segment->depth; ++p) {
      const Vec8 b0 = *reinterpret_cast<const UnalignedVec8*>(b);
      const Vec8 b1 = *reinterpret_cast<const UnalignedVec8*>(b + 8);
#pragma GCC unroll 6
      for (int r = 0; r < kMR; ++r) {
        const float s = rows[r][p];
        const Vec8 ar = {s, s, s, s, s, s, s, s};  // a broadcast load
        acc[r][0] += ar * b0;
        acc[r][1] += ar * b1;
      }
      b += kNR;
    }
  }
  store_tile(acc, c, ldc, accumulate);
}

// The gathering form: the kMR A values of a step are read at fixed offsets from that step's
// pixel pointer.
__attribute__((always_inline)) inline void gather_kernel_body(const float* const* pixels,
                                                              const int64_t* offsets,
                                                              int64_t depth, const float* b,
                                                              float* c, int64_t ldc,
                                                              bool accumulate) {
  Vec8 acc[kMR][2] = {};
  int64_t offset[kMR];
  for (int r = 0; r < kMR; ++r) offset[r] = offsets[r];
  for (int64_t p = 0; p < depth; ++p) {
    const float* pixel = pixels[p];
    const Vec8 b0 = *reinterpret_cast<const UnalignedVec8*>(b);
    const Vec8 b1 = *reinterpret_cast<const UnalignedVec8*>(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < kMR; ++r) {
      const float s = pixel[offset[r]];
      const Vec8 ar = {s, s, s, s, s, s, s, s};
      acc[r][0] += ar * b0;
      acc[r][1] += ar * b1;
    }
    b += kNR;
  }
  store_tile(acc, c, ldc, accumulate);
}

__attribute__((always_inline)) inline void tile_epilogue_body(float* c, int64_t ldc,
                                                              const float* bias, bool relu) {
  const Vec8 zero = {};
  const Vec8 b0 = bias ? *reinterpret_cast<const UnalignedVec8*>(bias) : zero;
  const Vec8 b1 = bias ? *reinterpret_cast<const UnalignedVec8*>(bias + 8) : zero;
#pragma GCC unroll 6
  for (int r = 0; r < kMR; ++r) {
    UnalignedVec8* row = reinterpret_cast<UnalignedVec8*>(c + r * ldc);
    Vec8 v0 = row[0] + b0;
    Vec8 v1 = row[1] + b1;
    if (relu) {  // v < 0 ? 0 : v, so that NaN passes through as in tfjs
      v0 = v0 < zero ? zero : v0;
      v1 = v1 < zero ? zero : v1;
    }
    row[0] = v0;
    row[1] = v1;
  }
}

void micro_kernel_generic(const ASegment* segments, int64_t count, const float* b, float* c,
                          int64_t ldc, bool accumulate) {
  micro_kernel_body(segments, count, b, c, ldc, accumulate);
}

// Without AVX-512 a wide tile would not fit the registers: it is two narrow ones.
void wide_kernel_generic(const ASegment* segments, int64_t count, const float* b0,
                         const float* b1, float* c, int64_t ldc, bool accumulate) {
  micro_kernel_body(segments, count, b0, c, ldc, accumulate);
  micro_kernel_body(segments, count, b1, c + kNR, ldc, accumulate);
}

void tile_epilogue_generic(float* c, int64_t ldc, const float* bias, bool relu) {
  tile_epilogue_body(c, ldc, bias, relu);
}

void gather_kernel_generic(const float* const* pixels, const int64_t* offsets, int64_t depth,
                           const float* b, float* c, int64_t ldc, bool accumulate) {
  gather_kernel_body(pixels, offsets, depth, b, c, ldc, accumulate);
}

void wide_gather_kernel_generic(const float* const* pixels, const int64_t* offsets,
                                int64_t depth, const float* b0, const float* b1, float* c,
                                int64_t ldc, bool accumulate) {
  gather_kernel_body(pixels, offsets, depth, b0, c, ldc, accumulate);
  gather_kernel_body(pixels, offsets, depth, b1, c + kNR, ldc, accumulate);
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma"))) void micro_kernel_avx2(const ASegment* segments,
                                                           int64_t count, const float* b,
                                                           float* c, int64_t ldc,
                                                           bool accumulate) {
  micro_kernel_body(segments, count, b, c, ldc, accumulate);
}

__attribute__((target("avx2,fma"))) void wide_kernel_avx2(const ASegment* segments,
                                                          int64_t count, const float* b0,
                                                          const float* b1, float* c, int64_t ldc,
                                                          bool accumulate) {
  micro_kernel_body(segments, count, b0, c, ldc, accumulate);
  micro_kernel_body(segments, count, b1, c + kNR, ldc, accumulate);
}

__attribute__((target("avx2,fma"))) void wide_gather_kernel_avx2(
    const float* const* pixels, const int64_t* offsets, int64_t depth, const float* b0,
    const float* b1, float* c, int64_t ldc, bool accumulate) {
  gather_kernel_body(pixels, offsets, depth, b0, c, ldc, accumulate);
  gather_kernel_body(pixels, offsets, depth, b1, c + kNR, ldc, accumulate);
}

__attribute__((target("avx2,fma"))) void tile_epilogue_avx2(float* c, int64_t ldc,
                                                            const float* bias, bool relu) {
  tile_epilogue_body(c, ldc, bias, relu);
}

__attribute__((target("avx2,fma"))) void gather_kernel_avx2(const float* const* pixels,
                                                            const int64_t* offsets, int64_t depth,
                                                            const float* b, float* c, int64_t ldc,
                                                            bool accumulate) {
  gather_kernel_body(pixels, offsets, depth, b, c, ldc, accumulate);
}

typedef float Vec16 __attribute__((vector_size(64)));
typedef float UnalignedVec16 __attribute__((vector_size(64), aligned(4), may_alias));

__attribute__((target("avx512f"), always_inline)) inline Vec16 broadcast16(float s) {
  return Vec16{s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s};
}

// Writes (or adds) the sum of a tile's even- and odd-step accumulators to C.
__attribute__((target("avx512f"), always_inline)) inline void store_tile16(const Vec16 (&even)[kMR],
                                                                         const Vec16 (&odd)[kMR],
                                                                         float* c, int64_t ldc,
                                                                         bool accumulate) {
#pragma GCC unroll 6
  for (int r = 0; r < kMR; ++r) {
    UnalignedVec16* row = reinterpret_cast<UnalignedVec16*>(c + r * ldc);
    const Vec16 sum = even[r] + odd[r];
    *row = accumulate ? *row + sum : sum;
  }
}

// One 512-bit register holds a whole tile row, so a step is only kMR FMAs; two accumulator
// sets (even and odd steps, added at the end) keep enough FMAs in flight to hide their latency.
__attribute__((target("avx512f"))) void micro_kernel_avx512(const ASegment* segments,
                                                            int64_t count, const float* b,
                                                            float* c, int64_t ldc,
                                                            bool accumulate) {
  Vec16 even[kMR] = {};
  Vec16 odd[kMR] = {};
  for (const ASegment* segment = segments; segment < segments + count; ++segment) {
    const float* rows[kMR];
    for (int r = 0; r < kMR; ++r) rows[r] = segment->rows[r];
    int64_t p = 0;
    for (; p + 1 < segment->depth; p += 2) {
      const Vec16 b0 = *reinterpret_cast<const UnalignedVec16*>(b);
      const Vec16 b1 = *reinterpret_cast<const UnalignedVec16*>(b + kNR);
#pragma GCC unroll 6
      for (int r = 0; r < kMR; ++r) {
        even[r] += broadcast16(rows[r][p]) * b0;
        odd[r] += broadcast16(rows[r][p + 1]) * b1;
      }
      b += 2 * kNR;
    }
    if (p < segment->depth) {
      const Vec16 b0 = *reinterpret_cast<const UnalignedVec16*>(b);
#pragma GCC unroll 6
      for (int r = 0; r < kMR; ++r) even[r] += broadcast16(rows[r][p]) * b0;
      b += kNR;
    }
  }
  store_tile16(even, odd, c, ldc, accumulate);
}

// Gathering form of the above, with the same even/odd accumulator sets.
__attribute__((target("avx512f"))) void gather_kernel_avx512(const float* const* pixels,
                                                             const int64_t* offsets,
                                                             int64_t depth, const float* b,
                                                             float* c, int64_t ldc,
                                                             bool accumulate) {
  Vec16 even[kMR] = {};
  Vec16 odd[kMR] = {};
  int64_t offset[kMR];
  for (int r = 0; r < kMR; ++r) offset[r] = offsets[r];
  int64_t p = 0;
  for (; p + 1 < depth; p += 2) {
    const float* pixel0 = pixels[p];
    const float* pixel1 = pixels[p + 1];
    const Vec16 b0 = *reinterpret_cast<const UnalignedVec16*>(b);
    const Vec16 b1 = *reinterpret_cast<const UnalignedVec16*>(b + kNR);
#pragma GCC unroll 6
    for (int r = 0; r < kMR; ++r) {
      even[r] += broadcast16(pixel0[offset[r]]) * b0;
      odd[r] += broadcast16(pixel1[offset[r]]) * b1;
    }
    b += 2 * kNR;
  }
  if (p < depth) {
    const float* pixel0 = pixels[p];
    const Vec16 b0 = *reinterpret_cast<const UnalignedVec16*>(b);
#pragma GCC unroll 6
    for (int r = 0; r < kMR; ++r) even[r] += broadcast16(pixel0[offset[r]]) * b0;
  }
  store_tile16(even, odd, c, ldc, accumulate);
}

// Writes (or adds) a wide tile's accumulators to C.
__attribute__((target("avx512f"), always_inline)) inline void store_wide_tile16(
    const Vec16 (&left)[kMR], const Vec16 (&right)[kMR], float* c, int64_t ldc, bool accumulate) {
#pragma GCC unroll 6
  for (int r = 0; r < kMR; ++r) {
    UnalignedVec16* row = reinterpret_cast<UnalignedVec16*>(c + r * ldc);
    row[0] = accumulate ? row[0] + left[r] : left[r];
    row[1] = accumulate ? row[1] + right[r] : right[r];
  }
}

// The wide tile: 2 kMR accumulators are enough FMAs in flight without an even/odd split.
__attribute__((target("avx512f"))) void wide_kernel_avx512(const ASegment* segments,
                                                           int64_t count, const float* b0,
                                                           const float* b1, float* c,
                                                           int64_t ldc, bool accumulate) {
  Vec16 left[kMR] = {};
  Vec16 right[kMR] = {};
  for (const ASegment* segment = segments; segment < segments + count; ++segment) {
    const float* rows[kMR];
    for (int r = 0; r < kMR; ++r) rows[r] = segment->rows[r];
    for (int64_t p = 0; p < segment->depth; ++p) {
      const Vec16 l = *reinterpret_cast<const UnalignedVec16*>(b0);
      const Vec16 h = *reinterpret_cast<const UnalignedVec16*>(b1);
#pragma GCC unroll 6
      for (int r = 0; r < kMR; ++r) {
        const Vec16 a = broadcast16(rows[r][p]);
        left[r] += a * l;
        right[r] += a * h;
      }
      b0 += kNR;
      b1 += kNR;
    }
  }
  store_wide_tile16(left, right, c, ldc, accumulate);
}

__attribute__((target("avx512f"))) void wide_gather_kernel_avx512(
    const float* const* pixels, const int64_t* offsets, int64_t depth, const float* b0,
    const float* b1, float* c, int64_t ldc, bool accumulate) {
  Vec16 left[kMR] = {};
  Vec16 right[kMR] = {};
  int64_t offset[kMR];
  for (int r = 0; r < kMR; ++r) offset[r] = offsets[r];
  for (int64_t p = 0; p < depth; ++p) {
    const float* pixel = pixels[p];
    const Vec16 l = *reinterpret_cast<const UnalignedVec16*>(b0 + p * kNR);
    const Vec16 h = *reinterpret_cast<const UnalignedVec16*>(b1 + p * kNR);
#pragma GCC unroll 6
    for (int r = 0; r < kMR; ++r) {
      const Vec16 a = broadcast16(pixel[offset[r]]);
      left[r] += a * l;
      right[r] += a * h;
    }
  }
  store_wide_tile16(left, right, c, ldc, accumulate);
}

__attribute__((target("avx512f"))) void tile_epilogue_avx512(float* c, int64_t ldc,
                                                              const float* bias, bool relu) {
  const Vec16 zero = {};
  const Vec16 b = bias ? *reinterpret_cast<const UnalignedVec16*>(bias) : zero;
#pragma GCC unroll 6
  for (int r = 0; r < kMR; ++r) {
    UnalignedVec16* row = reinterpret_cast<UnalignedVec16*>(c + r * ldc);
    const Vec16 v = *row + b;
    *row = relu ? (v < zero ? zero : v) : v;
  }
}

bool cpu_has_avx512f() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

bool cpu_has_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

bool always() { return true; }

struct Candidate {
  const char* name;
  MicroKernel kernel;
  WideMicroKernel wide;
  GatherMicroKernel gather;
  WideGatherMicroKernel wide_gather;
  TileEpilogue epilogue;
  bool (*supported)();
};

// Fastest first.
const Candidate kCandidates[] = {
#if defined(__x86_64__) || defined(__i386__)
    {"avx512f", micro_kernel_avx512, wide_kernel_avx512, gather_kernel_avx512,
     wide_gather_kernel_avx512, tile_epilogue_avx512, cpu_has_avx512f},
    {"avx2+fma", micro_kernel_avx2, wide_kernel_avx2, gather_kernel_avx2, wide_gather_kernel_avx2,
     tile_epilogue_avx2, cpu_has_avx2_fma},
#endif
    {"generic", micro_kernel_generic, wide_kernel_generic, gather_kernel_generic,
     wide_gather_kernel_generic, tile_epilogue_generic, always},
};

std::atomic<const Candidate*> selected{nullptr};

const Candidate& current() {
  const Candidate* candidate = selected.load(std::memory_order_acquire);
  if (candidate == nullptr) {
    for (const Candidate& fastest : kCandidates) {
      if (fastest.supported()) {
        candidate = &fastest;
        break;
      }
    }
    selected.store(candidate, std::memory_order_release);
  }
  return *candidate;
}

}  // namespace

MicroKernel micro_kernel() { return current().kernel; }

WideMicroKernel wide_micro_kernel() { return current().wide; }

GatherMicroKernel gather_micro_kernel() { return current().gather; }

WideGatherMicroKernel wide_gather_micro_kernel() { return current().wide_gather; }

TileEpilogue tile_epilogue() { return current().epilogue; }

const char* micro_kernel_name() { return current().name; }

std::vector<std::string> supported_micro_kernels() {
  std::vector<std::string> names;
  for (const Candidate& candidate : kCandidates) {
    if (candidate.supported()) names.emplace_back(candidate.name);
  }
  return names;
}

bool select_micro_kernel(const std::string& name) {
  for (const Candidate& candidate : kCandidates) {
    if (name == candidate.name && candidate.supported()) {
      selected.store(&candidate, std::memory_order_release);
      return true;
    }
  }
  return false;
}

alignas(64) const float kZeros[kKC] = {};

void PackedB::pack_block(MatrixView b, int64_t block) const {
  const int64_t k0 = block * kKC;
  const int64_t depth = this->depth(block);
  for (int64_t j = 0; j < slivers_; ++j) {
    float* dst = sliver(block, j);
    const int64_t col0 = j * kNR;
    const int64_t cols = std::min(kNR, n_ - col0);
    if (cols < kNR) std::fill(dst, dst + depth * kNR, 0.0f);
    if (b.col_stride == 1) {  // rows of B are contiguous
      for (int64_t p = 0; p < depth; ++p) {
        std::memcpy(dst + p * kNR, b.data + (k0 + p) * b.row_stride + col0, cols * sizeof(float));
      }
    } else {  // transposed B: walk down its contiguous columns
      for (int64_t col = 0; col < cols; ++col) {
        for (int64_t p = 0; p < depth; ++p) dst[p * kNR + col] = b.at(k0 + p, col0 + col);
      }
    }
  }
}

int64_t MatrixA::operator()(int64_t row, int64_t rows, int64_t k0, int64_t depth,
                            ASegment* segments, float* scratch) const {
  ASegment& segment = segments[0];
  segment.depth = depth;
  for (int64_t r = 0; r < kMR; ++r) {
    if (r >= rows) {
      segment.rows[r] = kZeros;
    } else if (a.col_stride == 1) {
      segment.rows[r] = a.data + (row + r) * a.row_stride + k0;
    } else {  // transposed A: copy the strip, reading down the columns
      segment.rows[r] = scratch + r * depth;
    }
  }
  if (a.col_stride != 1) {
    for (int64_t p = 0; p < depth; ++p) {
      for (int64_t r = 0; r < rows; ++r) scratch[r * depth + p] = a.at(row + r, k0 + p);
    }
  }
  return 1;
}

}  // namespace isnet
