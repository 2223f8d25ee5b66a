import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/**
 * How many copies of `shared`'s batch `stacked` holds along its first axis ([k B, ...] for
 * [B, ...]): a class-stacked tensor, one copy per explained class, whose copies all meet the
 * same forward values. Throws, naming the op, when the shapes do not stack.
 */
export function stackedCopies(op: string, stacked: Tensor, shared: Tensor): number {
  const [outer, inner] = [stacked.shape, shared.shape];
  const batch = inner[0] ?? 1;
  const copies = batch === 0 ? 1 : (outer[0] ?? 1) / batch;
  if (!Number.isInteger(copies) || copies < 1 || outer.length !== inner.length || outer.some((d, i) => i > 0 && d !== inner[i])) {
    throw new Error(`${op}: [${outer}] is not a stack of copies of the batch [${inner}] along the first axis`);
  }
  return copies;
}

/** fn applied to a class-stacked tensor viewed as [k, B, ...], so that shared [B, ...] operands broadcast. */
export function perCopy(stacked: Tensor, copies: number, fn: (copiesView: Tensor) => Tensor): Tensor {
  if (copies === 1) return fn(stacked);
  return tf.reshape(fn(tf.reshape(stacked, [copies, stacked.shape[0]! / copies, ...stacked.shape.slice(1)])), stacked.shape);
}

/** The sum of a class-stacked tensor's copies ([k B, ...] -> [B, ...]). */
export function sumCopies(stacked: Tensor, copies: number): Tensor {
  if (copies === 1) return stacked;
  return tf.sum(tf.reshape(stacked, [copies, stacked.shape[0]! / copies, ...stacked.shape.slice(1)]), 0);
}

/**
 * A class-stacked tensor's copies, each [B, ...]: unstacking a [k, B x ...] view (one native
 * pass on 'wasm', where SplitV and Slice along the batch axis took 10-35x longer; the
 * gradient is a Pack, where Concat's is a SplitV).
 */
export function copiesOf(stacked: Tensor, copies: number): Tensor[] {
  const shape = [stacked.shape[0]! / copies, ...stacked.shape.slice(1)];
  return tf.unstack(tf.reshape(stacked, [copies, stacked.size / copies])).map((copy) => tf.reshape(copy, shape));
}

/** The copies (each [B, ...]) as one class-stacked tensor [k B, ...]; the inverse of copiesOf. */
export function stackCopies(copies: Tensor[]): Tensor {
  const [first] = copies;
  return tf.reshape(tf.stack(copies), [copies.length * first!.shape[0]!, ...first!.shape.slice(1)]);
}
