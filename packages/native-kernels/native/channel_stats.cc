#include "channel_stats.h"

#include <algorithm>

namespace isnet {
namespace {

// Rows per thread below which splitting a reduction costs more than it saves.
constexpr int64_t kMinElementsPerPart = 1 << 15;

// The loops take distinct arrays as restrict parameters so that they vectorise.
void moment_rows(const float* __restrict x, int64_t rows, int64_t channels,
                 double* __restrict sum, double* __restrict squares) {
  for (int64_t r = 0; r < rows; ++r, x += channels) {
    for (int64_t j = 0; j < channels; ++j) {
      const double v = x[j];
      sum[j] += v;
      squares[j] += v * v;
    }
  }
}

void centred_rows(const float* __restrict x, const float* __restrict mean,
                  const float* __restrict a, int64_t rows, int64_t channels,
                  double* __restrict sums) {
  double* __restrict sum_a = sums;
  double* __restrict sum_ac = sums + channels;
  for (int64_t r = 0; r < rows; ++r, x += channels, a += channels) {
    for (int64_t j = 0; j < channels; ++j) {
      const double c = x[j] - mean[j];
      sum_a[j] += a[j];
      sum_ac[j] += a[j] * c;
    }
  }
}

void centred_rows2(const float* __restrict x, const float* __restrict mean,
                   const float* __restrict a, const float* __restrict b, int64_t rows,
                   int64_t channels, double* __restrict sums) {
  double* __restrict sum_a = sums;
  double* __restrict sum_ac = sums + channels;
  double* __restrict sum_b = sums + 2 * channels;
  double* __restrict sum_bc = sums + 3 * channels;
  double* __restrict sum_ab = sums + 4 * channels;
  for (int64_t r = 0; r < rows; ++r, x += channels, a += channels, b += channels) {
    for (int64_t j = 0; j < channels; ++j) {
      const double c = x[j] - mean[j];
      const double av = a[j];
      const double bv = b[j];
      sum_a[j] += av;
      sum_ac[j] += av * c;
      sum_b[j] += bv;
      sum_bc[j] += bv * c;
      sum_ab[j] += av * bv;
    }
  }
}

// Runs rows_fn(first, count, partial) on contiguous row blocks, one per part, each into its
// own zeroed `width` doubles, and returns the parts' totals (parts added in order).
template <class RowsFn>
const double* reduce_rows(Context& context, int64_t rows, int64_t channels, int64_t width,
                          const RowsFn& rows_fn) {
  const int64_t min_rows = std::max<int64_t>(1, kMinElementsPerPart / std::max<int64_t>(channels, 1));
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(context.threads(), rows / min_rows));
  // Doubles in the float scratch: it is 64-byte aligned. One extra row of `width` for totals.
  double* partials = reinterpret_cast<double*>(context.partials().get(2 * (parts + 1) * width));
  context.pool().parallel_for(parts, [&](int64_t part, int) {
    double* partial = partials + part * width;
    std::fill(partial, partial + width, 0.0);
    const int64_t first = rows * part / parts;
    rows_fn(first, rows * (part + 1) / parts - first, partial);
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
  if (channels == 0) return;
  const double* sums = reduce_rows(context, rows, channels, 2 * channels,
                                   [&](int64_t first, int64_t count, double* partial) {
    moment_rows(x + first * channels, count, channels, partial, partial + channels);
  });
  for (int64_t j = 0; j < channels; ++j) {
    const double m = sums[j] / static_cast<double>(rows);
    mean[j] = static_cast<float>(m);
    // Clamped: rounding can leave a constant column's variance a hair below zero.
    variance[j] = static_cast<float>(std::max(0.0, sums[channels + j] / static_cast<double>(rows) - m * m));
  }
}

void centred_sums(Context& context, const float* x, const float* mean, const float* a,
                  const float* b, int64_t rows, int64_t channels, float* sums) {
  if (channels == 0) return;
  const int64_t width = (b == nullptr ? 2 : 5) * channels;
  const double* totals = reduce_rows(context, rows, channels, width,
                                     [&](int64_t first, int64_t count, double* partial) {
    const int64_t offset = first * channels;
    if (b == nullptr) {
      centred_rows(x + offset, mean, a + offset, count, channels, partial);
    } else {
      centred_rows2(x + offset, mean, a + offset, b + offset, count, channels, partial);
    }
  });
  std::transform(totals, totals + width, sums, [](double v) { return static_cast<float>(v); });
}

}  // namespace isnet
