// Times one SGD step (forward, tf.variableGrads, update) of a small CNN on 'wasm' without and
// with the native kernels: the median of 20 warm steps at batch 64 on 28x28x1 inputs.
// Run with `npm run bench -w @isnet-bench/native-kernels` (builds first).
//
// tfjs-backend-wasm has no Conv2DBackpropFilter, so for the plain-wasm figures this script
// registers one composed of wasm kernels (below); registering the native kernels replaces it.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  loadNativeKernels,
  registerNativeKernels,
  setNativeThreads,
  unregisterNativeKernels,
} from '@isnet-bench/native-kernels';

const BATCH = 64;
const CLASSES = 10;
const WARMUP_STEPS = 3;
const TIMED_STEPS = 20;

/**
 * dW[ky,kx,ci,co] = sum over n,oy,ox of x[n, oy*s+ky-top, ox*s+kx-left, ci] * dy[n,oy,ox,co]:
 * a convolution of x with batch and channels swapped ([ci,H,W,n]) by dy read as a filter
 * ([oh,ow,n,co]) dilated by the stride. Benchmark-only: input rows or columns that no window
 * reaches (negative bottom/right padding) are not handled.
 */
function composedConv2dBackpropFilter({ inputs, backend, attrs }) {
  const { x, dy } = inputs;
  const { strides, pad, dimRoundingMode, filterShape } = attrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode);
  const { top, left } = info.padInfo;
  const bottom = filterShape[0] + (info.outHeight - 1) * info.strideHeight - info.inHeight - top;
  const right = filterShape[1] + (info.outWidth - 1) * info.strideWidth - info.inWidth - left;
  if (bottom < 0 || right < 0) throw new Error('composed Conv2DBackpropFilter: unreached input rows/columns');
  const run = (name, kernelInputs, kernelAttrs) =>
    tf.getKernel(name, 'wasm').kernelFunc({ inputs: kernelInputs, backend, attrs: kernelAttrs });
  const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const dwT = run('Conv2D', { x: xT, filter: dyT }, {
    strides: 1,
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [info.strideHeight, info.strideWidth],
  });
  const dw = run('Transpose', { x: dwT }, { perm: [1, 2, 0, 3] });
  for (const temporary of [xT, dyT, dwT]) backend.disposeData(temporary.dataId);
  return dw;
}

/** conv 32 3x3 s1, conv 32 s2, conv 64, conv 64 s2 (all 'same', ReLU), dense 128 ReLU, dense 10. */
function makeModel() {
  let seed = 42;
  const weight = (shape, fanIn) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++));
  const bias = (size) => tf.variable(tf.zeros([size]));
  return {
    w1: weight([3, 3, 1, 32], 9), b1: bias(32),
    w2: weight([3, 3, 32, 32], 288), b2: bias(32),
    w3: weight([3, 3, 32, 64], 288), b3: bias(64),
    w4: weight([3, 3, 64, 64], 576), b4: bias(64),
    w5: weight([7 * 7 * 64, 128], 3136), b5: bias(128),
    w6: weight([128, CLASSES], 128), b6: bias(CLASSES),
  };
}

function loss(model, x, labels) {
  const conv = (input, filter, bias, strides) =>
    tf.fused.conv2d({ x: input, filter, bias, strides, pad: 'same', activation: 'relu' });
  let h = conv(x, model.w1, model.b1, 1);
  h = conv(h, model.w2, model.b2, 2);
  h = conv(h, model.w3, model.b3, 1);
  h = conv(h, model.w4, model.b4, 2);
  h = tf.fused.matMul({ a: h.reshape([BATCH, -1]), b: model.w5, bias: model.b5, activation: 'relu' });
  const logits = tf.fused.matMul({ a: h, b: model.w6, bias: model.b6 });
  return tf.losses.softmaxCrossEntropy(labels, logits);
}

function makeBatch() {
  const x = tf.randomUniform([BATCH, 28, 28, 1], 0, 1, 'float32', 7);
  const labels = tf.oneHot(tf.randomUniform([BATCH], 0, CLASSES, 'int32', 8), CLASSES);
  return { x, labels };
}

/** Gradients of the first step, to check that both configurations compute the same thing. */
function firstGradients() {
  const model = makeModel();
  const { x, labels } = makeBatch();
  const { grads } = tf.variableGrads(() => loss(model, x, labels));
  const values = Object.fromEntries(Object.entries(model).map(([name, v]) => [name, grads[v.name].dataSync()]));
  tf.dispose([x, labels, grads, Object.values(model)]);
  return values;
}

function timeSteps() {
  const model = makeModel();
  const { x, labels } = makeBatch();
  const optimizer = tf.train.sgd(0.01);
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(model, x, labels));
      optimizer.applyGradients(grads);
      value.dataSync(); // the wasm backend runs kernels synchronously; this just ends the step
    });
  for (let i = 0; i < WARMUP_STEPS; i++) step();
  const wall = [];
  const cpu = [];
  for (let i = 0; i < TIMED_STEPS; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    step();
    const cpuUsed = process.cpuUsage(cpuStart);
    wall.push(performance.now() - start);
    cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
  }
  tf.dispose([x, labels, Object.values(model)]);
  optimizer.dispose();
  return { wall: summary(wall), cpu: summary(cpu) };
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

// CPU time (all threads of the process) is less disturbed than wall time on a shared machine.
function report(label, { wall, cpu }) {
  const ms = (value) => value.toFixed(1).padStart(7);
  console.log(
    `${label.padEnd(34)} wall median ${ms(wall.median)} ms (min ${wall.min.toFixed(1)}, max ${wall.max.toFixed(1)})` +
      `   cpu median ${ms(cpu.median)} ms`,
  );
}

function maxRelativeDifference(a, b) {
  let worst = 0;
  for (const name of Object.keys(a)) {
    let difference = 0;
    let scale = 0;
    for (let i = 0; i < a[name].length; i++) {
      difference = Math.max(difference, Math.abs(a[name][i] - b[name][i]));
      scale = Math.max(scale, Math.abs(a[name][i]));
    }
    worst = Math.max(worst, difference / scale);
  }
  return worst;
}

const status = loadNativeKernels();
if (!status.ok) throw new Error(`native kernels unavailable: ${status.reason}`);
await tf.setBackend('wasm');
tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: composedConv2dBackpropFilter });
console.log(`small CNN, batch ${BATCH}, 28x28x1; median of ${TIMED_STEPS} steps after ${WARMUP_STEPS} warm-up steps`);
console.log(`native micro-kernel: ${status.microKernel}; default threads: ${status.threads}`);

const plainGradients = firstGradients();
report("wasm (composed filter gradient)", timeSteps());

registerNativeKernels();
const nativeGradients = firstGradients();
for (const threads of [...new Set([status.threads, 1])]) {
  setNativeThreads(threads);
  report(`wasm + native kernels, ${threads} thread${threads > 1 ? 's' : ''}`, timeSteps());
}
setNativeThreads(status.threads);
unregisterNativeKernels();
console.log(`max relative gradient difference, wasm vs native: ${maxRelativeDifference(plainGradients, nativeGradients).toExponential(2)}`);
