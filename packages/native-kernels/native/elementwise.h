// Elementwise binary ops with the broadcasts that training steps use: the Add, Sub, Multiply
// and RealDiv kernels. The output is viewed as rows x inner elements; each operand is read
// whole, as one value, as one inner-length row repeated for every row (a per-channel vector),
// or as one value per row (a per-image scalar).
#pragma once

#include <algorithm>
#include <cstdint>

#include "context.h"

namespace isnet {

// Elements per task below which handing work to a thread costs more than it saves.
constexpr int64_t kChunk = 1 << 15;

// How many contiguous blocks of rows a reduction over rows x columns splits into: at most one
// per thread, each of at least kChunk elements.
inline int64_t reduction_parts(const Context& context, int64_t rows, int64_t columns) {
  const int64_t min_rows = std::max<int64_t>(1, kChunk / std::max<int64_t>(columns, 1));
  return std::max<int64_t>(1, std::min<int64_t>(context.threads(), rows / min_rows));
}

enum class BinaryOp { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3 };

enum class Broadcast {
  kFull = 0,    // element r * inner + j
  kScalar = 1,  // element 0
  kRow = 2,     // element j
  kColumn = 3,  // element r
};

struct BinaryOperand {
  const float* data;
  Broadcast broadcast;
};

struct BinaryProblem {
  BinaryOp op;
  BinaryOperand a, b;
  float* out;
  int64_t rows, inner;
};

// The unary ops of the same steps (the wasm backend's own are single-threaded), and the
// suite's LRP-epsilon stabiliser.
enum class UnaryOp { kNeg = 0, kRelu = 1, kSquare = 2, kStep = 3, kLrpStabilize = 4 };

// out[i] = op(x[i]); Step gives 1 for x > 0, alpha otherwise, and NaN for NaN (as tfjs);
// LrpStabilize gives x + alpha for x >= 0 (also -0), x - alpha otherwise (NaN for NaN).
void unary(Context& context, UnaryOp op, const float* x, float* out, int64_t n, float alpha);

// One term x * a of a channel affine map: x is [rows, channels], a per channel.
struct ChannelTerm {
  const float* x;
  const float* a;
};

// out = sum of the terms' x * a, plus c, for 1 to 3 terms, in one pass over their operands:
// batch normalisation and its first and second derivatives.
constexpr int kMaxChannelTerms = 3;
void channel_affine(Context& context, const ChannelTerm* terms, int count, const float* c,
                    float* out, int64_t rows, int64_t channels);

// The LRP-epsilon scaling of a ReLU's incoming gradient: r = relu(z) / (relu(z) + eps),
// value = dy * r (both written), in one pass; and its gradient, d_dy = g * r and
// d_z = (g * dy) * ((1 - r)^2 / eps * step(z)). Same float32 operations, in the same order,
// as the composed ops. dy, value, g and d_dy may hold `copies` consecutive copies of the
// n-element batch of z and r (one per explained class); d_z then sums g * dy over them
// before the slope.
void lrp_scale(Context& context, const float* dy, const float* z, float epsilon, float* value,
               float* r, int64_t n, int64_t copies);
void lrp_scale_grad(Context& context, const float* g, const float* dy, const float* z,
                    const float* r, float epsilon, float* d_dy, float* d_z, int64_t n,
                    int64_t copies);

// ReLU's gradient dy * step(x) (step: 1 for x > 0, 0 otherwise, NaN for NaN) in one pass,
// the same float32 operations as the step and the multiply.
void relu_grad(Context& context, const float* dy, const float* x, float* out, int64_t n);

// out = (a * b) / c, and its gradient for an upstream g in one pass: with t = g / c,
// da = t * b, db = t * a, dc = -(g * (a * b)) / (c * c), the operations of the composed
// multiply and divide and of their gradients (LRP's relevance-over-denominator ratio).
// b, out, g and db may hold `copies` consecutive copies of the n-element batch of a and c;
// da and dc then sum over them.
void product_ratio(Context& context, const float* a, const float* b, const float* c, float* out,
                   int64_t n, int64_t copies);
void product_ratio_grad(Context& context, const float* g, const float* a, const float* b,
                        const float* c, float* da, float* db, float* dc, int64_t n,
                        int64_t copies);

// out = alpha * a + beta * b in one pass: optimiser updates (w - lr g, momentum v + g).
void weighted_sum(Context& context, const float* a, float alpha, const float* b, float beta,
                  float* out, int64_t n);

// How many floats an operand with this broadcast holds.
int64_t operand_size(Broadcast broadcast, int64_t rows, int64_t inner);

void binary(Context& context, const BinaryProblem& problem);

}  // namespace isnet

namespace isnet {

// out[c] = sum over r of x[r * columns + c]: reductions over leading axes (bias and batch-norm
// gradients). Each thread sums a contiguous block of rows; the partials are added in a fixed
// order, so results depend on the thread count but not on scheduling.
void sum_rows(Context& context, const float* x, int64_t rows, int64_t columns, float* out);

}  // namespace isnet
