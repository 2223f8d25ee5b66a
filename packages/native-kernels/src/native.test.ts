import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNativeKernels, NATIVE_ENV, NATIVE_THREADS_ENV, registerNativeKernels, setNativeThreads } from './index.js';
import { NATIVE_DISABLED } from './test-support.js';

describe('loadNativeKernels', () => {
  const saved = process.env[NATIVE_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[NATIVE_ENV];
    else process.env[NATIVE_ENV] = saved;
  });

  it.runIf(NATIVE_DISABLED)('reports the kernels disabled by ISNET_NATIVE=0, and registering fails', () => {
    expect(loadNativeKernels()).toEqual({ ok: false, reason: 'disabled by ISNET_NATIVE=0' });
    expect(() => registerNativeKernels()).toThrow('native kernels unavailable: disabled by ISNET_NATIVE=0');
  });

  it.skipIf(NATIVE_DISABLED)('loads the addon with ISNET_NATIVE_THREADS threads, or one per core', () => {
    const status = loadNativeKernels();
    if (!status.ok) throw new Error(`the native addon must load (or set ISNET_NATIVE=0): ${status.reason}`);
    const configured = process.env[NATIVE_THREADS_ENV];
    expect(status.threads).toBe(configured ? Number(configured) : availableParallelism());
    expect(['avx512f', 'avx2+fma', 'generic']).toContain(status.microKernel);
  });

  it.skipIf(NATIVE_DISABLED)('reports disabled once ISNET_NATIVE=0 is set, even after loading', () => {
    expect(loadNativeKernels().ok).toBe(true);
    process.env[NATIVE_ENV] = '0';
    expect(loadNativeKernels()).toEqual({ ok: false, reason: 'disabled by ISNET_NATIVE=0' });
  });

  it.skipIf(NATIVE_DISABLED)('resizes the thread pool and refuses invalid counts', () => {
    const status = loadNativeKernels();
    if (!status.ok) throw new Error(status.reason);
    expect(setNativeThreads(1)).toBe(1);
    expect(loadNativeKernels()).toMatchObject({ ok: true, threads: 1 });
    expect(() => setNativeThreads(0)).toThrow(RangeError);
    expect(() => setNativeThreads(1.5)).toThrow(RangeError);
    expect(setNativeThreads(status.threads)).toBe(status.threads);
  });
});
