import { describe, expect, it } from 'vitest';
import { wasmFailure, WasmFailureError } from './wasm-failure.js';

const FULL = 4 * 2 ** 30 - 2 ** 16;

describe('wasmFailure', () => {
  it('recognises wasm traps, also wrapped or as a cause', () => {
    const abort = new WebAssembly.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
    const outOfBounds = new WebAssembly.RuntimeError('memory access out of bounds');
    expect(wasmFailure(abort, FULL)).toBeInstanceOf(WasmFailureError);
    expect(wasmFailure(new Error(`no timing for selective at C=10: ${String(outOfBounds)}`), FULL)).toBeInstanceOf(WasmFailureError);
    expect(wasmFailure(new Error('step failed', { cause: abort }), FULL)).toBeInstanceOf(WasmFailureError);
  });

  it('blames memory only when the heap is at its 4 GiB limit', () => {
    const trap = new WebAssembly.RuntimeError('memory access out of bounds');
    expect(wasmFailure(trap, FULL)!.message).toMatch(/ran out of memory \('memory access out of bounds' with its heap at the 4 GiB limit\).*lower --batch.*tfjs-node/);
    expect(wasmFailure(trap, 2 ** 30)!.message).toBe("the wasm backend failed: 'memory access out of bounds'");
    expect(wasmFailure(trap, undefined)!.message).toBe("the wasm backend failed: 'memory access out of bounds'");
  });

  it('leaves other errors alone', () => {
    expect(wasmFailure(new WebAssembly.RuntimeError('unreachable'), FULL)).toBeUndefined();
    expect(wasmFailure(new Error('aborted by the user'), FULL)).toBeUndefined();
    expect(wasmFailure('Aborted()', FULL)).toBeUndefined();
  });
});
