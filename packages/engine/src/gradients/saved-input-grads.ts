import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';
import { reduceTo } from './reduce-to.js';

// TF.js's stock gradients of these kernels read the kernel's saved OUTPUT. The saved output
// is a copy outside the tape, so a gradient of the gradient loses every path through it
// (second-order errors of 9% to 140%). These replacements save the INPUT and recompute
// what they need, which keeps the dependence on x in the graph.

function unary(kernelName: string, derivative: (x: Tensor, dy: Tensor) => Tensor): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [x] = saved as [Tensor];
      return { x: () => derivative(x, dy as Tensor) };
    },
  };
}

export const expGradConfig = unary('Exp', (x, dy) => tf.mul(dy, tf.exp(x)));

export const sigmoidGradConfig = unary('Sigmoid', (x, dy) => {
  const s = tf.sigmoid(x);
  return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
});

export const tanhGradConfig = unary('Tanh', (x, dy) => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(x)))));

/** Elu: dy where x > 0, dy * exp(x) elsewhere (alpha 1, as the kernel computes). */
export const eluGradConfig = unary('Elu', (x, dy) => tf.where(tf.greater(x, 0), dy, tf.mul(dy, tf.exp(x))));

export const softmaxGradConfig: GradConfig = {
  kernelName: 'Softmax',
  inputsToSave: ['logits'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [logits] = saved as [Tensor];
    const { dim } = attrs as { dim: number };
    return {
      logits: () => {
        const y = tf.softmax(logits, dim);
        const dyTimesY = tf.mul(dy as Tensor, y);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
      },
    };
  },
};

/** Pow: d/da = b a^(b-1), d/db = a^b log(a) (recomputed; 0 where a <= 0, as TF.js does). */
export const powGradConfig: GradConfig = {
  kernelName: 'Pow',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [a, b] = saved as [Tensor, Tensor];
    const g = dy as Tensor;
    return {
      a: () => reduceTo(tf.mul(g, tf.mul(tf.cast(b, a.dtype), tf.pow(a, tf.sub(b, tf.scalar(1, b.dtype))))), a.shape),
      b: () => {
        const positive = tf.greater(a, 0);
        const logA = tf.where(positive, tf.log(a), tf.zerosLike(a));
        return reduceTo(tf.mul(g, tf.mul(tf.pow(a, b), logA)), b.shape);
      },
    };
  },
};
