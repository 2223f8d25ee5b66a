import { backend_util } from '@tensorflow/tfjs';
import type { TypedArray } from '@tensorflow/tfjs';

/**
 * For every output position of a 2-D max pool, the flat index (within the whole NHWC input)
 * of the input value that wins its window: the first maximum, ignoring padding, as the
 * TF.js 'cpu' MaxPoolGrad decides. Shared by the MaxPoolGrad replacement and by the
 * MaxPoolGrad gradient, so both route through the same winners.
 */
export function maxPoolWinners(x: TypedArray, info: backend_util.Conv2DInfo): Int32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight, effectiveFilterWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const winners = new Int32Array(batchSize * outHeight * outWidth * inChannels);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const batchOffset = b * inHeight * inWidth * inChannels;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        for (let c = 0; c < inChannels; c++, o++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let fy = 0; fy < effectiveFilterHeight; fy += dilationHeight) {
            const y = y0 + fy;
            if (y < 0 || y >= inHeight) continue;
            for (let fx = 0; fx < effectiveFilterWidth; fx += dilationWidth) {
              const xx = x0 + fx;
              if (xx < 0 || xx >= inWidth) continue;
              const index = batchOffset + (y * inWidth + xx) * inChannels + c;
              const value = x[index]!;
              // NaN wins, so that a NaN input propagates a gradient like TensorFlow's.
              if (value > best || (bestIndex < 0 && Number.isNaN(value))) {
                best = value;
                bestIndex = index;
              }
            }
          }
          winners[o] = bestIndex;
        }
      }
    }
  }
  return winners;
}

export function maxPoolInfo(
  xShape: number[],
  attrs: { filterSize: number | [number, number]; strides: number | [number, number]; pad: unknown; dimRoundingMode?: unknown },
): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
}
