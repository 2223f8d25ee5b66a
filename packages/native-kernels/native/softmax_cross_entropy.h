// Softmax cross-entropy between labels (one-hot or soft) and logits over the last axis, and
// its gradients, each in one pass over rows x classes: composed, a classifier's loss is ~15
// small ops forward and ~20 backward, whose per-op overhead outweighs their arithmetic.
#pragma once

#include <cstdint>

#include "context.h"

namespace isnet {

// The mean over rows of -sum_j labels_j * logSoftmax(logits)_j. Row sums in double; blocks of
// rows per thread, their partial sums added in a fixed order.
double softmax_cross_entropy(Context& context, const float* labels, const float* logits,
                             int64_t rows, int64_t classes);

// Its gradient times `scale` (the upstream gradient over rows): d_logits = (sum(labels) *
// softmax(logits) - labels) * scale and d_labels = -logSoftmax(logits) * scale, each written
// where its pointer is not null.
void softmax_cross_entropy_grad(Context& context, const float* labels, const float* logits,
                                int64_t rows, int64_t classes, float scale, float* d_labels,
                                float* d_logits);

}  // namespace isnet
