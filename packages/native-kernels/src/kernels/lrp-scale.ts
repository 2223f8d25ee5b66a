import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffset, heapOffsets, heapView, requireFloat32, requireStacked } from './wasm-heap.js';

/**
 * Kernels of this suite's own: the LRP-epsilon scaling of a ReLU's incoming gradient,
 * (dy, z) -> [dy * r, r] with r = relu(z) / (relu(z) + epsilon), and its gradient
 * (g, dy, z, r) -> [g * r, g * dy * (1 - r)^2 / epsilon * step(z)]; and the stabilised
 * denominator z -> z + epsilon sign(z) (sign(0) = +1). dy and g may stack k copies of z's
 * batch ([k B, ...], one per explained class): r and dZ keep z's shape, dZ summing the copies'
 * g * dy before the slope. The engine's lrpScaled and
 * lrpStabilized ops run them when registered and compose them from elementwise ops otherwise.
 */
export const LRP_SCALE_KERNEL = 'IsnetLrpScale';
export const LRP_SCALE_GRAD_KERNEL = 'IsnetLrpScaleGrad';
export const LRP_STABILIZE_KERNEL = 'IsnetLrpStabilize';

const epsilonOf = (attrs: unknown): number => (attrs as { epsilon: number }).epsilon;

const scale: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, z } = inputs as Record<'dy' | 'z', TensorInfo>;
  const copies = requireStacked(LRP_SCALE_KERNEL, { dy }, { z });
  const wasm = backend as BackendWasm;
  const value = wasm.makeOutput(dy.shape, 'float32');
  const r = wasm.makeOutput(z.shape, 'float32');
  nativeAddon().lrpScale(heapView(wasm), { ...heapOffsets(wasm, { dy, z, value, r }), size: util.sizeFromShape(z.shape), copies, epsilon: epsilonOf(attrs) });
  return [value, r];
};

const scaleGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { g, dy, z, r } = inputs as Record<'g' | 'dy' | 'z' | 'r', TensorInfo>;
  const copies = requireStacked(LRP_SCALE_GRAD_KERNEL, { g, dy }, { z, r });
  const wasm = backend as BackendWasm;
  const dDy = wasm.makeOutput(g.shape, 'float32');
  const dZ = wasm.makeOutput(z.shape, 'float32');
  nativeAddon().lrpScaleGrad(heapView(wasm), { ...heapOffsets(wasm, { g, dy, z, r, dDy, dZ }), size: util.sizeFromShape(z.shape), copies, epsilon: epsilonOf(attrs) });
  return [dDy, dZ];
};

// The native unary kernel's op code for the stabiliser (elementwise.h).
const STABILIZE_OP = 4;

const stabilize: KernelFunc = ({ inputs, backend, attrs }) => {
  const { z } = inputs as { z: TensorInfo };
  requireFloat32(LRP_STABILIZE_KERNEL, { z });
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput(z.shape, 'float32');
  nativeAddon().unary(heapView(wasm), { op: STABILIZE_OP, x: heapOffset(wasm, z), out: heapOffset(wasm, out), size: util.sizeFromShape(z.shape), alpha: epsilonOf(attrs) });
  return out;
};

export const lrpScaleConfigs: KernelConfig[] = [
  { kernelName: LRP_SCALE_KERNEL, backendName: 'wasm', kernelFunc: scale },
  { kernelName: LRP_SCALE_GRAD_KERNEL, backendName: 'wasm', kernelFunc: scaleGrad },
  { kernelName: LRP_STABILIZE_KERNEL, backendName: 'wasm', kernelFunc: stabilize },
];
