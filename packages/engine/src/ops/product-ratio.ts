import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { PRODUCT_RATIO_GRAD_KERNEL, PRODUCT_RATIO_KERNEL } from '@isnet-bench/native-kernels';
import { fusedElementwiseRuns, fusedKernelRuns } from './fused-kernel.js';

/**
 * (a * b) / c for operands of one shape, as ONE differentiable op: LRP's relevance at a layer
 * (activation times modified gradient) over the layer's stabilised denominator. Composed from
 * a multiply and a divide it put two passes forward and about six backward (their gradients
 * and sums) on the largest activation per heatmap; with the fused kernels (the native ones on
 * 'wasm') each direction is one pass. Its derivatives, g / c * b, g / c * a and
 * -(g * (a * b)) / (c * c), are not differentiable again (ISNet training needs the first).
 */
export function productRatio(a: Tensor, b: Tensor, c: Tensor): Tensor {
  return tf.customGrad(((aIn: Tensor, bIn: Tensor, cIn: Tensor, save: tf.GradSaveFunc) => {
    save([aIn, bIn, cIn]);
    const fused = fusedElementwiseRuns(PRODUCT_RATIO_KERNEL, [aIn, bIn, cIn]);
    return {
      value: fused ? (tf.engine().runKernel(PRODUCT_RATIO_KERNEL, { a: aIn, b: bIn, c: cIn }) as Tensor) : tf.div(tf.mul(aIn, bIn), cIn),
      gradFunc: (g: Tensor, [sa, sb, sc]: Tensor[]) => {
        if (fused && fusedKernelRuns(PRODUCT_RATIO_GRAD_KERNEL, [g])) {
          return tf.engine().runKernel(PRODUCT_RATIO_GRAD_KERNEL, { g, a: sa!, b: sb!, c: sc! }) as Tensor[];
        }
        const t = tf.div(g, sc!);
        return [tf.mul(t, sb!), tf.mul(t, sa!), tf.div(tf.neg(tf.mul(g, tf.mul(sa!, sb!))), tf.mul(sc!, sc!))];
      },
    };
  }) as never)(a, b, c) as Tensor;
}
