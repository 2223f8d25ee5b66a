import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, release } from './call-kernel.js';
import type { ConvBackpropAttrs } from './conv-attrs.js';

/**
 * Conv2DBackpropInput composed from the backend's fast Conv2D ('wasm' ships a scalar loop):
 * dy is zero-dilated by the forward stride (reshape, pad, reshape), then convolved with the
 * spatially flipped filter whose in/out channels are swapped; padding is chosen so that the
 * output has the input's extent, and a negative padding becomes a slice.
 */
export function conv2dBackpropInputConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as ConvBackpropAttrs & { inputShape: [number, number, number, number] };
    if (dataFormat === 'NCHW') throw new Error(`Conv2DBackpropInput on '${backendName}' supports NHWC only`);
    const info = backend_util.computeConv2DInfo(inputShape, filter.shape as never, strides, 1, pad, dimRoundingMode);
    const [b, oh, ow, co] = dy.shape as [number, number, number, number];
    const [kh, kw, ci] = filter.shape as [number, number, number, number];
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    const temps: TensorInfo[] = [];

    let dilated = dy;
    if (sh > 1 || sw > 1) {
      const r6 = callKernel('Reshape', backend, backendName, { x: dy }, { shape: [b, oh, 1, ow, 1, co] });
      const padded = callKernel('PadV2', backend, backendName, { x: r6 }, {
        paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
        constantValue: 0,
      });
      dilated = callKernel('Reshape', backend, backendName, { x: padded }, { shape: [b, oh * sh, ow * sw, co] });
      temps.push(r6, padded, dilated);
    }
    const rows = fitPadding(dilated.shape[1]!, inputShape[1], kh, info.padInfo.top);
    const cols = fitPadding(dilated.shape[2]!, inputShape[2], kw, info.padInfo.left);
    if (rows.crop < dilated.shape[1]! || cols.crop < dilated.shape[2]!) {
      const cropped = callKernel('Slice', backend, backendName, { x: dilated }, { begin: [0, 0, 0, 0], size: [-1, rows.crop, cols.crop, -1] });
      temps.push(cropped);
      dilated = cropped;
    }
    const flipped = callKernel('Reverse', backend, backendName, { x: filter }, { dims: [0, 1] });
    const swapped = callKernel('Transpose', backend, backendName, { x: flipped }, { perm: [0, 1, 3, 2] });
    temps.push(flipped, swapped);
    const dx = callKernel('Conv2D', backend, backendName, { x: dilated, filter: swapped }, {
      strides: [1, 1],
      pad: [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
      dimRoundingMode: undefined as never,
    });
    release(backend, ...temps);
    if (dx.shape[3] !== ci) throw new Error('Conv2DBackpropInput: channel mismatch');
    return dx;
  };
  return { kernelName: 'Conv2DBackpropInput', backendName, kernelFunc };
}

/**
 * dx[y] = sum_k D[y + top - k] W[k] is a full correlation with the flipped filter:
 * padding before = filterSize - 1 - top. Padding after makes the output `outSize` long;
 * where it would be negative, the dilated dy is cropped instead.
 */
function fitPadding(dilatedSize: number, outSize: number, filterSize: number, top: number) {
  const before = filterSize - 1 - top;
  if (before < 0) throw new Error(`Conv2DBackpropInput: padding ${top} exceeds filter size ${filterSize} - 1`);
  const after = outSize + filterSize - 1 - dilatedSize - before;
  return after >= 0 ? { before, after, crop: dilatedSize } : { before, after: 0, crop: dilatedSize + after };
}
