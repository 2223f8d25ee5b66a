import * as tf from '@tensorflow/tfjs';

/** A small seeded generator (mulberry32): checks must be reproducible across runs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [low, high). */
export function uniform(shape: number[], random: () => number, low = -1, high = 1): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = low + (high - low) * random();
  return tf.tensor(values, shape);
}

/**
 * Values whose magnitude is at least `gap` and which are pairwise at least `gap` apart, in
 * random order: piecewise-linear ops (ReLU, max pooling) then have no kink or tie within a
 * finite-difference step smaller than gap / 2.
 */
export function separated(shape: number[], random: () => number, gap = 0.05): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, (_, i) => (i - size / 2 + 0.5) * gap + (i >= size / 2 ? gap / 2 : -gap / 2));
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return tf.tensor(values, shape);
}
