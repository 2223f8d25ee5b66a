import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { CHANNEL_AFFINE_KERNEL } from '@isnet-bench/native-kernels';
import { reduceTo } from '../gradients/reduce-to.js';
import { fusedKernelRuns } from './fused-kernel.js';

/** One term x * a of a channel affine map: x [..., C], a per channel [C]. */
export type ChannelTerm = readonly [x: Tensor, a: Tensor];

const KERNEL_INPUTS = [['x', 'a'], ['y', 'b'], ['z', 'd']] as const;

/**
 * x1 * a1 + ... + c for one to three terms of one shape [..., C] with per-channel coefficients
 * and a per-channel c: one pass over the operands where the backend has the fused kernel (the
 * native one on 'wasm'), multiplies and adds otherwise. Differentiable: the fused kernel's
 * gradient (ordinary ops, so differentiable again) is given here, as its inputs vary.
 */
export function channelAffine(terms: readonly ChannelTerm[], c: Tensor): Tensor {
  if (terms.length < 1 || terms.length > KERNEL_INPUTS.length) throw new Error(`channelAffine takes 1 to ${KERNEL_INPUTS.length} terms, got ${terms.length}`);
  const operands = [...terms.flat(), c];
  if (!fusedKernelRuns(CHANNEL_AFFINE_KERNEL, operands)) {
    return tf.add(terms.map(([x, a]) => tf.mul(x, a)).reduce((sum, term) => tf.add(sum, term)), c);
  }
  return tf.customGrad(((...args: unknown[]) => {
    const inputs = args.slice(0, -1) as Tensor[];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const named: Record<string, Tensor> = { c: inputs[inputs.length - 1]! };
    KERNEL_INPUTS.slice(0, terms.length).forEach(([operand, coefficient], i) => {
      named[operand] = inputs[2 * i]!;
      named[coefficient] = inputs[2 * i + 1]!;
    });
    save(inputs.slice(0, -1));
    return {
      value: tf.engine().runKernel(CHANNEL_AFFINE_KERNEL, named) as Tensor,
      gradFunc: (g: Tensor, saved: Tensor[]) => {
        const grads: Tensor[] = [];
        for (let i = 0; i < saved.length; i += 2) grads.push(tf.mul(g, saved[i + 1]!), reduceTo(tf.mul(g, saved[i]!), saved[i + 1]!.shape));
        return [...grads, reduceTo(g, c.shape)];
      },
    };
  }) as never)(...operands) as Tensor;
}
