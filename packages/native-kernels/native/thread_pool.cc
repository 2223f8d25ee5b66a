#include "thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define ISNET_CPU_RELAX() _mm_pause()
#else
#define ISNET_CPU_RELAX() std::this_thread::yield()
#endif

namespace isnet {

namespace {

// Polls done() for up to kSpinNanoseconds; true as soon as it holds.
template <typename Done>
bool spin_until(Done done) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::nanoseconds(ThreadPool::kSpinNanoseconds);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
      ISNET_CPU_RELAX();
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int thread = 1; thread < threads; ++thread) {
    workers_.emplace_back([this, thread] { worker_loop(thread); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::parallel_for(int64_t count, const Task& task) {
  if (count <= 0) return;
  if (workers_.empty() || count == 1) {
    for (int64_t index = 0; index < count; ++index) task(index, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    count_ = count;
    next_.store(0, std::memory_order_relaxed);
    unfinished_.store(count, std::memory_order_relaxed);
    ++generation_;
  }
  wake_.notify_all();
  run_tasks(task, count, 0);

  const auto finished = [this] { return unfinished_.load() == 0 && active_.load() == 0; };
  spin_until(finished);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, finished);
  task_ = nullptr;  // workers waking from now on skip this loop
  if (error_) {
    std::exception_ptr error = error_;
    error_ = nullptr;
    std::rethrow_exception(error);
  }
}

void ThreadPool::worker_loop(int thread) {
  uint64_t seen = 0;
  for (;;) {
    const Task* task;
    int64_t count;
    spin_until([&] { return generation_.load() != seen; });
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_.load() != seen; });
      if (stopping_) return;
      seen = generation_;
      if (task_ == nullptr) continue;  // woke after that loop had finished
      task = task_;
      count = count_;
      ++active_;
    }
    run_tasks(*task, count, thread);
    std::lock_guard<std::mutex> lock(mutex_);
    if (--active_ == 0 && unfinished_.load() == 0) done_.notify_one();
  }
}

void ThreadPool::run_tasks(const Task& task, int64_t count, int thread) {
  for (int64_t index; (index = next_.fetch_add(1, std::memory_order_relaxed)) < count;) {
    try {
      task(index, thread);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
    }
    if (unfinished_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.notify_one();
    }
  }
}

}  // namespace isnet
