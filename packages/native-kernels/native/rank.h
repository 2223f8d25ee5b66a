// Descending ranks along rows, for Global Weighted Ranked Pooling.
#pragma once

#include <cstdint>

#include "context.h"

namespace isnet {

// out[r, i] = weights[rank of x[r, i] in row r, descending]; ties rank the lower index first
// (a stable order, as tf.topk's); -0 ties with +0. x and out are [rows, n], weights [n].
void rank_weights(Context& context, const float* x, const float* weights, float* out,
                  int64_t rows, int64_t n);

// The same for one row, on the calling thread; scratch holds 4 n 32-bit values.
void rank_row(const float* x, const float* weights, float* out, int64_t n, uint32_t* scratch);

}  // namespace isnet
