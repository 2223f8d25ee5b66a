// Shared by the tests: puts the native kernels on 'wasm' and compares results with 'cpu'.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';
import { loadNativeKernels, registerNativeKernels } from './index.js';

/**
 * With ISNET_NATIVE=0 the native kernels are off on purpose: kernel tests are reported as
 * skipped and the load test checks the reason given. Otherwise a missing addon fails them.
 */
export const NATIVE_DISABLED = process.env.ISNET_NATIVE === '0';

/** The largest error allowed: max |wasm - cpu| / max |cpu| over a result. */
export const TOLERANCE = 1e-5;

/** Registers the native kernels and initialises 'wasm'; throws (fails the file) if unavailable. */
export async function useNativeWasm(): Promise<void> {
  const status = loadNativeKernels();
  if (!status.ok) {
    throw new Error(`native kernels unavailable (set ISNET_NATIVE=0 to run without them): ${status.reason}`);
  }
  registerNativeKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error("the 'wasm' backend failed to initialise");
}

/** Reproducible values uniform in [-1, 1) (mulberry32). */
export function randomValues(size: number, seed: number): Float32Array {
  const values = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    values[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return values;
}

/**
 * Runs `build` on a backend and returns the values of the tensors it returns. `build` must
 * create its inputs itself (e.g. from fixed arrays) so both backends see the same data.
 */
export async function valuesOn(backend: 'cpu' | 'wasm', build: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend '${backend}' failed to initialise`);
  const outputs = tf.tidy(build);
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const values = list.map((tensor) => tensor.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}

export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const delta = Math.abs(actual[i]! - expected[i]!);
    // NaN in either makes the comparison fail.
    difference = Number.isNaN(delta) ? Infinity : Math.max(difference, delta);
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? difference : difference / scale;
}

/** Expects the same outputs (within TOLERANCE) on 'wasm' with the native kernels as on 'cpu'. */
export async function expectWasmMatchesCpu(build: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const expected = await valuesOn('cpu', build);
  const actual = await valuesOn('wasm', build);
  expect(actual.length).toBe(expected.length);
  expected.forEach((values, i) => {
    expect(actual[i]!.length, `output ${i} size`).toBe(values.length);
    expect(relativeError(actual[i]!, values), `output ${i} relative error`).toBeLessThanOrEqual(TOLERANCE);
  });
}

let nextSeed = 1;

/** Inputs as fixed arrays, so that a build function recreates identical tensors anywhere. */
export function fixedInputs(shapes: Record<string, number[]>): Record<string, () => tf.Tensor> {
  return Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => {
      const values = randomValues(tf.util.sizeFromShape(shape), nextSeed++);
      return [name, () => tf.tensor(values, shape)];
    }),
  );
}
