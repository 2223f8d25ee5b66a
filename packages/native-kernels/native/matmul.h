// Batched matrix multiplication, the BatchMatMul and _FusedMatMul kernels.
#pragma once

#include <cstdint>

#include "context.h"
#include "epilogue.h"

namespace isnet {

struct BatchMatMulProblem {
  const float* a;  // a_batches matrices of m x k (k x m when transpose_a)
  const float* b;  // b_batches matrices of k x n (n x k when transpose_b)
  float* out;      // batches matrices of m x n
  int64_t m, n, k;
  bool transpose_a, transpose_b;
  int64_t batches;
  // For each output batch, the batch of a and of b it reads (resolves broadcasting).
  const int32_t* a_batch;
  const int32_t* b_batch;
  int64_t b_batches;
  Epilogue epilogue;
};

void batch_matmul(Context& context, const BatchMatMulProblem& problem);

}  // namespace isnet
