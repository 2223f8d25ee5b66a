#include "softmax_cross_entropy.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "elementwise.h"

namespace isnet {
namespace {

// log(sum(exp(z))) of one row, shifted by its maximum.
double log_sum_exp(const float* z, int64_t classes) {
  const float top = *std::max_element(z, z + classes);
  double sum = 0.0;
  for (int64_t j = 0; j < classes; ++j) sum += std::exp(static_cast<double>(z[j]) - top);
  return top + std::log(sum);
}

}  // namespace

double softmax_cross_entropy(Context& context, const float* labels, const float* logits,
                             int64_t rows, int64_t classes) {
  if (rows == 0 || classes == 0) return std::nan("");  // the mean of nothing, as tf.mean
  const int64_t parts = reduction_parts(context, rows, classes);
  std::vector<double> partials(static_cast<size_t>(parts));
  context.pool().parallel_for(parts, [&](int64_t part, int) {
    double sum = 0.0;
    for (int64_t r = rows * part / parts; r < rows * (part + 1) / parts; ++r) {
      const float* z = logits + r * classes;
      const float* y = labels + r * classes;
      const double lse = log_sum_exp(z, classes);
      for (int64_t j = 0; j < classes; ++j) sum -= y[j] * (z[j] - lse);
    }
    partials[static_cast<size_t>(part)] = sum;
  });
  double total = 0.0;
  for (const double partial : partials) total += partial;
  return total / static_cast<double>(rows);
}

void softmax_cross_entropy_grad(Context& context, const float* labels, const float* logits,
                                int64_t rows, int64_t classes, float scale, float* d_labels,
                                float* d_logits) {
  const int64_t parts = reduction_parts(context, rows, classes);
  context.pool().parallel_for(parts, [&](int64_t part, int) {
    for (int64_t r = rows * part / parts; r < rows * (part + 1) / parts; ++r) {
      const float* z = logits + r * classes;
      const float* y = labels + r * classes;
      const double lse = log_sum_exp(z, classes);
      if (d_labels != nullptr) {
        for (int64_t j = 0; j < classes; ++j) {
          d_labels[r * classes + j] = static_cast<float>(-(z[j] - lse) * scale);
        }
      }
      if (d_logits != nullptr) {
        double mass = 0.0;
        for (int64_t j = 0; j < classes; ++j) mass += y[j];
        for (int64_t j = 0; j < classes; ++j) {
          const double p = std::exp(z[j] - lse);
          d_logits[r * classes + j] = static_cast<float>((mass * p - y[j]) * scale);
        }
      }
    }
  });
}

}  // namespace isnet
