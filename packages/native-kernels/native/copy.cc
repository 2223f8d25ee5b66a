#include "copy.h"

#include <algorithm>
#include <cstring>

namespace isnet {

void copy_runs(Context& context, const float* source, int64_t source_stride, float* target,
               int64_t target_stride, int64_t rows, int64_t length) {
  if (rows == 0 || length == 0) return;
  // Tasks of ~16K values: enough to split a 28x28 activation's runs, few enough to keep the
  // dispatch cost small.
  const int64_t per_task = std::max<int64_t>(1, 16384 / length);
  context.pool().parallel_for((rows + per_task - 1) / per_task, [&](int64_t task, int) {
    const int64_t end = std::min(rows, (task + 1) * per_task);
    for (int64_t r = task * per_task; r < end; ++r) {
      std::memcpy(target + r * target_stride, source + r * source_stride,
                  static_cast<size_t>(length) * sizeof(float));
    }
  });
}

}  // namespace isnet
