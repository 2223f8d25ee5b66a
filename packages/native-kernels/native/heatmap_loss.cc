#include "heatmap_loss.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "rank.h"

namespace isnet {
namespace {

// a = b / (b + E) is clamped here so that -log(1 - a) stays finite (isnet-core's constant).
constexpr float kMaxActivation = 1.0f - 1e-7f;
constexpr float kNormalisationEps = 1e-10f;

// The foreground penalty of a map's total foreground relevance F and its derivative, with
// TF.js's conventions at the kinks: min(a, b) passes the gradient to a where a <= b, max(a, b)
// where a >= b.
struct Penalty {
  double value, slope;

  Penalty(double F, double C1, double C2, bool hybrid) {
    const double low = std::min(F, C1) / C1 - 1;
    value = low * low;
    slope = F <= C1 ? 2 * low / C1 : 0;
    const auto above = [&](double x, double& d) {  // (max(x, C2)/C1 - C2/C1)^2 and d/dx
      const double t = std::max(x, C2) / C1 - C2 / C1;
      d = x >= C2 ? 2 * t / C1 : 0;
      return t * t;
    };
    double d = 0;
    if (!hybrid) {
      value += above(F, d);
      slope += d;
      return;
    }
    const double knee = C1 + C2;
    value += above(std::min(F, knee), d) + (std::max(F, knee) - knee);
    slope += (F <= knee ? d : 0) + (F >= knee ? 1 : 0);
  }
};

// d|x|/dx as TF.js's Abs gradient: 1 above 0, -1 otherwise (0 included), NaN for NaN.
inline float abs_slope(float x) { return x > 0 ? 1.0f : (std::isnan(x) ? x : -1.0f); }

}  // namespace

HeatmapLossValue heatmap_loss(Context& context, const HeatmapLossProblem& p) {
  const int64_t maps = p.batch * p.maps;
  const int64_t values = p.pixels * p.channels;
  std::vector<double> background(static_cast<size_t>(maps)), foreground(static_cast<size_t>(maps));
  const double background_scale = p.background_weight / (double(p.batch) * p.maps * p.channels);
  const double foreground_scale = p.foreground_weight / (double(p.batch) * p.maps);
  context.pool().parallel_for(maps, [&](int64_t map, int thread) {
    const float* h = p.heatmaps + map * values;
    const float* mask = p.masks + (map / p.maps) * p.pixels;
    float* g = p.gradient + map * values;
    // Scratch: one channel's background values and their rank weights, and the radix sort's.
    float* scratch = context.scratch(thread).block_sums.get(6 * p.pixels);
    float* row = scratch;
    float* weights = scratch + p.pixels;
    uint32_t* sort = reinterpret_cast<uint32_t*>(scratch + 2 * p.pixels);

    double F = 0, mask_sum = 0;
    for (int64_t q = 0; q < p.pixels; ++q) {
      mask_sum += mask[q];
      for (int64_t c = 0; c < p.channels; ++c) F += std::fabs(h[q * p.channels + c]) * mask[q];
    }
    const float count = static_cast<float>(mask_sum) * p.channels + kNormalisationEps;
    const float norm = static_cast<float>(F) / count + kNormalisationEps;

    // Background: per channel, GWRP of |h| / norm over background positions; g first holds
    // d total / d|h| through the background values with norm held fixed.
    double loss = 0, through_norm = 0;
    for (int64_t c = 0; c < p.channels; ++c) {
      for (int64_t q = 0; q < p.pixels; ++q) {
        row[q] = std::fabs(h[q * p.channels + c]) / norm * (1.0f - mask[q]);
      }
      rank_row(row, p.decay, weights, p.pixels, sort);
      double partial[4] = {};  // four chains: the sum is not one long dependency
      int64_t q = 0;
      for (; q + 4 <= p.pixels; q += 4) {
        for (int k = 0; k < 4; ++k) partial[k] += double(row[q + k]) * weights[q + k];
      }
      for (; q < p.pixels; ++q) partial[0] += double(row[q]) * weights[q];
      const double pooled = (partial[0] + partial[1]) + (partial[2] + partial[3]);
      const float ratio = static_cast<float>(pooled / (pooled + p.E));
      const float activation = ratio <= kMaxActivation ? ratio : kMaxActivation;
      loss -= std::log(1.0 - activation);
      const double slope = ratio <= kMaxActivation
                               ? background_scale / (1.0 - activation) * p.E / ((pooled + p.E) * (pooled + p.E))
                               : 0.0;
      // d total / d row = slope * weight: through the rows, norm moves the total by
      // -sum(slope * weight * row) / norm = -slope * pooled / norm.
      through_norm += slope * pooled;
      const float scale = static_cast<float>(slope / norm);
      for (q = 0; q < p.pixels; ++q) g[q * p.channels + c] = scale * weights[q] * (1.0f - mask[q]);
    }
    const Penalty penalty(F, p.C1, p.C2, p.hybrid);
    background[static_cast<size_t>(map)] = loss / p.channels;
    foreground[static_cast<size_t>(map)] = penalty.value;

    // A foreground value moves norm (d norm / d|h| = 1 / count) and F.
    const float foreground_slope =
        static_cast<float>(foreground_scale * penalty.slope - through_norm / norm / count);
    for (int64_t q = 0; q < p.pixels; ++q) {
      for (int64_t c = 0; c < p.channels; ++c) {
        const int64_t i = q * p.channels + c;
        g[i] = (g[i] + foreground_slope * mask[q]) * abs_slope(h[i]);
      }
    }
  });
  HeatmapLossValue value{0, 0, 0};
  for (int64_t map = 0; map < maps; ++map) {
    value.background += background[static_cast<size_t>(map)];
    value.foreground += foreground[static_cast<size_t>(map)];
  }
  value.background /= double(maps);
  value.foreground /= double(maps);
  value.total = p.background_weight * value.background + p.foreground_weight * value.foreground;
  return value;
}

}  // namespace isnet
