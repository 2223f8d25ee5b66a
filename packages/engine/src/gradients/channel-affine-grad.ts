import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';
import { CHANNEL_AFFINE_KERNEL } from '@isnet-bench/native-kernels';

/** Gradient of the suite's fused x * a + y * b + c (ops/channel-affine.ts), from ordinary ops. */
export const channelAffineGradConfig: GradConfig = {
  kernelName: CHANNEL_AFFINE_KERNEL,
  inputsToSave: ['x', 'a', 'y', 'b'],
  gradFunc: (dy: Tensor | Tensor[], [x, a, y, b]: Tensor[]) => {
    const g = dy as Tensor;
    const leading = [...Array(g.rank - 1).keys()];
    return {
      x: () => tf.mul(g, a!),
      a: () => tf.sum(tf.mul(g, x!), leading),
      y: () => tf.mul(g, b!),
      b: () => tf.sum(tf.mul(g, y!), leading),
      c: () => tf.sum(g, leading),
    };
  },
};
