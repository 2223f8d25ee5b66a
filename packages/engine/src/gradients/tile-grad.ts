import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

/**
 * Tile's gradient as one reshape and one sum: the tiled axis of size r*s splits into
 * [r, s] (repeat index major), and the repeats are summed out. Stock TF.js slices and adds
 * once per repeat, which for the batch-norm gradient (a [1,1,1,C] statistic tiled over
 * N*H*W positions) is tens of thousands of kernel calls per step.
 */
export const tileGradConfig: GradConfig = {
  kernelName: 'Tile',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved as [Tensor];
    const { reps } = attrs as unknown as { reps: number[] };
    return {
      x: () => {
        const split = x.shape.flatMap((size, axis) => [reps[axis]!, size]);
        const repeatAxes = x.shape.map((_, axis) => 2 * axis);
        return tf.reshape(tf.sum(tf.reshape(dy as Tensor, split), repeatAxes), x.shape);
      },
    };
  },
};
