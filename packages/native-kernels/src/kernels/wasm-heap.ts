import { util, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Byte offset of a tensor's data in the wasm heap. Offsets stay valid when the wasm memory
 * grows; only views of the memory are invalidated.
 */
export function heapOffset(backend: BackendWasm, tensor: TensorInfo): number {
  return backend.dataIdMap.get(tensor.dataId).memoryOffset;
}

/** The heap offset of each named tensor, by the names the native kernel takes them under. */
export function heapOffsets<Name extends string>(backend: BackendWasm, tensors: Record<Name, TensorInfo>): Record<Name, number> {
  return Object.fromEntries(Object.entries<TensorInfo>(tensors).map(([name, tensor]) => [name, heapOffset(backend, tensor)])) as Record<Name, number>;
}

/**
 * The whole wasm heap as bytes. Take it only after makeOutput: allocating the output can grow
 * the wasm memory, which detaches the previous buffer (emscripten then replaces HEAPU8). In
 * the threaded wasm build the buffer is a SharedArrayBuffer, which the addon accepts as well.
 */
export function heapView(backend: BackendWasm): Uint8Array {
  return backend.wasm.HEAPU8;
}

export function requireFloat32(kernel: string, tensors: Record<string, TensorInfo | undefined>): void {
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor && tensor.dtype !== 'float32') {
      throw new Error(`${kernel} (native kernels): ${name} must be float32, got ${tensor.dtype}`);
    }
  }
}

export function requireNHWC(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`${kernel} (native kernels): only dataFormat 'NHWC' is supported, got '${dataFormat}'`);
  }
}

export function requireRank(kernel: string, name: string, shape: readonly number[], rank: number): void {
  if (shape.length !== rank) {
    throw new Error(`${kernel} (native kernels): ${name} must have rank ${rank}, got shape [${shape}]`);
  }
}

export function requireShape(kernel: string, name: string, shape: readonly number[], expected: readonly number[]): void {
  if (shape.length !== expected.length || shape.some((dim, i) => dim !== expected[i])) {
    throw new Error(`${kernel} (native kernels): ${name} has shape [${shape}], expected [${expected}]`);
  }
}

/** Elementwise operands: all float32 and of the first one's shape (named in errors as given). */
export function requireElementwise(kernel: string, operands: Record<string, TensorInfo>): void {
  requireFloat32(kernel, operands);
  const [[, reference], ...others] = Object.entries(operands);
  for (const [name, t] of others) requireShape(kernel, name, t.shape, reference!.shape);
}

/**
 * Class-stacked operands: every stacked one of the first stacked one's shape [k B, ...], every
 * shared one of the first shared one's shape [B, ...] (all float32). Returns k, the copies.
 */
export function requireStacked(kernel: string, stacked: Record<string, TensorInfo>, shared: Record<string, TensorInfo>): number {
  requireElementwise(kernel, stacked);
  requireElementwise(kernel, shared);
  const [[stackedName, outer]] = Object.entries(stacked) as [[string, TensorInfo]];
  const [[sharedName, inner]] = Object.entries(shared) as [[string, TensorInfo]];
  const batch = inner.shape[0] ?? 1;
  const copies = batch === 0 ? 1 : (outer.shape[0] ?? 1) / batch;
  if (!Number.isInteger(copies) || copies < 1 || outer.shape.length !== inner.shape.length || outer.shape.some((d, i) => i > 0 && d !== inner.shape[i])) {
    throw new Error(`${kernel} (native kernels): ${stackedName} [${outer.shape}] must stack copies of ${sharedName}'s batch [${inner.shape}] along the first axis`);
  }
  return copies;
}

/** A shape as rows x its last axis (a scalar as one row of one), as the row-wise kernels take it. */
export function lastAxisLayout(shape: readonly number[]): { rows: number; columns: number } {
  const columns = shape[shape.length - 1] ?? 1;
  return { rows: columns === 0 ? 0 : util.sizeFromShape(shape as number[]) / columns, columns };
}
