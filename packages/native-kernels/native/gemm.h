// Blocked single-precision GEMM after BLIS/GotoBLAS: B is packed into k-blocks of kNR-wide
// slivers, and a register-blocked micro-kernel computes one kMR x kNR tile of C at a time.
// Unlike BLIS, A is not packed: the micro-kernel broadcasts A values straight from kMR row
// pointers, and an "A source" describes each kMR-row strip of A as segments of contiguous rows.
// Convolutions thereby read filter taps from the image in place (implicit im2col): packing A,
// a transposition, used to cost as much as the arithmetic itself.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "epilogue.h"

namespace isnet {

// The micro-kernel tile: 6 x 16 floats are 12 AVX2 registers (6 AVX-512 ones) of accumulators,
// leaving room for the B row and broadcast A values.
constexpr int64_t kMR = 6;
constexpr int64_t kNR = 16;
// Depth of one k-block: a kKC x kNR sliver of B (16 KiB) stays in L1 during a sweep over A.
constexpr int64_t kKC = 256;
// Rows of A swept per B sliver: their kKC-deep strips (120 x 1 KiB) stay in L2.
constexpr int64_t kMC = 120;

// kKC zeros: what an A source points rows at where A is zero (padding, rows past the end).
extern const float kZeros[kKC];

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A read-only matrix with arbitrary element strides, so transposed operands need no copy.
struct MatrixView {
  const float* data;
  int64_t row_stride;
  int64_t col_stride;

  float at(int64_t row, int64_t col) const { return data[row * row_stride + col * col_stride]; }
};

// Part of a kMR-row strip of A: for the next `depth` columns, row r reads rows[r][0..depth).
struct ASegment {
  int64_t depth;
  const float* rows[kMR];
};

// Computes one kMR x kNR tile of C = A * B over consecutive segments of A (their depths adding
// up to the depth of the packed B sliver b): c (leading dimension ldc) receives the product,
// added to its previous contents when `accumulate` is set.
using MicroKernel = void (*)(const ASegment* segments, int64_t count, const float* b, float* c,
                             int64_t ldc, bool accumulate);

// Computes a kMR x kNR tile of C (+)= A * B (depth steps of one packed B sliver) where A's
// element (r, p) is pixels[p][offsets[r]]: the transposed patch matrix of a convolution read
// in place, each depth step a pixel's window in a padded input and each row a filter tap.
using GatherMicroKernel = void (*)(const float* const* pixels, const int64_t* offsets,
                                   int64_t depth, const float* b, float* c, int64_t ldc,
                                   bool accumulate);

// The same over a kMR x 2kNR tile: two adjacent B slivers (b0 for columns [0, kNR) of the
// tile, b1 for [kNR, 2kNR)) against one read of A. With AVX-512 a step is then 2 B loads and
// kMR broadcasts for 2kMR FMAs instead of 1 and kMR for kMR: the narrow tile is bound by loads.
using WideMicroKernel = void (*)(const ASegment* segments, int64_t count, const float* b0,
                                 const float* b1, float* c, int64_t ldc, bool accumulate);
using WideGatherMicroKernel = void (*)(const float* const* pixels, const int64_t* offsets,
                                       int64_t depth, const float* b0, const float* b1, float* c,
                                       int64_t ldc, bool accumulate);

// Adds a kNR-float bias row (if not null) to every row of a full kMR x kNR tile, then applies
// ReLU if asked: the common epilogue, with the micro-kernel's instruction set (the portable
// one costs more than the micro-kernel itself when the GEMM is shallow).
using TileEpilogue = void (*)(float* c, int64_t ldc, const float* bias, bool relu);

// The micro-kernel in use: by default the fastest this CPU supports, detected at run time.
MicroKernel micro_kernel();
// Its wide and gathering forms and its tile epilogue, for the same instruction set.
WideMicroKernel wide_micro_kernel();
GatherMicroKernel gather_micro_kernel();
WideGatherMicroKernel wide_gather_micro_kernel();
TileEpilogue tile_epilogue();
const char* micro_kernel_name();
// Names of the micro-kernels this CPU supports, fastest first: "avx512f", "avx2+fma", "generic".
std::vector<std::string> supported_micro_kernels();
// Switches the micro-kernel for the whole process (tests compare them all); false if the name
// is unknown or unsupported here.
bool select_micro_kernel(const std::string& name);

// B (k x n) packed for the micro-kernel in storage of size_for(k, n) floats: k-block kb holds
// `slivers` consecutive panels of depth(kb) x kNR floats, zero-padded past column n.
class PackedB {
 public:
  static int64_t size_for(int64_t k, int64_t n) { return k * ceil_div(n, kNR) * kNR; }

  PackedB(float* storage, int64_t k, int64_t n)
      : storage_(storage), k_(k), n_(n), slivers_(ceil_div(n, kNR)), blocks_(ceil_div(k, kKC)) {}

  int64_t k() const { return k_; }
  int64_t n() const { return n_; }
  int64_t slivers() const { return slivers_; }
  int64_t blocks() const { return blocks_; }
  int64_t depth(int64_t block) const { return std::min(kKC, k_ - block * kKC); }

  // Sliver j of k-block `block`: depth(block) rows of kNR floats. Writable for packers.
  float* sliver(int64_t block, int64_t j) const {
    return storage_ + block * kKC * slivers_ * kNR + j * depth(block) * kNR;
  }

  // Packs one k-block of b; blocks are independent, so callers may pack them in parallel.
  void pack_block(MatrixView b, int64_t block) const;
  void pack(MatrixView b) const {
    for (int64_t block = 0; block < blocks_; ++block) pack_block(b, block);
  }

 private:
  float* storage_;
  int64_t k_, n_, slivers_, blocks_;
};

// Scratch of one thread for gemm_tile: strip descriptions, and room for A sources that must
// copy (transposed matrices).
struct GemmScratch {
  std::vector<ASegment> segments;  // kKC per strip of a kMC-row block
  std::vector<float> strips;       // kMR x kKC floats per strip

  GemmScratch() : segments(kMC / kMR * kKC), strips(kMC * kKC) {}
};

// The A source of a plain matrix. Rows with unit column stride are read in place; otherwise
// (transposed A) a strip is first copied into row-major scratch.
struct MatrixA {
  MatrixView a;
  // Describes rows [row, row + rows) x columns [k0, k0 + depth) (rows <= kMR; missing rows
  // read zeros) as segments; returns their count. `scratch` holds kMR * kKC floats.
  int64_t operator()(int64_t row, int64_t rows, int64_t k0, int64_t depth, ASegment* segments,
                     float* scratch) const;
};

// Cuts a rows x slivers output into about `wanted` tasks for a thread pool, in whole kMR-row
// units of at most kMC rows, splitting the columns too only when there are too few rows (e.g. a
// dense layer with a small batch).
struct TileGrid {
  int64_t rows, slivers;
  int64_t rows_per_task, slivers_per_task;
  int64_t row_tasks, sliver_tasks;

  static TileGrid plan(int64_t rows, int64_t slivers, int64_t wanted) {
    TileGrid grid{rows, slivers, 0, 0, 0, 0};
    grid.rows_per_task = std::clamp(ceil_div(ceil_div(rows, wanted), kMR) * kMR, kMR, kMC);
    grid.row_tasks = ceil_div(rows, grid.rows_per_task);
    const int64_t sliver_splits =
        grid.row_tasks >= wanted ? 1 : std::min(slivers, ceil_div(wanted, grid.row_tasks));
    grid.slivers_per_task = ceil_div(slivers, std::max<int64_t>(sliver_splits, 1));
    grid.sliver_tasks = ceil_div(slivers, grid.slivers_per_task);
    return grid;
  }

  int64_t tasks() const { return row_tasks * sliver_tasks; }
  int64_t row_begin(int64_t task) const { return task / sliver_tasks * rows_per_task; }
  int64_t row_end(int64_t task) const { return std::min(rows, row_begin(task) + rows_per_task); }
  int64_t sliver_begin(int64_t task) const { return task % sliver_tasks * slivers_per_task; }
  int64_t sliver_end(int64_t task) const {
    return std::min(slivers, sliver_begin(task) + slivers_per_task);
  }
};

// Tasks per thread that let dynamic scheduling even out uneven progress.
constexpr int64_t kTasksPerThread = 4;

// Computes rows [row_begin, row_end) x slivers [sliver_begin, sliver_end) of C (+)= A * B, then
// applies the epilogue to each tile once its last k-block is in. a_source has MatrixA's
// contract.
template <class ASource>
void gemm_tile(const ASource& a_source, const PackedB& b, int64_t row_begin, int64_t row_end,
               int64_t sliver_begin, int64_t sliver_end, float* c, int64_t ldc, bool accumulate,
               const Epilogue& epilogue, GemmScratch& scratch) {
  const int64_t col_begin = sliver_begin * kNR;
  const int64_t col_end = std::min(b.n(), sliver_end * kNR);
  if (b.k() == 0) {  // an empty sum: C keeps its value (or becomes 0) before the epilogue
    for (int64_t i = row_begin; i < row_end; ++i) {
      if (!accumulate) std::fill(c + i * ldc + col_begin, c + i * ldc + col_end, 0.0f);
    }
    if (epilogue.active()) {
      epilogue.apply(c + row_begin * ldc + col_begin, ldc, row_end - row_begin, col_begin,
                     col_end - col_begin);
    }
    return;
  }

  const MicroKernel kernel = micro_kernel();
  const WideMicroKernel wide_kernel = wide_micro_kernel();
  const TileEpilogue fast_epilogue = epilogue.per_column_bias_relu() ? tile_epilogue() : nullptr;
  // The epilogue of one tile of kNR columns at most, once its last k-block is in.
  const auto finish = [&](float* tile, int64_t tile_rows, int64_t col0, int64_t cols) {
    if (tile_rows == kMR && cols == kNR && fast_epilogue != nullptr) {
      fast_epilogue(tile, ldc, epilogue.bias.data ? epilogue.bias.data + col0 : nullptr,
                    epilogue.activation == Activation::kRelu);
    } else {
      epilogue.apply(tile, ldc, tile_rows, col0, cols);
    }
  };
  int64_t segment_counts[kMC / kMR];
  alignas(64) float edge[kMR * kNR];
  for (int64_t kb = 0; kb < b.blocks(); ++kb) {
    const int64_t depth = b.depth(kb);
    const bool add = accumulate || kb > 0;
    const bool last = kb + 1 == b.blocks() && epilogue.active();
    for (int64_t i0 = row_begin; i0 < row_end; i0 += kMC) {
      const int64_t rows = std::min(kMC, row_end - i0);
      const int64_t strips = ceil_div(rows, kMR);
      for (int64_t s = 0; s < strips; ++s) {  // described once, used for every B sliver
        segment_counts[s] = a_source(i0 + s * kMR, std::min(kMR, rows - s * kMR), kb * kKC, depth,
                                     &scratch.segments[s * kKC], &scratch.strips[s * kMR * kKC]);
      }
      // One sliver, or two full ones through the wide kernel, per column step.
      for (int64_t j = sliver_begin; j < sliver_end;) {
        const int64_t col0 = j * kNR;
        const bool pair = j + 1 < sliver_end && col0 + 2 * kNR <= b.n();
        for (int64_t s = 0; s < strips; ++s) {
          const int64_t tile_rows = std::min(kMR, rows - s * kMR);
          const ASegment* segments = &scratch.segments[s * kKC];
          float* tile = c + (i0 + s * kMR) * ldc + col0;
          if (pair && tile_rows == kMR) {
            wide_kernel(segments, segment_counts[s], b.sliver(kb, j), b.sliver(kb, j + 1), tile,
                        ldc, add);
            if (last) {
              finish(tile, kMR, col0, kNR);
              finish(tile + kNR, kMR, col0 + kNR, kNR);
            }
            continue;
          }
          for (int64_t half = 0; half < (pair ? 2 : 1); ++half) {
            const int64_t part_col0 = col0 + half * kNR;
            const int64_t cols = std::min(kNR, b.n() - part_col0);
            float* part = tile + half * kNR;
            const float* b_sliver = b.sliver(kb, j + half);
            if (tile_rows == kMR && cols == kNR) {
              kernel(segments, segment_counts[s], b_sliver, part, ldc, add);
            } else {  // partial tile: compute the full tile aside and keep the valid part
              kernel(segments, segment_counts[s], b_sliver, edge, kNR, false);
              for (int64_t r = 0; r < tile_rows; ++r) {
                for (int64_t col = 0; col < cols; ++col) {
                  const float v = edge[r * kNR + col];
                  part[r * ldc + col] = add ? part[r * ldc + col] + v : v;
                }
              }
            }
            if (last) finish(part, tile_rows, part_col0, cols);
          }
        }
        j += pair ? 2 : 1;
      }
    }
  }
}

}  // namespace isnet
