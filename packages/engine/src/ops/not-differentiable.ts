import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/**
 * The tensors unchanged, except that differentiating through them throws, naming the op:
 * for derivatives built from values computed on the host, which a further derivative would
 * treat as constants and so get silently wrong. Only wraps inside a gradient computation.
 */
export function notDifferentiable(op: string, tensors: Tensor[]): Tensor[] {
  if (!tf.engine().isTapeOn()) return tensors;
  const fence = tf.customGrad(((t: Tensor) => ({
    value: tf.clone(t),
    gradFunc: () => {
      throw new Error(`${op}: derivatives of this order are not implemented (its derivatives are not differentiable again)`);
    },
  })) as never) as (t: Tensor) => Tensor;
  return tensors.map((t) => fence(t));
}
