import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import { gwrp } from './gwrp.js';

/**
 * A mask [batch, H, W, 1] brought to a hidden layer's size [h, w]: adaptive average pooling
 * (PyTorch's windows: rows floor(i H / h) to ceil((i + 1) H / h), so sizes need not divide),
 * then binary, any foreground in the window -> 1, so that only regions with no foreground at
 * all count as background (the reference's conservative choice).
 */
export function downsampleMask(mask: Tensor, [h, w]: [number, number]): Tensor4D {
  if (mask.rank !== 4 || mask.shape[3] !== 1) throw new RangeError(`downsampleMask: mask must be [batch, height, width, 1], got [${mask.shape}]`);
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0)) throw new RangeError(`downsampleMask: bad target size ${h}x${w}`);
  const [batch, height, width] = mask.shape as [number, number, number, number];
  return tf.tidy(() => {
    // Window sums as two matrix products (only whether an average is > 0 matters): no
    // pooling kernel is needed and any size ratio works.
    const m = tf.reshape(tf.cast(mask, 'float32'), [batch, height, width]);
    const rows = tf.matMul(windows(h, height), tf.reshape(tf.transpose(m, [1, 0, 2]), [height, batch * width]));
    const byRow = tf.reshape(tf.transpose(tf.reshape(rows, [h, batch, width]), [1, 0, 2]), [batch * h, width]);
    const sums = tf.matMul(byRow, windows(w, width), false, true);
    return tf.reshape(tf.cast(tf.greater(sums, 0), 'float32'), [batch, h, w, 1]);
  });
}

/** [out, size] membership of each input index in each adaptive pooling window. */
function windows(out: number, size: number): Tensor2D {
  const matrix = new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) matrix[i * size + j] = 1;
  }
  return tf.tensor2d(matrix, [out, size]);
}

/**
 * Combines the heatmap losses of the input and of each supervised hidden layer: sorted in
 * descending order and pooled with GWRP (decay dLoss, 0.8 in the reference on MNIST), so the
 * worst layer weighs most.
 */
export function deepSupervisionLoss(perLayerLosses: Scalar[], dLoss = 0.8): Scalar {
  if (perLayerLosses.length === 0) throw new RangeError('deepSupervisionLoss: no layer loss given');
  return tf.tidy(() => gwrp(tf.stack(perLayerLosses), dLoss) as Scalar);
}
