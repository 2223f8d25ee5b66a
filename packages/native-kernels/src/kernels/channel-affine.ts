import { type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapView, lastAxisLayout, requireFloat32, requireShape } from './wasm-heap.js';

/**
 * A kernel of this suite's own: out = x * a + y * b + z * d + c, the terms' x, y, z of one
 * shape [..., C], their coefficients a, b, d and c per channel [C]; y with b and z with d are
 * optional (one to three terms). The engine's channelAffine op runs it when it is registered
 * (its gradient is the engine's) and composes it from multiplies and adds otherwise.
 */
export const CHANNEL_AFFINE_KERNEL = 'IsnetChannelAffine';

const TERMS = [['x', 'a'], ['y', 'b'], ['z', 'd']] as const;

const kernelFunc: KernelFunc = ({ inputs, backend }) => {
  const named = inputs as Record<string, TensorInfo | undefined>;
  const { x, c } = named;
  if (!x || !c) throw new Error(`${CHANNEL_AFFINE_KERNEL} (native kernels): x and c must be given`);
  requireFloat32(CHANNEL_AFFINE_KERNEL, named);
  const { rows, columns: channels } = lastAxisLayout(x.shape);
  requireShape(CHANNEL_AFFINE_KERNEL, 'c', c.shape, [channels]);
  const wasm = backend as BackendWasm;
  TERMS.forEach(([operand, coefficient], i) => {
    const [t, k] = [named[operand], named[coefficient]];
    if (!t !== !k) throw new Error(`${CHANNEL_AFFINE_KERNEL} (native kernels): ${operand} and ${coefficient} must be given together`);
    if (t && !named[TERMS[i - 1]?.[0] ?? 'x']) throw new Error(`${CHANNEL_AFFINE_KERNEL} (native kernels): ${operand} given without ${TERMS[i - 1]![0]}`);
    if (t) requireShape(CHANNEL_AFFINE_KERNEL, operand, t.shape, x.shape);
    if (k) requireShape(CHANNEL_AFFINE_KERNEL, coefficient, k.shape, [channels]);
  });
  const out = wasm.makeOutput(x.shape, 'float32');
  const offset = (name: string) => {
    const tensor = named[name];
    return tensor ? heapOffset(wasm, tensor) : -1;
  };
  nativeAddon().channelAffine(heapView(wasm), {
    x: offset('x'),
    a: offset('a'),
    y: offset('y'),
    b: offset('b'),
    z: offset('z'),
    d: offset('d'),
    c: heapOffset(wasm, c),
    out: heapOffset(wasm, out),
    rows,
    channels,
  });
  return out;
};

export const channelAffineConfig: KernelConfig = { kernelName: CHANNEL_AFFINE_KERNEL, backendName: 'wasm', kernelFunc };
