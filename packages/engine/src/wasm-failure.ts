import * as tf from '@tensorflow/tfjs';

/** The largest wasm heap (wasm32 addresses); the backend's memory grows up to it. */
const WASM_HEAP_LIMIT = 4 * 2 ** 30;
const TRAP = /\bAborted\(|memory access out of bounds/;

/**
 * The wasm backend trapped or aborted: its module is unusable afterwards. With the heap at
 * its 4 GiB limit this is a failed allocation (an ISNet step keeps the forward activations,
 * the LRP backward pass and their saved tensors alive at once), and the message says what to
 * change; otherwise it reports the trap as it is.
 */
export class WasmFailureError extends Error {
  override name = 'WasmFailureError';
  constructor(trap: string, heapBytes: number | undefined, cause: unknown) {
    const full = heapBytes !== undefined && heapBytes >= WASM_HEAP_LIMIT - 64 * 2 ** 20;
    super(
      full
        ? `the wasm backend ran out of memory ('${trap}' with its heap at the 4 GiB limit): ` +
            'lower --batch, use a smaller model, or install @tensorflow/tfjs-node (ISNET_BACKEND=tensorflow)'
        : `the wasm backend failed: '${trap}'`,
      { cause },
    );
  }
}

/** A WasmFailureError for an error (possibly wrapped, as the harness wraps it) that is a wasm trap. */
export function wasmFailure(error: unknown, heapBytes = currentWasmHeapBytes()): WasmFailureError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof WasmFailureError) return e;
    const trap = TRAP.exec(e.message);
    if (trap) return new WasmFailureError(trap[0].startsWith('Aborted') ? 'Aborted()' : trap[0], heapBytes, error);
  }
  return undefined;
}

function currentWasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  return (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length;
}
