// Strided block copies (split and concatenation along an axis).
#pragma once

#include <cstdint>

#include "context.h"

namespace isnet {

// Copies `rows` runs of `length` 4-byte values from source (runs source_stride apart) to
// target (runs target_stride apart), in parallel over blocks of runs.
void copy_runs(Context& context, const float* source, int64_t source_stride, float* target,
               int64_t target_stride, int64_t rows, int64_t length);

}  // namespace isnet
