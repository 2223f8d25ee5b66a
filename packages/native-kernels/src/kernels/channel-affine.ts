import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapView, requireFloat32, requireShape } from './wasm-heap.js';

/**
 * A kernel of this suite's own: out = x * a + y * b + c, x and y of one shape [..., C], a, b
 * and c per channel [C]. The engine's channelAffine op runs it when it is registered (its
 * gradient is the engine's) and composes it from multiplies and adds otherwise.
 */
export const CHANNEL_AFFINE_KERNEL = 'IsnetChannelAffine';

const kernelFunc: KernelFunc = ({ inputs, backend }) => {
  const { x, a, y, b, c } = inputs as Record<'x' | 'a' | 'y' | 'b' | 'c', TensorInfo>;
  requireFloat32(CHANNEL_AFFINE_KERNEL, { x, a, y, b, c });
  const channels = x.shape[x.shape.length - 1] ?? 1;
  requireShape(CHANNEL_AFFINE_KERNEL, 'y', y.shape, x.shape);
  for (const [name, vector] of Object.entries({ a, b, c })) requireShape(CHANNEL_AFFINE_KERNEL, name, vector.shape, [channels]);
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(x.shape, 'float32');
  const rows = util.sizeFromShape(x.shape) / Math.max(channels, 1);
  nativeAddon().channelAffine(heapView(wasm), {
    x: heapOffset(wasm, x),
    a: heapOffset(wasm, a),
    y: heapOffset(wasm, y),
    b: heapOffset(wasm, b),
    c: heapOffset(wasm, c),
    out: heapOffset(wasm, out),
    rows,
    channels,
  });
  return out;
};

export const channelAffineConfig: KernelConfig = { kernelName: CHANNEL_AFFINE_KERNEL, backendName: 'wasm', kernelFunc };
