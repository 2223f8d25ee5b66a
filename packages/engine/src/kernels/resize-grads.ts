import type { KernelConfig, TypedArray } from '@tensorflow/tfjs';
import { hostKernel } from './host-kernel.js';

interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** One output coordinate's source taps and their weights, as the forward resize samples. */
type Sampler = (outIndex: number) => Array<[index: number, weight: number]>;

function ratio(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

function bilinearSampler(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): Sampler {
  const r = ratio(inSize, outSize, alignCorners);
  return (o) => {
    const source = halfPixelCenters ? r * (o + 0.5) - 0.5 : r * o;
    const low = Math.max(0, Math.floor(source));
    const high = Math.min(inSize - 1, Math.ceil(source));
    const frac = source - low;
    return [
      [low, 1 - frac],
      [high, frac],
    ];
  };
}

function nearestSampler(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): Sampler {
  const r = ratio(inSize, outSize, alignCorners);
  return (o) => {
    const source = halfPixelCenters ? r * (o + 0.5) : r * o;
    let index = Math.min(inSize - 1, alignCorners ? Math.round(source) : Math.floor(source));
    if (halfPixelCenters) index = Math.max(0, index);
    return [[index, 1]];
  };
}

/**
 * The adjoint of a separable resize: every output gradient goes back to the source taps
 * with the forward weights. Replaces stock gradients that are wrong on 'cpu' (non-square
 * bilinear shapes, nearest with batch > 1) and on 'wasm' (bilinear with half-pixel centers).
 */
function resizeGrad(kernelName: string, backendName: string, makeSampler: typeof bilinearSampler): KernelConfig {
  return hostKernel(kernelName, backendName, ({ images, dy }, attrs) => {
    const [batch, inH, inW, channels] = images!.shape as [number, number, number, number];
    const [, outH, outW] = dy!.shape as [number, number, number, number];
    const rows = precompute(makeSampler(inH, outH, attrs as unknown as ResizeAttrs), outH);
    const cols = precompute(makeSampler(inW, outW, attrs as unknown as ResizeAttrs), outW);
    return { shape: images!.shape, values: scatter(dy!.values, rows, cols, batch, inH, inW, channels, outH, outW) };
  });
}

function precompute(sampler: Sampler, size: number) {
  return Array.from({ length: size }, (_, o) => sampler(o));
}

function scatter(g: TypedArray, rows: Array<Array<[number, number]>>, cols: Array<Array<[number, number]>>, batch: number, inH: number, inW: number, channels: number, outH: number, outW: number): Float32Array {
  const dx = new Float32Array(batch * inH * inW * channels);
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < channels; c++, o++) {
          const value = g[o]!;
          for (const [y, wy] of rows[oy]!) {
            for (const [x, wx] of cols[ox]!) dx[((b * inH + y) * inW + x) * channels + c]! += value * wy * wx;
          }
        }
      }
    }
  }
  return dx;
}

export const resizeBilinearGradConfig = (backendName: string) => resizeGrad('ResizeBilinearGrad', backendName, bilinearSampler);
export const resizeNearestNeighborGradConfig = (backendName: string) => resizeGrad('ResizeNearestNeighborGrad', backendName, nearestSampler);
