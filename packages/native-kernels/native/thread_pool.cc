#include "thread_pool.h"

namespace isnet {

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

  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return unfinished_.load() == 0 && active_ == 0; });
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
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
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
