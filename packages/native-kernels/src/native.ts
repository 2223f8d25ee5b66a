import { availableParallelism } from 'node:os';
import { requireAddon, type NativeAddon } from './addon.js';

/** Set to 0 to keep the native kernels off (they then report themselves disabled). */
export const NATIVE_ENV = 'ISNET_NATIVE';
/** Thread count of the native kernels; defaults to the cores this process may use. */
export const NATIVE_THREADS_ENV = 'ISNET_NATIVE_THREADS';

export type NativeStatus =
  | { ok: true; threads: number; /** 'avx512f', 'avx2+fma' or 'generic' */ microKernel: string }
  | { ok: false; reason: string };

let addon: NativeAddon | undefined;
let threads = 0;

/**
 * Loads the native addon (once) and sizes its thread pool from ISNET_NATIVE_THREADS, or the
 * available cores. Never throws: when the addon cannot be used, the reason says why.
 */
export function loadNativeKernels(): NativeStatus {
  if (process.env[NATIVE_ENV] === '0') return { ok: false, reason: `disabled by ${NATIVE_ENV}=0` };
  try {
    if (!addon) {
      const loaded = requireAddon();
      threads = loaded.setThreads(defaultThreads());
      addon = loaded;
    }
    return { ok: true, threads, microKernel: addon.microKernel() };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Resizes the native thread pool; returns the new thread count. */
export function setNativeThreads(count: number): number {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`native thread count must be a positive integer, got ${count}`);
  }
  threads = nativeAddon().setThreads(count);
  return threads;
}

/** The loaded addon, for the kernels; they are registered only after a successful load. */
export function nativeAddon(): NativeAddon {
  if (!addon) throw new Error('native kernels are not loaded: call loadNativeKernels() first');
  return addon;
}

function defaultThreads(): number {
  const text = process.env[NATIVE_THREADS_ENV];
  if (text === undefined || text === '') return availableParallelism();
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`${NATIVE_THREADS_ENV} must be a positive integer, got '${text}'`);
  }
  return count;
}
