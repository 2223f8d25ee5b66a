import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, NamedAttrMap, TypedArray } from '@tensorflow/tfjs';
import { hostKernel } from './host-kernel.js';

// The two depthwise backprops, which 'wasm' lacks, as loops over the forward's taps:
// y[b,oy,ox,c*m+k] = sum_{fy,fx} x[b, oy*s+fy*d-top, ox*s+fx*d-left, c] * W[fy,fx,c,k].

function forEachTap(info: backend_util.Conv2DInfo, visit: (xIndex: number, yIndex: number, wIndex: number) => void) {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const multiplier = outChannels / inChannels;
  for (let b = 0; b < batchSize; b++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++)
        for (let fy = 0; fy < filterHeight; fy++) {
          const y = oy * strideHeight + fy * dilationHeight - top;
          if (y < 0 || y >= inHeight) continue;
          for (let fx = 0; fx < filterWidth; fx++) {
            const x = ox * strideWidth + fx * dilationWidth - left;
            if (x < 0 || x >= inWidth) continue;
            for (let c = 0; c < inChannels; c++)
              for (let k = 0; k < multiplier; k++) {
                const xIndex = ((b * inHeight + y) * inWidth + x) * inChannels + c;
                const yIndex = ((b * outHeight + oy) * outWidth + ox) * outChannels + c * multiplier + k;
                const wIndex = ((fy * filterWidth + fx) * inChannels + c) * multiplier + k;
                visit(xIndex, yIndex, wIndex);
              }
          }
        }
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: NamedAttrMap) {
  const { strides, dilations, pad, dimRoundingMode } = attrs as never;
  return backend_util.computeConv2DInfo(xShape as never, filterShape as never, strides, dilations, pad, dimRoundingMode, true);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function depthwiseBackpropInputConfig(backendName: string): KernelConfig {
  return hostKernel('DepthwiseConv2dNativeBackpropInput', backendName, ({ dy, filter }, attrs) => {
    const inputShape = (attrs as { inputShape: number[] }).inputShape;
    const g: TypedArray = dy!.values;
    const w: TypedArray = filter!.values;
    const dx = new Float32Array(size(inputShape));
    forEachTap(depthwiseInfo(inputShape, filter!.shape, attrs), (xi, yi, wi) => (dx[xi]! += g[yi]! * w[wi]!));
    return { shape: inputShape, values: dx };
  });
}

export function depthwiseBackpropFilterConfig(backendName: string): KernelConfig {
  return hostKernel('DepthwiseConv2dNativeBackpropFilter', backendName, ({ x, dy }, attrs) => {
    const filterShape = (attrs as { filterShape: number[] }).filterShape;
    const input: TypedArray = x!.values;
    const g: TypedArray = dy!.values;
    const dw = new Float32Array(size(filterShape));
    forEachTap(depthwiseInfo(x!.shape, filterShape, attrs), (xi, yi, wi) => (dw[wi]! += input[xi]! * g[yi]!));
    return { shape: filterShape, values: dw };
  });
}
