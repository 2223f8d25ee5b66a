#include "elementwise.h"

#include <algorithm>
#include <stdexcept>

namespace isnet {
namespace {

template <BinaryOp Op>
inline float apply(float x, float y) {
  if constexpr (Op == BinaryOp::kAdd) return x + y;
  if constexpr (Op == BinaryOp::kSub) return x - y;
  if constexpr (Op == BinaryOp::kMul) return x * y;
  return x / y;
}

// One contiguous run of n outputs; a constant operand is read once. The loops are simple
// enough for the compiler to vectorise.
template <BinaryOp Op, bool AConst, bool BConst>
void run(const float* __restrict a, const float* __restrict b, float* __restrict out, int64_t n) {
  if constexpr (AConst && BConst) {
    std::fill(out, out + n, apply<Op>(*a, *b));
  } else if constexpr (AConst) {
    const float x = *a;
    for (int64_t i = 0; i < n; ++i) out[i] = apply<Op>(x, b[i]);
  } else if constexpr (BConst) {
    const float y = *b;
    for (int64_t i = 0; i < n; ++i) out[i] = apply<Op>(a[i], y);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = apply<Op>(a[i], b[i]);
  }
}

using RunFn = void (*)(const float*, const float*, float*, int64_t);

template <BinaryOp Op>
RunFn pick(bool a_const, bool b_const) {
  if (a_const) return b_const ? run<Op, true, true> : run<Op, true, false>;
  return b_const ? run<Op, false, true> : run<Op, false, false>;
}

RunFn pick(BinaryOp op, bool a_const, bool b_const) {
  switch (op) {
    case BinaryOp::kAdd: return pick<BinaryOp::kAdd>(a_const, b_const);
    case BinaryOp::kSub: return pick<BinaryOp::kSub>(a_const, b_const);
    case BinaryOp::kMul: return pick<BinaryOp::kMul>(a_const, b_const);
    case BinaryOp::kDiv: return pick<BinaryOp::kDiv>(a_const, b_const);
  }
  return nullptr;
}

bool constant_in_row(Broadcast broadcast) {
  return broadcast == Broadcast::kScalar || broadcast == Broadcast::kColumn;
}

// Where operand data for output element (r, j) starts.
const float* at(const BinaryOperand& operand, int64_t r, int64_t j, int64_t inner) {
  switch (operand.broadcast) {
    case Broadcast::kFull: return operand.data + r * inner + j;
    case Broadcast::kScalar: return operand.data;
    case Broadcast::kRow: return operand.data + j;
    case Broadcast::kColumn: return operand.data + r;
  }
  return operand.data;
}

// Runs fn(begin, end) over [0, n) in kChunk-element tasks.
template <class Fn>
void for_each_chunk(Context& context, int64_t n, const Fn& fn) {
  context.pool().parallel_for((n + kChunk - 1) / kChunk, [&](int64_t task, int) {
    const int64_t begin = task * kChunk;
    fn(begin, std::min(n, begin + kChunk));
  });
}

}  // namespace

int64_t operand_size(Broadcast broadcast, int64_t rows, int64_t inner) {
  switch (broadcast) {
    case Broadcast::kFull: return rows * inner;
    case Broadcast::kScalar: return 1;
    case Broadcast::kRow: return inner;
    case Broadcast::kColumn: return rows;
  }
  return 0;
}

void binary(Context& context, const BinaryProblem& p) {
  const int64_t total = p.rows * p.inner;
  if (total == 0) return;
  const RunFn fn = pick(p.op, constant_in_row(p.a.broadcast), constant_in_row(p.b.broadcast));
  for_each_chunk(context, total, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end;) {
      const int64_t r = i / p.inner;
      const int64_t j = i % p.inner;
      const int64_t n = std::min(p.inner - j, end - i);
      fn(at(p.a, r, j, p.inner), at(p.b, r, j, p.inner), p.out + i, n);
      i += n;
    }
  });
}

namespace {

// The loops below take distinct arrays as restrict parameters and scalars by value, so that
// the compiler vectorises them without alias checks or reloads (in a lambda capturing by
// reference the LRP gradient's loop stayed scalar, 6x slower).

template <UnaryOp Op>
void run_unary(const float* __restrict x, float* __restrict out, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if constexpr (Op == UnaryOp::kNeg) out[i] = -v;
    // Comparisons written so that NaN passes through, as in tfjs.
    if constexpr (Op == UnaryOp::kRelu) out[i] = v < 0 ? 0.0f : v;
    if constexpr (Op == UnaryOp::kSquare) out[i] = v * v;
    // Written as two selects the compiler turns into masks: nested as v > 0 ? 1 : (v <= 0 ?
    // alpha : v) it stayed a branch, mispredicted on every other value of real data (10x).
    if constexpr (Op == UnaryOp::kStep) out[i] = v != v ? v : (v > 0 ? 1.0f : alpha);
    if constexpr (Op == UnaryOp::kLrpStabilize) out[i] = v + (v >= 0 ? alpha : -alpha);
  }
}

void run_relu_grad(const float* __restrict dy, const float* __restrict x, float* __restrict out,
                   int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float step = v > 0 ? 1.0f : 0.0f;  // selects, not branches (see run_unary's Step)
    out[i] = dy[i] * (v != v ? v : step);
  }
}

// The ops below take a class-stacked operand: `copies` consecutive copies of an n-element
// batch (one modified backward pass per class on one forward pass). Per-copy operands are
// read at [copy * n + i], shared ones at [i]; a shared operand's gradient sums over copies.

void run_product_ratio(const float* __restrict a, const float* __restrict b,
                       const float* __restrict c, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = (a[i] * b[i]) / c[i];
}

// da and dc accumulate (the caller zeroes them); db is written.
void run_product_ratio_grad(const float* __restrict g, const float* __restrict a,
                            const float* __restrict b, const float* __restrict c,
                            float* __restrict da, float* __restrict db, float* __restrict dc,
                            int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float t = g[i] / c[i];
    da[i] += t * b[i];
    db[i] = t * a[i];
    dc[i] += -(g[i] * (a[i] * b[i])) / (c[i] * c[i]);
  }
}

void run_lrp_ratio(const float* __restrict z, float epsilon, float* __restrict r, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float y = z[i] < 0 ? 0.0f : z[i];
    r[i] = y / (y + epsilon);
  }
}

void run_scale(const float* __restrict x, const float* __restrict r, float* __restrict out,
               int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = x[i] * r[i];
}

// d_dy = g * r; acc += g * dy.
void run_lrp_scale_grad(const float* __restrict g, const float* __restrict dy,
                        const float* __restrict r, float* __restrict d_dy,
                        float* __restrict acc, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    d_dy[i] = g[i] * r[i];
    acc[i] += g[i] * dy[i];
  }
}

// acc *= (1 - r)^2 / eps * step(z).
void run_lrp_slope(const float* __restrict z, const float* __restrict r, float epsilon,
                   float* __restrict acc, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float t = 1.0f - r[i];
    const float zi = z[i];
    // step(z), NaN for NaN; two selects the compiler turns into masks (no branches).
    const float step = zi > 0 ? 1.0f : 0.0f;
    acc[i] = acc[i] * ((t * t) / epsilon * (zi != zi ? zi : step));
  }
}

void run_affine1(const float* __restrict x, const float* __restrict a, const float* __restrict c,
                 float* __restrict out, int64_t rows, int64_t channels) {
  for (int64_t r = 0; r < rows; ++r, x += channels, out += channels) {
    for (int64_t j = 0; j < channels; ++j) out[j] = x[j] * a[j] + c[j];
  }
}

void run_affine2(const float* __restrict x, const float* __restrict a, const float* __restrict y,
                 const float* __restrict b, const float* __restrict c, float* __restrict out,
                 int64_t rows, int64_t channels) {
  for (int64_t r = 0; r < rows; ++r, x += channels, y += channels, out += channels) {
    for (int64_t j = 0; j < channels; ++j) out[j] = x[j] * a[j] + y[j] * b[j] + c[j];
  }
}

void run_affine3(const float* __restrict x, const float* __restrict a, const float* __restrict y,
                 const float* __restrict b, const float* __restrict z, const float* __restrict d,
                 const float* __restrict c, float* __restrict out, int64_t rows,
                 int64_t channels) {
  for (int64_t r = 0; r < rows; ++r, x += channels, y += channels, z += channels, out += channels) {
    for (int64_t j = 0; j < channels; ++j) out[j] = x[j] * a[j] + y[j] * b[j] + z[j] * d[j] + c[j];
  }
}

}  // namespace

void unary(Context& context, UnaryOp op, const float* x, float* out, int64_t n, float alpha) {
  using UnaryFn = void (*)(const float*, float*, int64_t, float);
  UnaryFn fn = nullptr;
  switch (op) {
    case UnaryOp::kNeg: fn = run_unary<UnaryOp::kNeg>; break;
    case UnaryOp::kRelu: fn = run_unary<UnaryOp::kRelu>; break;
    case UnaryOp::kSquare: fn = run_unary<UnaryOp::kSquare>; break;
    case UnaryOp::kStep: fn = run_unary<UnaryOp::kStep>; break;
    case UnaryOp::kLrpStabilize: fn = run_unary<UnaryOp::kLrpStabilize>; break;
  }
  for_each_chunk(context, n, [&](int64_t begin, int64_t end) {
    fn(x + begin, out + begin, end - begin, alpha);
  });
}

void channel_affine(Context& context, const ChannelTerm* terms, int count, const float* c,
                    float* out, int64_t rows, int64_t channels) {
  if (rows * channels == 0) return;
  if (count < 1 || count > kMaxChannelTerms) throw std::invalid_argument("1 to 3 terms");
  const ChannelTerm t0 = terms[0];
  const ChannelTerm t1 = count > 1 ? terms[1] : ChannelTerm{};
  const ChannelTerm t2 = count > 2 ? terms[2] : ChannelTerm{};
  const int64_t rows_per_task = std::max<int64_t>(1, kChunk / channels);
  context.pool().parallel_for((rows + rows_per_task - 1) / rows_per_task, [&](int64_t task, int) {
    const int64_t first = task * rows_per_task;
    const int64_t end = std::min(rows, first + rows_per_task);
    const int64_t offset = first * channels;
    const int64_t n = end - first;
    switch (count) {
      case 1: run_affine1(t0.x + offset, t0.a, c, out + offset, n, channels); break;
      case 2: run_affine2(t0.x + offset, t0.a, t1.x + offset, t1.a, c, out + offset, n, channels); break;
      default:
        run_affine3(t0.x + offset, t0.a, t1.x + offset, t1.a, t2.x + offset, t2.a, c, out + offset,
                    n, channels);
    }
  });
}

void relu_grad(Context& context, const float* dy, const float* x, float* out, int64_t n) {
  for_each_chunk(context, n, [&](int64_t begin, int64_t end) {
    run_relu_grad(dy + begin, x + begin, out + begin, end - begin);
  });
}

void weighted_sum(Context& context, const float* a, float alpha, const float* b, float beta,
                  float* out, int64_t n) {
  for_each_chunk(context, n, [&](int64_t begin, int64_t end) {
    const float* __restrict x = a + begin;
    const float* __restrict y = b + begin;
    float* __restrict z = out + begin;
    for (int64_t i = 0; i < end - begin; ++i) z[i] = alpha * x[i] + beta * y[i];
  });
}

void product_ratio(Context& context, const float* a, const float* b, const float* c, float* out,
                   int64_t n, int64_t copies) {
  for_each_chunk(context, n, [&](int64_t begin, int64_t end) {
    for (int64_t k = 0; k < copies; ++k) {
      run_product_ratio(a + begin, b + k * n + begin, c + begin, out + k * n + begin, end - begin);
    }
  });
}

void product_ratio_grad(Context& context, const float* g, const float* a, const float* b,
                        const float* c, float* da, float* db, float* dc, int64_t n,
                        int64_t copies) {
  for_each_chunk(context, n, [&](int64_t begin, int64_t end) {
    std::fill(da + begin, da + end, 0.0f);
    std::fill(dc + begin, dc + end, 0.0f);
    for (int64_t k = 0; k < copies; ++k) {
      run_product_ratio_grad(g + k * n + begin, a + begin, b + k * n + begin, c + begin,
                             da + begin, db + k * n + begin, dc + begin, end - begin);
    }
  });
}

void lrp_scale(Context& context, const float* dy, const float* z, float epsilon, float* value,
               float* r, int64_t n, int64_t copies) {
  for_each_chunk(context, n, [&](int64_t begin, int64_t end) {
    run_lrp_ratio(z + begin, epsilon, r + begin, end - begin);
    for (int64_t k = 0; k < copies; ++k) {
      run_scale(dy + k * n + begin, r + begin, value + k * n + begin, end - begin);
    }
  });
}

void lrp_scale_grad(Context& context, const float* g, const float* dy, const float* z,
                    const float* r, float epsilon, float* d_dy, float* d_z, int64_t n,
                    int64_t copies) {
  for_each_chunk(context, n, [&](int64_t begin, int64_t end) {
    std::fill(d_z + begin, d_z + end, 0.0f);
    for (int64_t k = 0; k < copies; ++k) {
      run_lrp_scale_grad(g + k * n + begin, dy + k * n + begin, r + begin, d_dy + k * n + begin,
                         d_z + begin, end - begin);
    }
    run_lrp_slope(z + begin, r + begin, epsilon, d_z + begin, end - begin);
  });
}

}  // namespace isnet

namespace isnet {

void sum_rows(Context& context, const float* x, int64_t rows, int64_t columns, float* out) {
  if (columns == 0) return;
  const int64_t parts = reduction_parts(context, rows, columns);
  float* partials = context.partials().get(parts * columns);
  context.pool().parallel_for(parts, [&](int64_t part, int) {
    float* __restrict sum = partials + part * columns;
    std::fill(sum, sum + columns, 0.0f);
    const int64_t first = rows * part / parts;
    const int64_t last = rows * (part + 1) / parts;
    for (int64_t r = first; r < last; ++r) {
      const float* __restrict row = x + r * columns;
      for (int64_t c = 0; c < columns; ++c) sum[c] += row[c];
    }
  });
  for (int64_t c = 0; c < columns; ++c) {
    float total = partials[c];
    for (int64_t part = 1; part < parts; ++part) total += partials[part * columns + c];
    out[c] = total;
  }
}

}  // namespace isnet
