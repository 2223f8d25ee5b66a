// A fixed set of worker threads that run one parallel loop at a time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace isnet {

class ThreadPool {
 public:
  // Runs task(index, thread) for one task index; `thread` in [0, threads()) names the thread
  // running it, so tasks can use per-thread scratch memory without locking.
  using Task = std::function<void(int64_t index, int thread)>;

  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task for every index in [0, count) and returns when all have finished. The calling
  // thread takes part as thread 0, so a pool of n threads keeps only n - 1 workers. Indices are
  // handed out dynamically to balance uneven tasks, and the call does not wait for workers
  // that found no task left (on a busy machine a sleeping worker may wake late). The first
  // exception a task throws is rethrown here.
  void parallel_for(int64_t count, const Task& task);

  // How long an idle worker polls for the next loop before it sleeps, and the caller polls for
  // the workers' last tasks before it sleeps: a training step issues hundreds of loops tens of
  // microseconds apart, and a futex wake-up on a virtual machine costs as much as a small loop.
  static constexpr int64_t kSpinNanoseconds = 200'000;

 private:
  void worker_loop(int thread);
  void run_tasks(const Task& task, int64_t count, int thread);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  // Written under mutex_. A loop is published by bumping generation_ and withdrawn by clearing
  // task_; a worker takes part only if it sees task_ set, and is then counted in active_.
  // generation_ and active_ are atomic so that spinning threads can poll them without the lock.
  std::atomic<uint64_t> generation_{0};
  bool stopping_ = false;
  const Task* task_ = nullptr;
  int64_t count_ = 0;
  std::atomic<int> active_{0};
  std::exception_ptr error_;
  // Next index to hand out, and tasks not yet finished.
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> unfinished_{0};
};

}  // namespace isnet
