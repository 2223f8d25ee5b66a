// Per-Node-environment state: the thread pool and the scratch memory the kernels reuse.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "gemm.h"
#include "thread_pool.h"

namespace isnet {

// Grow-only float buffer aligned to a cache line; kept between calls so that steady-state
// training steps neither allocate nor page-fault.
class ScratchBuffer {
 public:
  float* get(int64_t floats) {
    if (floats > capacity_) {
      const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) / 64 * 64;
      void* memory = std::aligned_alloc(64, bytes);
      if (memory == nullptr) throw std::bad_alloc();
      data_.reset(static_cast<float*>(memory));
      capacity_ = floats;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
  int64_t capacity_ = 0;
};

// Scratch owned by one pool thread.
struct ThreadScratch {
  GemmScratch gemm;
  ScratchBuffer b_panel;  // packed B when a task packs its own
  ScratchBuffer columns;  // patch-matrix rows for col2im
  ScratchBuffer padded_image;  // one padded input gradient image
  ScratchBuffer block_sums;    // per-channel statistics' block sums; rank_weights' sort arrays
  std::vector<const float*> pixels = std::vector<const float*>(kKC);  // window pointers
};

class Context {
 public:
  explicit Context(int threads) { set_threads(threads); }

  int threads() const { return pool_->threads(); }
  void set_threads(int threads) {
    pool_.reset();  // join the old workers before starting new ones
    pool_ = std::make_unique<ThreadPool>(threads);
    scratch_.resize(static_cast<size_t>(threads));
  }

  ThreadPool& pool() { return *pool_; }
  ThreadScratch& scratch(int thread) { return scratch_[static_cast<size_t>(thread)]; }
  // B packed once per call and shared read-only by all tasks.
  ScratchBuffer& shared_b() { return shared_b_; }
  // Per-task partial sums of reductions split across threads.
  ScratchBuffer& partials() { return partials_; }
  // A convolution input with its padding written out.
  ScratchBuffer& padded() { return padded_; }
  // A filter rearranged for an input gradient computed as a convolution.
  ScratchBuffer& rotated_filter() { return rotated_filter_; }

 private:
  std::unique_ptr<ThreadPool> pool_;
  std::vector<ThreadScratch> scratch_;
  ScratchBuffer shared_b_;
  ScratchBuffer partials_;
  ScratchBuffer padded_;
  ScratchBuffer rotated_filter_;
};

}  // namespace isnet
