import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A convolution's shape, as backend_util.computeConv2DInfo gives it (native/conv.h). */
export interface ConvGeometryArgs {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Bias and activation applied as each output tile is written (native/epilogue.h). bias and
 * preluAlpha are byte offsets in the heap, -1 when absent; a vector is either one value per
 * output column (channel) or a single value for all.
 */
export interface EpilogueArgs {
  /** tfjs-backend-wasm's FusableActivation code. */
  activation: number;
  leakyreluAlpha: number;
  bias: number;
  biasPerColumn: boolean;
  preluAlpha: number;
  preluPerColumn: boolean;
}

/**
 * The compiled addon (native/addon.cc). Every kernel takes the wasm heap as a Uint8Array and
 * the byte offsets of its tensors in it, and writes its output in place.
 */
export interface NativeAddon {
  conv2d(heap: Uint8Array, args: ConvGeometryArgs & EpilogueArgs & { x: number; filter: number; out: number }): void;
  conv2dBackpropInput(heap: Uint8Array, args: ConvGeometryArgs & { dy: number; filter: number; out: number }): void;
  conv2dBackpropFilter(heap: Uint8Array, args: ConvGeometryArgs & { x: number; dy: number; out: number }): void;
  batchMatMul(
    heap: Uint8Array,
    args: EpilogueArgs & {
      a: number;
      b: number;
      out: number;
      m: number;
      n: number;
      k: number;
      transposeA: boolean;
      transposeB: boolean;
      aBatches: number;
      bBatches: number;
      /** For each output batch, the batch of a (and of b) it reads: resolves broadcasting. */
      aBatch: Int32Array;
      bBatch: Int32Array;
    },
  ): void;
  /**
   * out = a (op) b over an output of rows x inner elements, op 0 add, 1 sub, 2 mul, 3 div;
   * each operand's broadcast: 0 whole, 1 one value, 2 one inner-length row, 3 one value per row.
   */
  binary(heap: Uint8Array, args: { op: number; out: number; rows: number; inner: number; a: number; aBroadcast: number; b: number; bBroadcast: number }): void;
  unary(heap: Uint8Array, args: { op: number; x: number; out: number; size: number; alpha: number }): void;
  /** out = dy * step(x). */
  reluGrad(heap: Uint8Array, args: { dy: number; x: number; out: number; size: number }): void;
  /** out = alpha a + beta b. */
  weightedSum(heap: Uint8Array, args: { a: number; b: number; out: number; size: number; alpha: number; beta: number }): void;
  /** out = (a * b) / c; b and out hold `copies` consecutive copies of a's and c's size. */
  productRatio(heap: Uint8Array, args: { a: number; b: number; c: number; out: number; size: number; copies: number }): void;
  /** Its gradient for g: t = g / c, da = t b, db = t a, dc = -(g (a b)) / (c c), da and dc summed over copies. */
  productRatioGrad(heap: Uint8Array, args: { g: number; a: number; b: number; c: number; da: number; db: number; dc: number; size: number; copies: number }): void;
  /** The ISNet heatmap loss: the scalars total, background, foreground; gradient = d total / d heatmaps. */
  heatmapLoss(
    heap: Uint8Array,
    args: {
      heatmaps: number;
      masks: number;
      decay: number;
      gradient: number;
      total: number;
      background: number;
      foreground: number;
      batch: number;
      maps: number;
      pixels: number;
      channels: number;
      A: number;
      B: number;
      E: number;
      C1: number;
      C2: number;
      hybrid: number;
    },
  ): void;
  /** out[0] = mean over rows of -sum(labels * logSoftmax(logits)) ([rows, classes]). */
  softmaxCrossEntropy(heap: Uint8Array, args: { labels: number; logits: number; out: number; rows: number; classes: number }): void;
  /** Its gradients for the upstream scalar dy, each written unless its offset is -1. */
  softmaxCrossEntropyGrad(heap: Uint8Array, args: { labels: number; logits: number; dy: number; dLabels: number; dLogits: number; rows: number; classes: number }): void;
  /** value = dy r, r = relu(z) / (relu(z) + eps); dy and value hold `copies` copies of z's size. */
  lrpScale(heap: Uint8Array, args: { dy: number; z: number; value: number; r: number; size: number; copies: number; epsilon: number }): void;
  /** dDy = g r, dZ = sum over copies of g dy, times (1 - r)^2 / eps step(z). */
  lrpScaleGrad(heap: Uint8Array, args: { g: number; dy: number; z: number; r: number; dDy: number; dZ: number; size: number; copies: number; epsilon: number }): void;
  /** out = x a + y b + z d + c per channel; y and b, z and d are -1 when absent. */
  channelAffine(heap: Uint8Array, args: { x: number; a: number; y: number; b: number; z: number; d: number; c: number; out: number; rows: number; channels: number }): void;
  /** Per-channel mean and biased variance of x [rows, channels]. */
  channelMoments(heap: Uint8Array, args: { x: number; mean: number; variance: number; rows: number; channels: number }): void;
  /** Per-channel sum(a), sum(a (x - mean)) [, sum(b), sum(b (x - mean)), sum(a b)]; b is -1 when absent. */
  centredSums(heap: Uint8Array, args: { x: number; mean: number; a: number; b: number; sums: number; rows: number; channels: number }): void;
  /** out[r, i] = weights[descending rank of x[r, i] in its row] (ties: lower index first). */
  rankWeights(heap: Uint8Array, args: { x: number; weights: number; out: number; rows: number; n: number }): void;
  /** out[c] = sum over r of x[r * columns + c]. */
  sumRows(heap: Uint8Array, args: { x: number; out: number; rows: number; columns: number }): void;
  /** dx of average pooling (NHWC), padding excluded from each window's count; in = out channels. */
  avgPoolGrad(heap: Uint8Array, args: ConvGeometryArgs & { dy: number; dx: number }): void;
  /** rows runs of length 4-byte values, sourceStride / targetStride values apart. */
  copyRuns(heap: Uint8Array, args: { source: number; sourceStride: number; target: number; targetStride: number; rows: number; length: number }): void;
  /** Resizes the thread pool; returns the new thread count. */
  setThreads(threads: number): number;
  /** The micro-kernel in use, by default the fastest this CPU supports. */
  microKernel(): string;
  /** The micro-kernels this CPU supports, fastest first: 'avx512f', 'avx2+fma', 'generic'. */
  microKernels(): string[];
  /** Switches the micro-kernel for the whole process; for tests that compare them all. */
  selectMicroKernel(name: string): void;
}

const ADDON_PATH = fileURLToPath(new URL('../build/Release/isnet_native_kernels.node', import.meta.url));
const FAILURE_LOG = fileURLToPath(new URL('../build/build-failure.log', import.meta.url));

/** Loads the compiled addon, or throws an Error that says why it is unavailable. */
export function requireAddon(): NativeAddon {
  if (!existsSync(ADDON_PATH)) {
    const hint = existsSync(FAILURE_LOG)
      ? `the install-time build failed, see ${FAILURE_LOG}`
      : 'build it with `npm run build:native -w @isnet-bench/native-kernels`';
    throw new Error(`native addon not built (${ADDON_PATH} is missing): ${hint}`);
  }
  return createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
}
