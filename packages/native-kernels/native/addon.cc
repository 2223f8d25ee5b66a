// N-API bindings. Kernels receive the wasm backend's heap (a Uint8Array over its memory, plain
// or shared) plus byte offsets of their tensors, and write the output in place, so no tensor
// data is copied between wasm and native memory. Every offset is bounds-checked against the
// heap: a wrong offset must raise a JS error, not corrupt the wasm heap.
#include <node_api.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "channel_stats.h"
#include "context.h"
#include "conv.h"
#include "copy.h"
#include "elementwise.h"
#include "gemm.h"
#include "heatmap_loss.h"
#include "matmul.h"
#include "napi_util.h"
#include "pooling.h"
#include "rank.h"
#include "softmax_cross_entropy.h"

namespace {

using namespace isnet;
using namespace isnet::napi;

Context& context_of(napi_env env) {
  void* data = nullptr;
  check(env, napi_get_instance_data(env, &data));
  return *static_cast<Context*>(data);
}

// What every kernel binding does around its body: read (heap, fields), turn C++ exceptions into
// JS ones, return undefined (kernels write their outputs into the heap).
template <class Body>
napi_value heap_kernel(napi_env env, napi_callback_info info, Body body) {
  return guarded(env, [&] {
    const std::vector<napi_value> args = arguments(env, info, 2);
    const Heap heap(env, args[0]);
    const Fields fields(env, args[1]);
    body(context_of(env), heap, fields);
    return undefined(env);
  });
}

// Reads the fused bias/activation fields; offsets of -1 mean "absent".
Epilogue read_epilogue(const Fields& fields, const Heap& heap, int64_t columns) {
  Epilogue epilogue;
  const int64_t code = fields.integer("activation");
  if (code < 0 || code > static_cast<int64_t>(Activation::kElu)) {
    throw std::invalid_argument("unknown activation code " + std::to_string(code));
  }
  epilogue.activation = static_cast<Activation>(code);
  epilogue.leaky_alpha = fields.number("leakyreluAlpha");
  const auto vector = [&](const char* offset_name, const char* per_column_name) {
    ColumnVector result;
    if (fields.integer(offset_name) < 0) return result;
    result.per_column = fields.boolean(per_column_name);
    result.data = heap.floats(fields, offset_name, result.per_column ? columns : 1);
    return result;
  };
  epilogue.bias = vector("bias", "biasPerColumn");
  epilogue.prelu_alpha = vector("preluAlpha", "preluPerColumn");
  if (epilogue.activation == Activation::kPrelu && epilogue.prelu_alpha.data == nullptr) {
    throw std::invalid_argument("prelu activation needs preluAlpha");
  }
  return epilogue;
}

ConvGeometry read_geometry(const Fields& fields) {
  ConvGeometry g;
  g.batch = fields.count("batch");
  g.in_h = fields.count("inHeight");
  g.in_w = fields.count("inWidth");
  g.in_c = fields.count("inChannels");
  g.out_h = fields.count("outHeight");
  g.out_w = fields.count("outWidth");
  g.out_c = fields.count("outChannels");
  g.filter_h = fields.count("filterHeight");
  g.filter_w = fields.count("filterWidth");
  g.stride_h = fields.count("strideHeight", 1);
  g.stride_w = fields.count("strideWidth", 1);
  g.dilation_h = fields.count("dilationHeight", 1);
  g.dilation_w = fields.count("dilationWidth", 1);
  g.pad_top = fields.integer("padTop");
  g.pad_left = fields.integer("padLeft");
  return g;
}

int64_t input_size(const ConvGeometry& g) { return elements({g.batch, g.in_h, g.in_w, g.in_c}); }
int64_t output_size(const ConvGeometry& g) {
  return elements({g.batch, g.out_h, g.out_w, g.out_c});
}
int64_t filter_size(const ConvGeometry& g) {
  return elements({g.filter_h, g.filter_w, g.in_c, g.out_c});
}

// conv2d(heap, {x, filter, out, <geometry>, <epilogue>})
napi_value Conv2d(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const ConvGeometry g = read_geometry(fields);
    const Epilogue epilogue = read_epilogue(fields, heap, g.out_c);
    conv2d(context, g, heap.floats(fields, "x", input_size(g)),
           heap.floats(fields, "filter", filter_size(g)),
           heap.floats(fields, "out", output_size(g)), epilogue);
  });
}

// conv2dBackpropInput(heap, {dy, filter, out, <geometry>})
napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const ConvGeometry g = read_geometry(fields);
    conv2d_backprop_input(context, g, heap.floats(fields, "dy", output_size(g)),
                          heap.floats(fields, "filter", filter_size(g)),
                          heap.floats(fields, "out", input_size(g)));
  });
}

// conv2dBackpropFilter(heap, {x, dy, out, <geometry>})
napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const ConvGeometry g = read_geometry(fields);
    conv2d_backprop_filter(context, g, heap.floats(fields, "x", input_size(g)),
                           heap.floats(fields, "dy", output_size(g)),
                           heap.floats(fields, "out", filter_size(g)));
  });
}

// batchMatMul(heap, {a, b, out, m, n, k, transposeA, transposeB, aBatches, bBatches,
//                    aBatch, bBatch, <epilogue>})
napi_value BatchMatMul(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    BatchMatMulProblem p;
    p.m = fields.count("m");
    p.n = fields.count("n");
    p.k = fields.count("k");
    p.transpose_a = fields.boolean("transposeA");
    p.transpose_b = fields.boolean("transposeB");
    const int64_t a_batches = fields.count("aBatches");
    p.b_batches = fields.count("bBatches");
    size_t batches = 0;
    size_t b_length = 0;
    p.a_batch = fields.int32_array("aBatch", &batches);
    p.b_batch = fields.int32_array("bBatch", &b_length);
    if (b_length != batches) throw std::invalid_argument("aBatch and bBatch differ in length");
    p.batches = static_cast<int64_t>(batches);
    for (int64_t i = 0; i < p.batches; ++i) {
      if (p.a_batch[i] < 0 || p.a_batch[i] >= a_batches || p.b_batch[i] < 0 ||
          p.b_batch[i] >= p.b_batches) {
        throw std::out_of_range("batch index out of range");
      }
    }
    p.epilogue = read_epilogue(fields, heap, p.n);
    p.a = heap.floats(fields, "a", elements({a_batches, p.m, p.k}));
    p.b = heap.floats(fields, "b", elements({p.b_batches, p.k, p.n}));
    p.out = heap.floats(fields, "out", elements({p.batches, p.m, p.n}));
    batch_matmul(context, p);
  });
}

// unary(heap, {op, x, out, size, alpha})
napi_value Unary(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t op = fields.integer("op");
    if (op < 0 || op > static_cast<int64_t>(UnaryOp::kLrpStabilize)) {
      throw std::invalid_argument("unknown unary op code " + std::to_string(op));
    }
    const int64_t size = fields.count("size");
    unary(context, static_cast<UnaryOp>(op), heap.floats(fields, "x", size),
          heap.floats(fields, "out", size), size, static_cast<float>(fields.number("alpha")));
  });
}

// channelAffine(heap, {x, a, y, b, z, d, c, out, rows, channels}): out = x a + y b + z d + c;
// y, b (and z, d) may be -1 for fewer terms.
napi_value ChannelAffine(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t channels = fields.count("channels");
    const int64_t size = elements({rows, channels});
    ChannelTerm terms[kMaxChannelTerms];
    const char* names[kMaxChannelTerms][2] = {{"x", "a"}, {"y", "b"}, {"z", "d"}};
    int count = 0;
    for (const auto& name : names) {
      if (fields.integer(name[0]) == -1) break;
      terms[count++] = {heap.floats(fields, name[0], size), heap.floats(fields, name[1], channels)};
    }
    if (count == 0) throw std::invalid_argument("x must be given");
    channel_affine(context, terms, count, heap.floats(fields, "c", channels),
                   heap.floats(fields, "out", size), rows, channels);
  });
}

// channelMoments(heap, {x, mean, variance, rows, channels})
napi_value ChannelMoments(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t channels = fields.count("channels");
    channel_moments(context, heap.floats(fields, "x", elements({rows, channels})), rows,
                    channels, heap.floats(fields, "mean", channels),
                    heap.floats(fields, "variance", channels));
  });
}

// centredSums(heap, {x, mean, a, b, sums, rows, channels}); b may be -1.
napi_value CentredSums(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t channels = fields.count("channels");
    const int64_t size = elements({rows, channels});
    const float* b = heap.optional_floats(fields, "b", size);
    centred_sums(context, heap.floats(fields, "x", size),
                 heap.floats(fields, "mean", channels), heap.floats(fields, "a", size), b, rows,
                 channels, heap.floats(fields, "sums", (b ? 5 : 2) * channels));
  });
}

// rankWeights(heap, {x, weights, out, rows, n})
napi_value RankWeights(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t n = fields.count("n");
    if (n > 0xffffffffLL) throw std::invalid_argument("n must be below 2^32");
    const int64_t size = elements({rows, n});
    rank_weights(context, heap.floats(fields, "x", size), heap.floats(fields, "weights", n),
                 heap.floats(fields, "out", size), rows, n);
  });
}

// reluGrad(heap, {dy, x, out, size})
napi_value ReluGrad(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t size = fields.count("size");
    relu_grad(context, heap.floats(fields, "dy", size), heap.floats(fields, "x", size),
              heap.floats(fields, "out", size), size);
  });
}

// weightedSum(heap, {a, b, out, size, alpha, beta})
napi_value WeightedSum(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t size = fields.count("size");
    weighted_sum(context, heap.floats(fields, "a", size), static_cast<float>(fields.number("alpha")),
                 heap.floats(fields, "b", size), static_cast<float>(fields.number("beta")),
                 heap.floats(fields, "out", size), size);
  });
}

// productRatio(heap, {a, b, c, out, size, copies}): b and out hold copies x size floats.
napi_value ProductRatio(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t size = fields.count("size");
    const int64_t copies = fields.count("copies");
    const int64_t stacked = elements({copies, size});
    product_ratio(context, heap.floats(fields, "a", size), heap.floats(fields, "b", stacked),
                  heap.floats(fields, "c", size), heap.floats(fields, "out", stacked), size,
                  copies);
  });
}

// productRatioGrad(heap, {g, a, b, c, da, db, dc, size, copies}): g, b, db stacked.
napi_value ProductRatioGrad(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t size = fields.count("size");
    const int64_t copies = fields.count("copies");
    const int64_t stacked = elements({copies, size});
    product_ratio_grad(context, heap.floats(fields, "g", stacked),
                       heap.floats(fields, "a", size), heap.floats(fields, "b", stacked),
                       heap.floats(fields, "c", size), heap.floats(fields, "da", size),
                       heap.floats(fields, "db", stacked), heap.floats(fields, "dc", size), size,
                       copies);
  });
}

// heatmapLoss(heap, {heatmaps, masks, decay, gradient, total, background, foreground, batch,
// maps, pixels, channels, A, B, E, C1, C2, hybrid}): the last three outputs are scalars.
napi_value HeatmapLoss(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    HeatmapLossProblem p;
    p.batch = fields.count("batch");
    p.maps = fields.count("maps");
    p.pixels = fields.count("pixels");
    p.channels = fields.count("channels");
    const int64_t size = elements({p.batch, p.maps, p.pixels, p.channels});
    p.heatmaps = heap.floats(fields, "heatmaps", size);
    p.masks = heap.floats(fields, "masks", elements({p.batch, p.pixels}));
    p.decay = heap.floats(fields, "decay", p.pixels);
    p.gradient = heap.floats(fields, "gradient", size);
    p.background_weight = static_cast<float>(fields.number("A"));
    p.foreground_weight = static_cast<float>(fields.number("B"));
    p.E = static_cast<float>(fields.number("E"));
    p.C1 = static_cast<float>(fields.number("C1"));
    p.C2 = static_cast<float>(fields.number("C2"));
    p.hybrid = fields.number("hybrid") != 0;
    const HeatmapLossValue value = heatmap_loss(context, p);
    *heap.floats(fields, "total", 1) = static_cast<float>(value.total);
    *heap.floats(fields, "background", 1) = static_cast<float>(value.background);
    *heap.floats(fields, "foreground", 1) = static_cast<float>(value.foreground);
  });
}

// softmaxCrossEntropy(heap, {labels, logits, out, rows, classes}): out[0] = the mean loss.
napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t classes = fields.count("classes");
    const int64_t size = elements({rows, classes});
    *heap.floats(fields, "out", 1) = static_cast<float>(softmax_cross_entropy(
        context, heap.floats(fields, "labels", size), heap.floats(fields, "logits", size), rows,
        classes));
  });
}

// softmaxCrossEntropyGrad(heap, {labels, logits, dy, dLabels, dLogits, rows, classes}): the
// gradients for the upstream gradient dy (a scalar); dLabels or dLogits may be -1 (not wanted).
napi_value SoftmaxCrossEntropyGrad(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t classes = fields.count("classes");
    const int64_t size = elements({rows, classes});
    const float scale = *heap.floats(fields, "dy", 1) / static_cast<float>(rows);
    softmax_cross_entropy_grad(context, heap.floats(fields, "labels", size),
                               heap.floats(fields, "logits", size), rows, classes, scale,
                               heap.optional_floats(fields, "dLabels", size),
                               heap.optional_floats(fields, "dLogits", size));
  });
}

// lrpScale(heap, {dy, z, value, r, size, copies, epsilon}): dy and value stacked.
napi_value LrpScale(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t size = fields.count("size");
    const int64_t copies = fields.count("copies");
    const int64_t stacked = elements({copies, size});
    lrp_scale(context, heap.floats(fields, "dy", stacked), heap.floats(fields, "z", size),
              static_cast<float>(fields.number("epsilon")), heap.floats(fields, "value", stacked),
              heap.floats(fields, "r", size), size, copies);
  });
}

// lrpScaleGrad(heap, {g, dy, z, r, dDy, dZ, size, copies, epsilon}): g, dy, dDy stacked.
napi_value LrpScaleGrad(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t size = fields.count("size");
    const int64_t copies = fields.count("copies");
    const int64_t stacked = elements({copies, size});
    lrp_scale_grad(context, heap.floats(fields, "g", stacked), heap.floats(fields, "dy", stacked),
                   heap.floats(fields, "z", size), heap.floats(fields, "r", size),
                   static_cast<float>(fields.number("epsilon")),
                   heap.floats(fields, "dDy", stacked), heap.floats(fields, "dZ", size), size,
                   copies);
  });
}

// binary(heap, {op, out, rows, inner, a, aBroadcast, b, bBroadcast})
napi_value Binary(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    BinaryProblem p;
    const int64_t op = fields.integer("op");
    if (op < 0 || op > static_cast<int64_t>(BinaryOp::kDiv)) {
      throw std::invalid_argument("unknown binary op code " + std::to_string(op));
    }
    p.op = static_cast<BinaryOp>(op);
    p.rows = fields.count("rows");
    p.inner = fields.count("inner");
    const int64_t total = elements({p.rows, p.inner});
    const auto operand = [&](const char* offset_name, const char* broadcast_name) {
      const int64_t code = fields.integer(broadcast_name);
      if (code < 0 || code > static_cast<int64_t>(Broadcast::kColumn)) {
        throw std::invalid_argument(std::string(broadcast_name) + ": unknown broadcast code");
      }
      const auto broadcast = static_cast<Broadcast>(code);
      return BinaryOperand{heap.floats(fields, offset_name, operand_size(broadcast, p.rows, p.inner)),
                           broadcast};
    };
    p.a = operand("a", "aBroadcast");
    p.b = operand("b", "bBroadcast");
    p.out = heap.floats(fields, "out", total);
    binary(context, p);
  });
}

// sumRows(heap, {x, out, rows, columns})
napi_value SumRows(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t columns = fields.count("columns");
    sum_rows(context, heap.floats(fields, "x", elements({rows, columns})), rows, columns,
             heap.floats(fields, "out", columns));
  });
}

// avgPoolGrad(heap, {dy, dx, <geometry>}): inChannels == outChannels, no dilation.
napi_value AvgPoolGrad(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const ConvGeometry g = read_geometry(fields);
    if (g.in_c != g.out_c || g.dilation_h != 1 || g.dilation_w != 1) {
      throw std::invalid_argument("avgPoolGrad: pooling keeps the channels and has no dilation");
    }
    avg_pool_grad(context, g, heap.floats(fields, "dy", output_size(g)),
                  heap.floats(fields, "dx", input_size(g)));
  });
}

// copyRuns(heap, {source, sourceStride, target, targetStride, rows, length}): 4-byte values.
napi_value CopyRuns(napi_env env, napi_callback_info info) {
  return heap_kernel(env, info, [&](Context& context, const Heap& heap, const Fields& fields) {
    const int64_t rows = fields.count("rows");
    const int64_t length = fields.count("length");
    const int64_t source_stride = fields.count("sourceStride");
    const int64_t target_stride = fields.count("targetStride");
    // The extent the runs span (nothing when there are none).
    const auto extent = [&](int64_t stride) { return rows == 0 ? 0 : (rows - 1) * stride + length; };
    copy_runs(context, heap.floats(fields, "source", extent(source_stride)), source_stride,
              heap.floats(fields, "target", extent(target_stride)), target_stride, rows, length);
  });
}

// setThreads(n): resizes the pool; returns the new thread count.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    const std::vector<napi_value> args = arguments(env, info, 1);
    int32_t threads = 0;
    check(env, napi_get_value_int32(env, args[0], &threads));
    if (threads < 1 || threads > 1024) throw std::out_of_range("threads must be in [1, 1024]");
    Context& context = context_of(env);
    context.set_threads(threads);
    napi_value result;
    check(env, napi_create_int32(env, context.threads(), &result));
    return result;
  });
}

// microKernel(): the micro-kernel in use.
napi_value CurrentMicroKernel(napi_env env, napi_callback_info) {
  return guarded(env, [&] { return js_string(env, micro_kernel_name()); });
}

// microKernels(): the micro-kernels this CPU supports, fastest first.
napi_value MicroKernels(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    const std::vector<std::string> names = supported_micro_kernels();
    napi_value result;
    check(env, napi_create_array_with_length(env, names.size(), &result));
    for (size_t i = 0; i < names.size(); ++i) {
      check(env, napi_set_element(env, result, static_cast<uint32_t>(i), js_string(env, names[i])));
    }
    return result;
  });
}

// selectMicroKernel(name): switches the micro-kernel for the whole process (for tests).
napi_value SelectMicroKernel(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    const std::vector<napi_value> args = arguments(env, info, 1);
    size_t length = 0;
    check(env, napi_get_value_string_utf8(env, args[0], nullptr, 0, &length));
    std::string name(length, '\0');
    check(env, napi_get_value_string_utf8(env, args[0], name.data(), length + 1, &length));
    if (!select_micro_kernel(name)) {
      throw std::invalid_argument("micro-kernel '" + name + "' is unknown or unsupported by this CPU");
    }
    return undefined(env);
  });
}

}  // namespace

NAPI_MODULE_INIT() {
  return guarded(env, [&] {
    // One pool per Node environment (main thread or worker); JS sets the thread count.
    auto* context = new Context(1);
    check(env, napi_set_instance_data(
                   env, context,
                   [](napi_env, void* data, void*) { delete static_cast<Context*>(data); },
                   nullptr));
    const napi_property_descriptor properties[] = {
        {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr,
         napi_enumerable, nullptr},
        {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr,
         napi_enumerable, nullptr},
        {"batchMatMul", nullptr, BatchMatMul, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"channelAffine", nullptr, ChannelAffine, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"channelMoments", nullptr, ChannelMoments, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"centredSums", nullptr, CentredSums, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"rankWeights", nullptr, RankWeights, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"reluGrad", nullptr, ReluGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"heatmapLoss", nullptr, HeatmapLoss, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"softmaxCrossEntropy", nullptr, SoftmaxCrossEntropy, nullptr, nullptr, nullptr,
         napi_enumerable, nullptr},
        {"softmaxCrossEntropyGrad", nullptr, SoftmaxCrossEntropyGrad, nullptr, nullptr, nullptr,
         napi_enumerable, nullptr},
        {"weightedSum", nullptr, WeightedSum, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"productRatio", nullptr, ProductRatio, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"productRatioGrad", nullptr, ProductRatioGrad, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"lrpScale", nullptr, LrpScale, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"lrpScaleGrad", nullptr, LrpScaleGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"sumRows", nullptr, SumRows, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"avgPoolGrad", nullptr, AvgPoolGrad, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"copyRuns", nullptr, CopyRuns, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
        {"microKernel", nullptr, CurrentMicroKernel, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"microKernels", nullptr, MicroKernels, nullptr, nullptr, nullptr, napi_enumerable,
         nullptr},
        {"selectMicroKernel", nullptr, SelectMicroKernel, nullptr, nullptr, nullptr,
         napi_enumerable, nullptr},
    };
    check(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0],
                                      properties));
    return exports;
  });
}
