import { broadcast_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { displacedKernel } from './displaced.js';
import { heapOffset, heapView } from './wasm-heap.js';

/** Below this many outputs the wasm kernel is as fast as a call into the addon. */
export const MIN_NATIVE_ELEMENTS = 1 << 15;

const OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;
type BinaryKernel = keyof typeof OPS;

const FULL = 0;
const SCALAR = 1;
const ROW = 2;
const COLUMN = 3;

/**
 * How each operand is read when the output is viewed as rows x inner, or undefined for a
 * broadcast outside the native kernel's patterns: whole, one value, a trailing block repeated
 * for every row (per-channel vectors), a leading block with one value per row (per-image
 * scalars).
 */
export function broadcastPlan(outShape: readonly number[], aShape: readonly number[], bShape: readonly number[]): { rows: number; inner: number; a: number; b: number } | undefined {
  const total = util.sizeFromShape(outShape as number[]);
  const classify = (shape: readonly number[]): { kind: number; inner?: number } | undefined => {
    const size = util.sizeFromShape(shape as number[]);
    if (size === total) return { kind: FULL };
    if (size === 1) return { kind: SCALAR };
    const padded = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
    let first = 0;
    while (padded[first] === 1) first++;
    if (padded.slice(first).every((d, i) => d === outShape[first + i])) return { kind: ROW, inner: size };
    let end = padded.length;
    while (padded[end - 1] === 1) end--;
    if (padded.slice(0, end).every((d, i) => d === outShape[i])) return { kind: COLUMN, inner: total / size };
    return undefined;
  };
  const a = classify(aShape);
  const b = classify(bShape);
  if (!a || !b) return undefined;
  const inners = [a.inner, b.inner].filter((n): n is number => n !== undefined);
  if (inners.some((n) => n !== inners[0])) return undefined;
  const inner = inners[0] ?? total;
  return { rows: total / inner, inner, a: a.kind, b: b.kind };
}

function binaryConfig(kernelName: BinaryKernel): KernelConfig {
  const fallback = displacedKernel(kernelName);
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
    const outShape = broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (util.sizeFromShape(outShape) < MIN_NATIVE_ELEMENTS) return fallback(args);
    const plan = broadcastPlan(outShape, a.shape, b.shape);
    if (!plan) return fallback(args);
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(outShape, 'float32');
    nativeAddon().binary(heapView(backend), {
      op: OPS[kernelName],
      out: heapOffset(backend, out),
      rows: plan.rows,
      inner: plan.inner,
      a: heapOffset(backend, a),
      aBroadcast: plan.a,
      b: heapOffset(backend, b),
      bBroadcast: plan.b,
    });
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

/** Add, Sub, Multiply and RealDiv of float32 tensors, multi-threaded; other cases go to wasm. */
export const binaryConfigs: KernelConfig[] = (Object.keys(OPS) as BinaryKernel[]).map(binaryConfig);
