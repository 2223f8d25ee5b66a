#include "matmul.h"

#include <vector>

#include "gemm.h"

namespace isnet {

void batch_matmul(Context& context, const BatchMatMulProblem& problem) {
  const BatchMatMulProblem& p = problem;
  if (p.batches == 0 || p.m == 0 || p.n == 0) return;

  // Every distinct B is packed once, in parallel over (batch, k-block), and shared by all tasks.
  const int64_t packed_size = PackedB::size_for(p.k, p.n);
  float* storage = context.shared_b().get(p.b_batches * packed_size);
  std::vector<PackedB> packed;
  for (int64_t batch = 0; batch < p.b_batches; ++batch) {
    packed.emplace_back(storage + batch * packed_size, p.k, p.n);
  }
  const auto b_view = [&](int64_t batch) {
    const float* data = p.b + batch * p.k * p.n;
    return p.transpose_b ? MatrixView{data, 1, p.k} : MatrixView{data, p.n, 1};
  };
  const int64_t blocks = packed.front().blocks();
  context.pool().parallel_for(p.b_batches * blocks, [&](int64_t task, int) {
    packed[task / blocks].pack_block(b_view(task / blocks), task % blocks);
  });

  const int64_t wanted = ceil_div(kTasksPerThread * context.threads(), p.batches);
  const TileGrid grid = TileGrid::plan(p.m, packed.front().slivers(), wanted);
  context.pool().parallel_for(p.batches * grid.tasks(), [&](int64_t task, int thread) {
    const int64_t batch = task / grid.tasks();
    const int64_t tile = task % grid.tasks();
    const float* a = p.a + static_cast<int64_t>(p.a_batch[batch]) * p.m * p.k;
    const MatrixA a_rows{p.transpose_a ? MatrixView{a, 1, p.m} : MatrixView{a, p.k, 1}};
    gemm_tile(a_rows, packed[p.b_batch[batch]], grid.row_begin(tile), grid.row_end(tile),
              grid.sliver_begin(tile), grid.sliver_end(tile), p.out + batch * p.m * p.n, p.n,
              /*accumulate=*/false, p.epilogue, context.scratch(thread).gemm);
  });
}

}  // namespace isnet
