import { backend_util, util } from '@tensorflow/tfjs';

/**
 * One strided copy: `rows` runs of `length` values, read at source + r * sourceStride and
 * written at target + r * targetStride (offsets in values, within one tensor each).
 */
export interface CopyRuns {
  source: number;
  sourceStride: number;
  target: number;
  targetStride: number;
  rows: number;
  length: number;
}

/** Values before and after an axis: [outer, inner]. */
function aroundAxis(shape: readonly number[], axis: number): [number, number] {
  return [util.sizeFromShape(shape.slice(0, axis)), util.sizeFromShape(shape.slice(axis + 1))];
}

/**
 * SplitV of a tensor of `shape` (tf.split's sizes or count, any axis): each part's shape and
 * the runs that copy it out of the input (a part is contiguous).
 */
export function splitLayout(shape: readonly number[], numOrSizeSplits: number[] | number, givenAxis: number): { shapes: number[][]; runs: CopyRuns[] } {
  const axis = util.parseAxisParam(givenAxis, shape as number[])[0]!;
  const sizes = backend_util.prepareSplitSize({ shape } as never, numOrSizeSplits, axis);
  const [outer, inner] = aroundAxis(shape, axis);
  let start = 0;
  const runs = sizes.map((size) => {
    const length = size * inner;
    const run = { source: start, sourceStride: shape[axis]! * inner, target: 0, targetStride: length, rows: outer, length };
    start += length;
    return run;
  });
  return { shapes: sizes.map((size) => shape.map((d, i) => (i === axis ? size : d))), runs };
}

/** Concat of tensors of `shapes` along an axis: the output shape and the runs that copy each input (contiguous) into it. */
export function concatLayout(shapes: number[][], givenAxis: number): { outShape: number[]; runs: CopyRuns[] } {
  const axis = util.parseAxisParam(givenAxis, shapes[0]!)[0]!;
  const outShape = backend_util.computeOutShape(shapes, axis);
  const [outer, inner] = aroundAxis(outShape, axis);
  let start = 0;
  const runs = shapes.map((shape) => {
    const length = shape[axis]! * inner;
    const run = { source: 0, sourceStride: length, target: start, targetStride: outShape[axis]! * inner, rows: outer, length };
    start += length;
    return run;
  });
  return { outShape, runs };
}
