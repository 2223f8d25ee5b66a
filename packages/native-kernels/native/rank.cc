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

}  // namespace

// Stable LSD radix sort of one row's keys (8 bits per pass, all four byte histograms counted
// in one read), then each index receives the weight of its position.
void rank_row(const float* x, const float* weights, float* out, int64_t n, uint32_t* scratch) {
  if (n == 0) return;
  uint32_t* keys = scratch;
  uint32_t* order = scratch + n;
  uint32_t* next_keys = scratch + 2 * n;
  uint32_t* next_order = scratch + 3 * n;
  uint32_t counts[4][256] = {};
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t key = descending_key(x[i]);
    keys[i] = key;
    order[i] = static_cast<uint32_t>(i);
    for (int pass = 0; pass < 4; ++pass) ++counts[pass][(key >> (8 * pass)) & 255];
  }
  for (int pass = 0; pass < 4; ++pass) {
    const int shift = 8 * pass;
    uint32_t* count = counts[pass];
    // A byte all keys share (often the exponent's) leaves the order as it is.
    if (count[(keys[0] >> shift) & 255] == static_cast<uint32_t>(n)) continue;
    uint32_t position = 0;
    for (int bucket = 0; bucket < 256; ++bucket) position += std::exchange(count[bucket], position);
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t at = count[(keys[i] >> shift) & 255]++;
      next_keys[at] = keys[i];
      next_order[at] = order[i];
    }
    std::swap(keys, next_keys);
    std::swap(order, next_order);
  }
  for (int64_t rank = 0; rank < n; ++rank) out[order[rank]] = weights[rank];
}

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
