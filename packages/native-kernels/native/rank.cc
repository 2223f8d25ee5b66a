#include "rank.h"

#include <cstring>
#include <utility>

namespace isnet {
namespace {

// A float's bits as a key whose unsigned order is the float's descending order.
inline uint32_t descending_key(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if (bits == 0x80000000u) bits = 0;  // -0 ties with +0
  const uint32_t ascending = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
  return ~ascending;
}

// Stable LSD radix sort of one row's keys (8 bits per pass), then each index receives the
// weight of its position.
void rank_row(const float* x, const float* weights, float* out, int64_t n, uint32_t* scratch) {
  uint32_t* keys = scratch;
  uint32_t* order = scratch + n;
  uint32_t* next_keys = scratch + 2 * n;
  uint32_t* next_order = scratch + 3 * n;
  for (int64_t i = 0; i < n; ++i) {
    keys[i] = descending_key(x[i]);
    order[i] = static_cast<uint32_t>(i);
  }
  for (int shift = 0; shift < 32; shift += 8) {
    uint32_t counts[256] = {};
    for (int64_t i = 0; i < n; ++i) ++counts[(keys[i] >> shift) & 255];
    uint32_t position = 0;
    for (uint32_t& count : counts) position += std::exchange(count, position);
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t at = counts[(keys[i] >> shift) & 255]++;
      next_keys[at] = keys[i];
      next_order[at] = order[i];
    }
    std::swap(keys, next_keys);
    std::swap(order, next_order);
  }
  for (int64_t rank = 0; rank < n; ++rank) out[order[rank]] = weights[rank];
}

}  // namespace

void rank_weights(Context& context, const float* x, const float* weights, float* out,
                  int64_t rows, int64_t n) {
  if (rows * n == 0) return;
  context.pool().parallel_for(rows, [&](int64_t row, int thread) {
    // Four n-long index arrays in the thread's float scratch (4-byte elements either way).
    uint32_t* scratch = reinterpret_cast<uint32_t*>(context.scratch(thread).block_sums.get(4 * n));
    rank_row(x + row * n, weights, out + row * n, n, scratch);
  });
}

}  // namespace isnet
