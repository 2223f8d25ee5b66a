import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { LRP_SCALE_GRAD_KERNEL, LRP_SCALE_KERNEL, LRP_STABILIZE_KERNEL } from '@isnet-bench/native-kernels';
import { perCopy, stackedCopies, sumCopies } from './class-stack.js';
import { fusedKernelRuns } from './fused-kernel.js';

/**
 * (dy, z) -> dy * r, r = relu(z) / (relu(z) + eps): the LRP-epsilon scaling of a ReLU's
 * incoming gradient, as ONE differentiable op with its analytic derivatives: d/d dy = r,
 * d/dz = dy * eps / (z + eps)^2 for z > 0, else 0 (eps / (y + eps)^2 = (1 - r)^2 / eps).
 * Composed from relu, add, div and mul it put four activation-sized ops and their
 * second-order gradients on the tape per ReLU. Where the backend has the fused kernels (the
 * native ones on 'wasm'), the value and the derivatives are one pass each; otherwise the
 * same float32 operations run as separate ops. The derivatives are not differentiable again
 * (ISNet training needs the second order of the network, i.e. the first of this op).
 * dy may be class-stacked ([k B, ...] for z [B, ...]: one backward pass per explained class on
 * one forward pass); d/dz then sums over the copies.
 */
export function lrpScaled(dy: Tensor, z: Tensor, epsilon: number): Tensor {
  const copies = stackedCopies('lrpScaled', dy, z);
  return tf.customGrad(((dyIn: Tensor, zIn: Tensor, save: tf.GradSaveFunc) => {
    let value: Tensor;
    let r: Tensor;
    if (fusedKernelRuns(LRP_SCALE_KERNEL, [dyIn, zIn])) {
      [value, r] = tf.engine().runKernel(LRP_SCALE_KERNEL, { dy: dyIn, z: zIn }, { epsilon }) as Tensor[] as [Tensor, Tensor];
    } else {
      const y = tf.relu(zIn);
      r = tf.div(y, tf.add(y, epsilon));
      value = perCopy(dyIn, copies, (d) => tf.mul(d, r));
    }
    save([dyIn, zIn, r]);
    return {
      value,
      gradFunc: (g: Tensor, [savedDy, savedZ, savedR]: Tensor[]) => {
        if (fusedKernelRuns(LRP_SCALE_GRAD_KERNEL, [g, savedDy!, savedZ!, savedR!])) {
          return tf.engine().runKernel(LRP_SCALE_GRAD_KERNEL, { g, dy: savedDy!, z: savedZ!, r: savedR! }, { epsilon }) as Tensor[];
        }
        const slope = tf.mul(tf.div(tf.square(tf.sub(1, savedR!)), epsilon), tf.step(savedZ!));
        return [perCopy(g, copies, (t) => tf.mul(t, savedR!)), tf.mul(sumCopies(tf.mul(g, savedDy!), copies), slope)];
      },
    };
  }) as never)(dy, z) as Tensor;
}

/**
 * z + eps * sign(z), with sign(0) = +1, whose derivative is 1 (the sign is piecewise
 * constant): the stabilised denominator of LRP-epsilon. One pass with the fused kernel (the
 * native one on 'wasm'); composed, the sign is 1 - 2 step(-z) (step(0) = 0), on 'wasm' ~6x
 * cheaper than a comparison and a select, and the same float32 values.
 */
export function lrpStabilized(z: Tensor, epsilon: number): Tensor {
  return tf.customGrad(((input: Tensor) => ({
    value: fusedKernelRuns(LRP_STABILIZE_KERNEL, [input])
      ? (tf.engine().runKernel(LRP_STABILIZE_KERNEL, { z: input }, { epsilon }) as Tensor)
      : tf.add(input, tf.sub(epsilon, tf.mul(2 * epsilon, tf.step(tf.neg(input))))),
    gradFunc: (dy: Tensor) => dy,
  })) as never)(z) as Tensor;
}
