#include "channel_stats.h"

#include <algorithm>
#include <limits>

#include "elementwise.h"

namespace isnet {
namespace {

// Rows summed in float before being added to the double totals: float arithmetic vectorises
// twice as wide with no conversions, and a block this short keeps float rounding far below
// float32 output precision.
constexpr int64_t kBlockRows = 64;

// The loops take distinct arrays as restrict parameters so that they vectorise. Each adds the
// sums of its rows to `totals` (double) via `block` (float scratch of the same width).

// d = x - pivot: sum(d), sum(d^2). Shifting by a value of the data (the first row) keeps
// E[d^2] - E[d]^2 free of cancellation when the mean is large next to the spread.
void moment_rows(const float* __restrict x, const float* __restrict pivot, int64_t rows,
                 int64_t channels, float* __restrict block, double* __restrict totals) {
  for (int64_t r0 = 0; r0 < rows; r0 += kBlockRows) {
    std::fill(block, block + 2 * channels, 0.0f);
    const int64_t end = std::min(rows, r0 + kBlockRows);
    for (int64_t r = r0; r < end; ++r) {
      const float* __restrict row = x + r * channels;
      for (int64_t j = 0; j < channels; ++j) {
        const float d = row[j] - pivot[j];
        block[j] += d;
        block[channels + j] += d * d;
      }
    }
    for (int64_t i = 0; i < 2 * channels; ++i) totals[i] += block[i];
  }
}

// With c = x - mean: sum(a), sum(a c) [, sum(b), sum(b c), sum(a b)].
template <bool WithB>
void centred_rows(const float* __restrict x, const float* __restrict mean,
                  const float* __restrict a, const float* __restrict b, int64_t rows,
                  int64_t channels, float* __restrict block, double* __restrict totals) {
  const int64_t width = (WithB ? 5 : 2) * channels;
  for (int64_t r0 = 0; r0 < rows; r0 += kBlockRows) {
    std::fill(block, block + width, 0.0f);
    const int64_t end = std::min(rows, r0 + kBlockRows);
    for (int64_t r = r0; r < end; ++r) {
      const int64_t offset = r * channels;
      for (int64_t j = 0; j < channels; ++j) {
        const float c = x[offset + j] - mean[j];
        const float av = a[offset + j];
        block[j] += av;
        block[channels + j] += av * c;
        if constexpr (WithB) {
          const float bv = b[offset + j];
          block[2 * channels + j] += bv;
          block[3 * channels + j] += bv * c;
          block[4 * channels + j] += av * bv;
        }
      }
    }
    for (int64_t i = 0; i < width; ++i) totals[i] += block[i];
  }
}

// Runs rows_fn(first, count, block, partial) on contiguous row blocks, one per part, each
// into its own zeroed `width` doubles, and returns the parts' totals (added in order).
template <class RowsFn>
const double* reduce_rows(Context& context, int64_t rows, int64_t channels, int64_t width,
                          const RowsFn& rows_fn) {
  const int64_t parts = reduction_parts(context, rows, channels);
  // Doubles in the float scratch: it is 64-byte aligned. One extra row of `width` for totals.
  double* partials = reinterpret_cast<double*>(context.partials().get(2 * (parts + 1) * width));
  context.pool().parallel_for(parts, [&](int64_t part, int thread) {
    double* partial = partials + part * width;
    std::fill(partial, partial + width, 0.0);
    const int64_t first = rows * part / parts;
    rows_fn(first, rows * (part + 1) / parts - first,
            context.scratch(thread).block_sums.get(width), partial);
  });
  double* total = partials + parts * width;
  std::copy(partials, partials + width, total);
  for (int64_t part = 1; part < parts; ++part) {
    for (int64_t i = 0; i < width; ++i) total[i] += partials[part * width + i];
  }
  return total;
}

}  // namespace

void channel_moments(Context& context, const float* x, int64_t rows, int64_t channels,
                     float* mean, float* variance) {
  if (rows == 0) {  // no values: NaN, as tf.moments gives
    std::fill(mean, mean + channels, std::numeric_limits<float>::quiet_NaN());
    std::fill(variance, variance + channels, std::numeric_limits<float>::quiet_NaN());
    return;
  }
  const float* pivot = x;
  const double* sums = reduce_rows(context, rows, channels, 2 * channels,
                                   [&](int64_t first, int64_t count, float* block, double* partial) {
    moment_rows(x + first * channels, pivot, count, channels, block, partial);
  });
  const double n = static_cast<double>(rows);
  for (int64_t j = 0; j < channels; ++j) {
    const double shift = sums[j] / n;
    mean[j] = static_cast<float>(pivot[j] + shift);
    // Clamped: rounding can leave a constant column's variance a hair below zero.
    variance[j] = static_cast<float>(std::max(0.0, sums[channels + j] / n - shift * shift));
  }
}

void centred_sums(Context& context, const float* x, const float* mean, const float* a,
                  const float* b, int64_t rows, int64_t channels, float* sums) {
  if (channels == 0) return;
  const int64_t width = (b == nullptr ? 2 : 5) * channels;
  const double* totals = reduce_rows(context, rows, channels, width,
                                     [&](int64_t first, int64_t count, float* block, double* partial) {
    const int64_t offset = first * channels;
    if (b == nullptr) {
      centred_rows<false>(x + offset, mean, a + offset, nullptr, count, channels, block, partial);
    } else {
      centred_rows<true>(x + offset, mean, a + offset, b + offset, count, channels, block, partial);
    }
  });
  std::transform(totals, totals + width, sums, [](double v) { return static_cast<float>(v); });
}

}  // namespace isnet
