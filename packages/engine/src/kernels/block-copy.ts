import type { TypedArray } from '@tensorflow/tfjs';

/**
 * Copies `rows` runs of `length` values from source (runs `sourceStride` apart) to target
 * (runs `targetStride` apart): subarray copies for long runs, an element loop for short ones
 * (a channel slice of a few values, where a call per run costs more than the values).
 */
export function copyRuns(source: TypedArray, sourceStart: number, sourceStride: number, target: TypedArray, targetStart: number, targetStride: number, rows: number, length: number): void {
  if (length >= 64) {
    for (let r = 0; r < rows; r++) target.set(source.subarray(sourceStart + r * sourceStride, sourceStart + r * sourceStride + length), targetStart + r * targetStride);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = sourceStart + r * sourceStride;
    const t = targetStart + r * targetStride;
    for (let i = 0; i < length; i++) target[t + i] = source[s + i]!;
  }
}

/** Values before and after an axis: [outer, inner]. */
export function aroundAxis(shape: readonly number[], axis: number): [number, number] {
  const size = (dims: readonly number[]) => dims.reduce((n, d) => n * d, 1);
  return [size(shape.slice(0, axis)), size(shape.slice(axis + 1))];
}
