// Bias and activation fused into the GEMM write-back, with the arithmetic of tfjs's 'cpu'
// backend (add in float32, then the activation; exp in double like Math.exp).
#pragma once

#include <cmath>
#include <cstdint>

namespace isnet {

// Same codes as tfjs-backend-wasm's FusableActivation (src/kernels/types.ts).
enum class Activation : int32_t {
  kLinear = 0,
  kRelu = 1,
  kRelu6 = 2,
  kPrelu = 3,
  kLeakyRelu = 4,
  kSigmoid = 5,
  kElu = 6,
};

// A per-output-column vector (bias, PReLU slopes) or a single value broadcast to all columns.
struct ColumnVector {
  const float* data = nullptr;
  bool per_column = false;

  float at(int64_t column) const { return data[per_column ? column : 0]; }
};

struct Epilogue {
  ColumnVector bias;
  Activation activation = Activation::kLinear;
  ColumnVector prelu_alpha;
  double leaky_alpha = 0;  // a JS number: tfjs multiplies in double precision

  bool active() const { return bias.data != nullptr || activation != Activation::kLinear; }
  // No bias or one per column, then linear or ReLU: what the micro-kernel's TileEpilogue does.
  bool per_column_bias_relu() const {
    return (bias.data == nullptr || bias.per_column) &&
           (activation == Activation::kLinear || activation == Activation::kRelu);
  }

  // Applies the epilogue to a rows x cols tile whose first column is output column col0.
  // The common cases (bias, then linear or ReLU) run as branch-free loops the compiler
  // vectorises: with few filter taps the epilogue otherwise costs more than the GEMM itself.
  void apply(float* tile, int64_t ldc, int64_t rows, int64_t col0, int64_t cols) const {
    for (int64_t r = 0; r < rows; ++r) {
      float* row = tile + r * ldc;
      if (bias.data != nullptr) {
        if (bias.per_column) {
          const float* b = bias.data + col0;
          for (int64_t c = 0; c < cols; ++c) row[c] += b[c];
        } else {
          const float b = bias.data[0];
          for (int64_t c = 0; c < cols; ++c) row[c] += b;
        }
      }
      if (activation == Activation::kLinear) continue;
      if (activation == Activation::kRelu) {
        for (int64_t c = 0; c < cols; ++c) row[c] = row[c] < 0 ? 0.0f : row[c];
        continue;
      }
      for (int64_t c = 0; c < cols; ++c) row[c] = activate(row[c], col0 + c);
    }
  }

 private:
  // Comparisons are written so that NaN passes through, as with Math.max(0, NaN) in tfjs.
  float activate(float v, int64_t column) const {
    switch (activation) {
      case Activation::kLinear:
        return v;
      case Activation::kRelu:
        return v < 0 ? 0.0f : v;
      case Activation::kRelu6:
        return v < 0 ? 0.0f : (v > 6 ? 6.0f : v);
      case Activation::kPrelu:
        return v < 0 ? prelu_alpha.at(column) * v : v;
      case Activation::kLeakyRelu:
        return v < 0 ? static_cast<float>(leaky_alpha * v) : v;
      case Activation::kSigmoid:
        return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(v))));
      case Activation::kElu:
        return v >= 0 ? v : static_cast<float>(std::exp(static_cast<double>(v)) - 1.0);
    }
    return v;
  }
};

}  // namespace isnet
