import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAddon, type NativeAddon } from './addon.js';
import { NO_EPILOGUE } from './kernels/epilogue.js';
import { loadNativeKernels } from './native.js';
import { NATIVE_DISABLED, randomValues, relativeError, TOLERANCE } from './test-support.js';

// The addon tested without tfjs: its contract with the wasm heap (any Uint8Array, including one
// over a SharedArrayBuffer as the threaded wasm build uses; every tensor inside it), and every
// micro-kernel the CPU supports, since the tfjs-level tests only run the fastest.
describe.skipIf(NATIVE_DISABLED)('native addon', () => {
  let addon: NativeAddon;
  beforeAll(() => {
    const status = loadNativeKernels();
    if (!status.ok) throw new Error(`the native addon must load (or set ISNET_NATIVE=0): ${status.reason}`);
    addon = requireAddon();
  });
  afterAll(() => addon?.selectMicroKernel(addon.microKernels()[0]!));

  /** Byte offsets of a, b and the output of an m x k by k x n product laid out in a heap. */
  function layout(m: number, k: number, n: number) {
    const a = 64;
    const b = a + 4 * m * k;
    const out = b + 4 * k * n;
    return { a, b, out, bytes: out + 4 * m * n };
  }

  function matmulArgs(m: number, k: number, n: number, offsets: { a: number; b: number; out: number }) {
    return {
      ...offsets,
      m,
      n,
      k,
      transposeA: false,
      transposeB: false,
      aBatches: 1,
      bBatches: 1,
      aBatch: new Int32Array([0]),
      bBatch: new Int32Array([0]),
      ...NO_EPILOGUE,
    };
  }

  /** Multiplies random matrices in place in `buffer`; returns the product and a reference. */
  function multiply(buffer: ArrayBufferLike, m: number, k: number, n: number) {
    const offsets = layout(m, k, n);
    const a = randomValues(m * k, m + k);
    const b = randomValues(k * n, k + n);
    new Float32Array(buffer, offsets.a, m * k).set(a);
    new Float32Array(buffer, offsets.b, k * n).set(b);
    addon.batchMatMul(new Uint8Array(buffer), matmulArgs(m, k, n, offsets));
    const expected = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
        expected[i * n + j] = sum;
      }
    }
    return { actual: new Float32Array(buffer, offsets.out, m * n), expected };
  }

  it.each([
    { kind: 'ArrayBuffer', buffer: new ArrayBuffer(layout(5, 7, 19).bytes) },
    { kind: 'SharedArrayBuffer', buffer: new SharedArrayBuffer(layout(5, 7, 19).bytes) },
  ])('multiplies in place in a heap over an $kind', ({ buffer }) => {
    const { actual, expected } = multiply(buffer, 5, 7, 19);
    expect(relativeError(actual, expected)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('runs every micro-kernel this CPU supports correctly', () => {
    const names = addon.microKernels();
    expect(names).toContain('generic');
    // Full and partial tiles, odd depths, and depths spanning several k-blocks.
    const shapes = [
      [12, 256, 32],
      [5, 7, 19],
      [6, 1, 16],
      [13, 301, 37],
    ] as const;
    for (const name of names) {
      addon.selectMicroKernel(name);
      expect(addon.microKernel()).toBe(name);
      for (const [m, k, n] of shapes) {
        const { actual, expected } = multiply(new ArrayBuffer(layout(m, k, n).bytes), m, k, n);
        expect(relativeError(actual, expected), `${name}, ${m}x${k}x${n}`).toBeLessThanOrEqual(TOLERANCE);
      }
    }
    expect(() => addon.selectMicroKernel('no-such-kernel')).toThrow(TypeError);
  });

  it('refuses tensors that do not lie inside the heap', () => {
    const offsets = layout(5, 7, 19);
    const heap = new Uint8Array(offsets.bytes);
    const args = (changed: Partial<typeof offsets>) => matmulArgs(5, 7, 19, { ...offsets, ...changed });
    expect(() => addon.batchMatMul(heap, args({ out: offsets.out + 4 }))).toThrow(/out: .* lie outside the wasm heap/);
    expect(() => addon.batchMatMul(heap, args({ a: -4 }))).toThrow(RangeError);
    expect(() => addon.batchMatMul(heap, args({ b: offsets.b + 2 }))).toThrow(/outside the wasm heap/);
  });

  it('refuses a heap that is not a Uint8Array', () => {
    const offsets = layout(5, 7, 19);
    expect(() => addon.batchMatMul(new Float32Array(offsets.bytes / 4) as never, matmulArgs(5, 7, 19, offsets))).toThrow(TypeError);
  });
});
