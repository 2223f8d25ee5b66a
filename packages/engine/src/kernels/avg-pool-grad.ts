import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { hostKernel } from './host-kernel.js';

/**
 * AvgPoolGrad as the exact adjoint of the forward kernel, which divides each window by the
 * number of input pixels it covers (padding excluded). The stock 'cpu' and 'wasm' gradients
 * divide by the full window size, wrong at 'same'-padded borders.
 */
export function avgPoolGradConfig(backendName: string): KernelConfig {
  return hostKernel('AvgPoolGrad', backendName, ({ dy, input }, attrs) => {
    const { filterSize, strides, pad, dimRoundingMode } = attrs as never;
    const info = backend_util.computePool2DInfo(input!.shape as never, filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const { top, left } = info.padInfo;
    const g = dy!.values;
    const dx = new Float32Array(batchSize * inHeight * inWidth * inChannels);
    let o = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        const y0 = Math.max(0, oy * strideHeight - top);
        const y1 = Math.min(inHeight, oy * strideHeight - top + filterHeight);
        for (let ox = 0; ox < outWidth; ox++) {
          const x0 = Math.max(0, ox * strideWidth - left);
          const x1 = Math.min(inWidth, ox * strideWidth - left + filterWidth);
          const count = (y1 - y0) * (x1 - x0);
          // Channels innermost: contiguous in dy and dx (each window adds to the pixels in
          // the same order as channel by channel, so the same sums).
          if (count > 0) {
            for (let y = y0; y < y1; y++) {
              for (let x = x0; x < x1; x++) {
                const row = ((b * inHeight + y) * inWidth + x) * inChannels;
                for (let c = 0; c < inChannels; c++) dx[row + c]! += g[o + c]! / count;
              }
            }
          }
          o += inChannels;
        }
      }
    }
    return { shape: input!.shape, values: dx };
  });
}
