import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { channelAffine } from './channel-affine.js';
import { centredSums, channelMoments } from './channel-statistics.js';
import { copiesOf, stackCopies, stackedCopies } from './class-stack.js';
import { notDifferentiable } from './not-differentiable.js';

const OP = 'batchNormTraining';

/** A batch's per-channel statistics and gamma on the host, read once in the forward pass. */
interface HostStatistics {
  mean: Float32Array;
  /** 1 / sqrt(variance + epsilon), in double. */
  rstd: Float64Array;
  /** Values per channel. */
  count: number;
  gamma: Float32Array;
  /** gamma * rstd: x's coefficient in y, dy's in dx. */
  k: Float64Array;
}

/**
 * Batch normalisation with the batch's statistics over every axis but the last:
 * y = gamma (x - mean) / sqrt(var + eps) + beta, var biased, as tf.moments + tf.batchNorm.
 * Also returns the batch mean and variance (for running statistics).
 *
 * Its first and second derivatives are analytic, so that ISNet training (which differentiates
 * the LRP backward pass, i.e. this op's gradient) makes few passes over the activation: per
 * channel, with N values, r = 1 / sqrt(var + eps), c = x - mean, S1 = sum(dy), T = sum(dy c),
 *   dx = gamma r (dy - S1 / N) - gamma r^3 c T / N,  dgamma = r T,  dbeta = S1,
 * and for an upstream g on dx, with G1 = sum(g), U = sum(g c), V = sum(g dy),
 * A = V - S1 G1 / N:
 *   d/d dy = gamma r (g - G1 / N) - gamma r^3 c U / N
 *   d/dx   = c (3 gamma r^5 T U / N^2 - gamma r^3 A / N) - gamma r^3 (U dy + T g) / N
 *            + gamma r^3 (U S1 + T G1) / N^2
 *   d/dgamma = r A - r^3 T U / N
 * (and for upstream gg, gb on dgamma, dbeta: d/d dy = gg r c + gb,
 * d/dx = gg (r (dy - S1 / N) - r^3 c T / N)). Each is one pass of per-channel sums (computed
 * in one kernel, the coefficients on the host in double) and one channelAffine pass; composed
 * autodiff took ~30 activation-sized ops per batch norm. The second derivatives are not
 * differentiable again.
 */
export function batchNormTraining(x: Tensor, gamma: Tensor | undefined, beta: Tensor | undefined, epsilon: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const channels = x.shape[x.rank - 1]!;
  const count = x.size / channels;
  let statistics: { mean: Tensor; variance: Tensor } | undefined;
  const normalise = tf.customGrad(((input: Tensor, scale: Tensor, offset: Tensor, save: tf.GradSaveFunc) => {
    const { mean, variance } = channelMoments(input);
    const host = hostStatistics(mean, variance, scale, count, epsilon);
    const b = offset.dataSync();
    const y = channelAffine([[input, vector(host.k)]], vector(perChannel(channels, (j) => b[j]! - host.mean[j]! * host.k[j]!)));
    statistics = { mean: tf.keep(mean), variance: tf.keep(variance) };
    save([input, scale, mean]);
    return {
      value: y,
      gradFunc: (dy: Tensor, [savedX, savedScale, savedMean]: Tensor[]) => normalisationGradients(dy, savedX!, savedScale!, savedMean!, host),
    };
  }) as never) as (x: Tensor, gamma: Tensor, beta: Tensor) => Tensor;
  const y = normalise(x, gamma ?? tf.ones([channels]), beta ?? tf.zeros([channels]));
  const { mean, variance } = statistics!;
  // Handed back as ordinary scope-tracked tensors (kept only to leave the customGrad's scope).
  const result = { y, mean: tf.clone(mean), variance: tf.clone(variance) };
  tf.dispose([mean, variance]);
  return result;
}

/**
 * batchNormTraining's input gradient for an upstream dy that may be class-stacked ([k B, ...]
 * for x [B, ...]: one backward pass per explained class on one forward pass), copy by copy,
 * each with the batch statistics of x (as batchNormTraining returned them, or computed) and
 * the analytic derivatives (for dy, x and gamma).
 */
export function batchNormTrainingInputGradient(dy: Tensor, x: Tensor, gamma: Tensor | undefined, epsilon: number, statistics?: { mean: Tensor; variance: Tensor }): Tensor {
  const copies = stackedCopies('batchNormTrainingInputGradient', dy, x);
  const channels = x.shape[x.rank - 1]!;
  const scale = gamma ?? tf.ones([channels]);
  const { mean, variance } = statistics ?? channelMoments(x);
  const host = hostStatistics(mean, variance, scale, x.size / channels, epsilon);
  const perCopy = (d: Tensor) => {
    const [s1, t] = centredSums(x, mean, d) as [Float32Array, Float32Array];
    return inputGradient(mean, host, s1, t)(d, x, scale);
  };
  return copies === 1 ? perCopy(dy) : stackCopies(copiesOf(dy, copies).map(perCopy));
}

/** The statistics read back once per forward pass; mean and variance as channelMoments gives them. */
function hostStatistics(mean: Tensor, variance: Tensor, gamma: Tensor, count: number, epsilon: number): HostStatistics {
  const [m, v, g] = [mean, variance, gamma].map((t) => t.dataSync() as Float32Array);
  const channels = m!.length;
  const rstd = perChannel(channels, (j) => 1 / Math.sqrt(v![j]! + epsilon));
  return { mean: m!, rstd, count, gamma: g!, k: perChannel(channels, (j) => g![j]! * rstd[j]!) };
}

/** [dx, dgamma, dbeta] for the upstream dy, each differentiable once more. */
function normalisationGradients(dy: Tensor, x: Tensor, gamma: Tensor, mean: Tensor, host: HostStatistics): Tensor[] {
  const [s1, t] = centredSums(x, mean, dy) as [Float32Array, Float32Array];
  const dx = inputGradient(mean, host, s1, t)(dy, x, gamma);
  const [dGamma, dBeta] = tf.unstack(parameterGradients(host, s1, t)(dy, x));
  return [dx, dGamma!, dBeta!];
}

/** (dy, x, gamma) -> dx, with its analytic derivatives; `mean` is host.mean as a tensor. */
function inputGradient(mean: Tensor, { mean: m, rstd, count, gamma: gm, k }: HostStatistics, s1: Float32Array, t: Float32Array) {
  const channels = rstd.length;
  // (gamma is an input for its gradient; its values are the forward's, in host.)
  return tf.customGrad(((dy: Tensor, x: Tensor, _gamma: Tensor, save: tf.GradSaveFunc) => {
    const slope = perChannel(channels, (j) => (-k[j]! * rstd[j]! * rstd[j]! * t[j]!) / count);
    const offset = perChannel(channels, (j) => (-k[j]! * s1[j]!) / count - slope[j]! * m[j]!);
    save([dy, x, mean]);
    return {
      value: channelAffine([[dy, vector(k)], [x, vector(slope)]], vector(offset)),
      gradFunc: (g: Tensor, [savedDy, savedX, savedMean]: Tensor[]) => {
        const [g1, u, , , v] = centredSums(savedX!, savedMean!, g, savedDy!) as Float32Array[];
        const dyCentred = new Float64Array(channels);
        const dyOffset = new Float64Array(channels);
        const xCentred = new Float64Array(channels);
        const xDy = new Float64Array(channels);
        const xG = new Float64Array(channels);
        const xOffset = new Float64Array(channels);
        const dGamma = new Float64Array(channels);
        for (let j = 0; j < channels; j++) {
          const [r, gj, S1, T, G1, U] = [rstd[j]!, gm[j]!, s1[j]!, t[j]!, g1![j]!, u![j]!];
          const r3 = r * r * r;
          const A = v![j]! - (S1 * G1) / count;
          dyCentred[j] = (-gj * r3 * U) / count;
          dyOffset[j] = (-gj * r * G1) / count - dyCentred[j]! * m[j]!;
          xCentred[j] = (3 * gj * r3 * r * r * T * U) / (count * count) - (gj * r3 * A) / count;
          xDy[j] = (-gj * r3 * U) / count;
          xG[j] = (-gj * r3 * T) / count;
          xOffset[j] = (gj * r3 * (U * S1 + T * G1)) / (count * count) - xCentred[j]! * m[j]!;
          dGamma[j] = r * A - (r3 * T * U) / count;
        }
        // d/d dy's coefficient on g is k = gamma r, as in the forward.
        const ddy = channelAffine([[g, vector(k)], [savedX!, vector(dyCentred)]], vector(dyOffset));
        const ddx = channelAffine([[savedX!, vector(xCentred)], [savedDy!, vector(xDy)], [g, vector(xG)]], vector(xOffset));
        return notDifferentiable(OP, [ddy, ddx, vector(dGamma)]);
      },
    };
  }) as never) as (dy: Tensor, x: Tensor, gamma: Tensor) => Tensor;
}

/** (dy, x) -> [dgamma; dbeta] as one [2, C] tensor, with its analytic derivatives. */
function parameterGradients({ mean: m, rstd, count }: HostStatistics, s1: Float32Array, t: Float32Array) {
  const channels = rstd.length;
  return tf.customGrad(((dy: Tensor, x: Tensor, save: tf.GradSaveFunc) => {
    const values = new Float32Array(2 * channels);
    for (let j = 0; j < channels; j++) {
      values[j] = rstd[j]! * t[j]!;
      values[channels + j] = s1[j]!;
    }
    save([dy, x]);
    return {
      value: tf.tensor2d(values, [2, channels]),
      gradFunc: (upstream: Tensor, [savedDy, savedX]: Tensor[]) => {
        const gp = upstream.dataSync();
        const dyCentred = new Float64Array(channels);
        const dyOffset = new Float64Array(channels);
        const xCentred = new Float64Array(channels);
        const xDy = new Float64Array(channels);
        const xOffset = new Float64Array(channels);
        for (let j = 0; j < channels; j++) {
          const [r, gg, gb, S1, T] = [rstd[j]!, gp[j]!, gp[channels + j]!, s1[j]!, t[j]!];
          const r3 = r * r * r;
          dyCentred[j] = gg * r;
          dyOffset[j] = gb - gg * r * m[j]!;
          xCentred[j] = (-gg * r3 * T) / count;
          xDy[j] = gg * r;
          xOffset[j] = (-gg * r * S1) / count - xCentred[j]! * m[j]!;
        }
        const ddy = channelAffine([[savedX!, vector(dyCentred)]], vector(dyOffset));
        const ddx = channelAffine([[savedX!, vector(xCentred)], [savedDy!, vector(xDy)]], vector(xOffset));
        return notDifferentiable(OP, [ddy, ddx]);
      },
    };
  }) as never) as (dy: Tensor, x: Tensor) => Tensor;
}

function perChannel(channels: number, value: (j: number) => number): Float64Array {
  const out = new Float64Array(channels);
  for (let j = 0; j < channels; j++) out[j] = value(j);
  return out;
}

const vector = (values: ArrayLike<number>) => tf.tensor1d(Float32Array.from(values));
