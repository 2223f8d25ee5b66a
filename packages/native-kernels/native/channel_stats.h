// Per-channel statistics of [rows, channels] activations, as batch normalisation and its
// derivatives need them: each is one pass, where composed ops take a transpose and a
// reduction per quantity. Sums run in double (per-thread partials over contiguous row blocks,
// added in a fixed order), so E[x^2] - E[x]^2 keeps float32 accuracy and results depend on
// the thread count but not on scheduling.
#pragma once

#include <cstdint>

#include "context.h"

namespace isnet {

// mean[j] and biased variance[j] of column j.
void channel_moments(Context& context, const float* x, int64_t rows, int64_t channels,
                     float* mean, float* variance);

// With c = x - mean (per channel): sums[0] = sum(a), sums[1] = sum(a c); when b is given also
// sums[2] = sum(b), sums[3] = sum(b c), sums[4] = sum(a b). sums is [2 or 5, channels].
void centred_sums(Context& context, const float* x, const float* mean, const float* a,
                  const float* b, int64_t rows, int64_t channels, float* sums);

}  // namespace isnet
