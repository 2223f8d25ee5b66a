import type { TypedArray } from '@tensorflow/tfjs';
import type { CopyRuns } from '@isnet-bench/native-kernels';

/**
 * Copies runs (offsets in values) from source to target: subarray copies for long runs, an
 * element loop for short ones (a channel slice of a few values, where a call per run costs
 * more than the values).
 */
export function copyRuns(source: TypedArray, target: TypedArray, { source: from, sourceStride, target: to, targetStride, rows, length }: CopyRuns): void {
  if (length >= 64) {
    for (let r = 0; r < rows; r++) target.set(source.subarray(from + r * sourceStride, from + r * sourceStride + length), to + r * targetStride);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = from + r * sourceStride;
    const t = to + r * targetStride;
    for (let i = 0; i < length; i++) target[t + i] = source[s + i]!;
  }
}
