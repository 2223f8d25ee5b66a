import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { callKernel, release } from './call-kernel.js';
import type { ConvBackpropAttrs } from './conv-attrs.js';

/**
 * Conv2DBackpropFilter composed from the backend's own fast Conv2D and Transpose kernels
 * ('wasm' has none). dW[ky,kx,ci,co] = sum over b,oy,ox of x[b, oy*s+ky-pad, ., ci] * dy[b,oy,ox,co]
 * is a convolution of x with channels and batch swapped ([ci,H,W,b]) by dy read as a filter
 * ([oh,ow,b,co]) whose dilation is the forward stride.
 */
export function conv2dBackpropFilterConfig(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as ConvBackpropAttrs & { filterShape: [number, number, number, number] };
    if (dataFormat === 'NCHW') throw new Error(`Conv2DBackpropFilter on '${backendName}' supports NHWC only`);
    const info = backend_util.computeConv2DInfo(x.shape as never, filterShape, strides, 1, pad, dimRoundingMode);
    const [kh, kw] = filterShape;
    const rows = fitExtent(x.shape[1]!, info.padInfo.top, kh, info.outHeight, info.strideHeight);
    const cols = fitExtent(x.shape[2]!, info.padInfo.left, kw, info.outWidth, info.strideWidth);

    const temps: TensorInfo[] = [];
    let input = x;
    if (rows.used < x.shape[1]! || cols.used < x.shape[2]!) {
      input = callKernel('Slice', backend, backendName, { x }, { begin: [0, 0, 0, 0], size: [-1, rows.used, cols.used, -1] });
      temps.push(input);
    }
    const xT = callKernel('Transpose', backend, backendName, { x: input }, { perm: [3, 1, 2, 0] });
    const dyT = callKernel('Transpose', backend, backendName, { x: dy }, { perm: [1, 2, 0, 3] });
    temps.push(xT, dyT);
    const explicit: backend_util.ExplicitPadding = [[0, 0], [info.padInfo.top, rows.padAfter], [info.padInfo.left, cols.padAfter], [0, 0]];
    const dwT = callKernel('Conv2D', backend, backendName, { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: explicit,
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
      dimRoundingMode: undefined as never,
    });
    temps.push(dwT);
    const dw = callKernel('Transpose', backend, backendName, { x: dwT }, { perm: [1, 2, 0, 3] });
    release(backend, ...temps);
    return dw;
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc };
}

/**
 * Along one spatial axis: how many input rows the filter gradient reads, and the padding
 * after them, so that a stride-1 convolution with the dy "filter" dilated by the forward
 * stride yields exactly `filterSize` outputs. Rows the forward pass never read are cut.
 */
function fitExtent(inSize: number, padBefore: number, filterSize: number, outSize: number, stride: number) {
  const needed = filterSize + (outSize - 1) * stride - padBefore;
  return needed >= inSize ? { used: inSize, padAfter: needed - inSize } : { used: needed, padAfter: 0 };
}
