import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { PRODUCT_RATIO_GRAD_KERNEL, PRODUCT_RATIO_KERNEL } from '@isnet-bench/native-kernels';
import { perCopy, stackedCopies, sumCopies } from './class-stack.js';
import { fusedKernelRuns } from './fused-kernel.js';

/**
 * (a * b) / c for operands of one shape, as ONE differentiable op: LRP's relevance at a layer
 * (activation times modified gradient) over the layer's stabilised denominator. Composed from
 * a multiply and a divide it put two passes forward and about six backward (their gradients
 * and sums) on the largest activation per heatmap; with the fused kernels (the native ones on
 * 'wasm') each direction is one pass. Its derivatives, g / c * b, g / c * a and
 * -(g * (a * b)) / (c * c), are not differentiable again (ISNet training needs the first).
 * b may be class-stacked ([k B, ...] for a and c [B, ...]: one heatmap per explained class);
 * the derivatives for a and c then sum over the copies.
 */
export function productRatio(a: Tensor, b: Tensor, c: Tensor): Tensor {
  const copies = stackedCopies('productRatio', b, a);
  if (!tf.util.arraysEqual(a.shape, c.shape)) throw new Error(`productRatio: a [${a.shape}] and c [${c.shape}] must have one shape`);
  return tf.customGrad(((aIn: Tensor, bIn: Tensor, cIn: Tensor, save: tf.GradSaveFunc) => {
    save([aIn, bIn, cIn]);
    const fused = fusedKernelRuns(PRODUCT_RATIO_KERNEL, [aIn, bIn, cIn]);
    return {
      value: fused ? (tf.engine().runKernel(PRODUCT_RATIO_KERNEL, { a: aIn, b: bIn, c: cIn }) as Tensor) : perCopy(bIn, copies, (v) => tf.div(tf.mul(aIn, v), cIn)),
      gradFunc: (g: Tensor, [sa, sb, sc]: Tensor[]) => {
        if (fused && fusedKernelRuns(PRODUCT_RATIO_GRAD_KERNEL, [g])) {
          return tf.engine().runKernel(PRODUCT_RATIO_GRAD_KERNEL, { g, a: sa!, b: sb!, c: sc! }) as Tensor[];
        }
        const t = perCopy(g, copies, (v) => tf.div(v, sc!));
        const ab = perCopy(sb!, copies, (v) => tf.mul(sa!, v));
        const dc = perCopy(tf.neg(tf.mul(g, ab)), copies, (v) => tf.div(v, tf.mul(sc!, sc!)));
        return [sumCopies(tf.mul(t, sb!), copies), perCopy(t, copies, (v) => tf.mul(v, sa!)), sumCopies(dc, copies)];
      },
    };
  }) as never)(a, b, c) as Tensor;
}
