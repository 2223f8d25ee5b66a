import { describe, expect, it } from 'vitest';
import { BACKEND_ENV, chooseBackend } from './backend.js';
import { initEngine } from './engine.js';

describe('backend choice', () => {
  it('names an unknown backend and the choices', async () => {
    await expect(chooseBackend('gpu', {})).rejects.toThrow("unknown backend 'gpu' (from option); choose one of: tensorflow, wasm, cpu");
  });

  it('names the environment variable when it is the source of a bad name', async () => {
    await expect(chooseBackend(undefined, { [BACKEND_ENV]: 'cuda' })).rejects.toThrow(`from environment ${BACKEND_ENV}`);
  });

  it('refuses a forced backend that cannot load, listing the available ones', async () => {
    const choice = chooseBackend('tensorflow', {});
    await expect(choice).rejects.toThrow(/backend 'tensorflow' \(forced by option\) cannot be used: .*available: wasm, cpu/);
  });

  it('honours the environment variable and reports why', async () => {
    const report = await initEngine({ env: { [BACKEND_ENV]: 'cpu' } });
    expect(report.backend).toBe('cpu');
    expect(report.reason).toBe(`forced by environment ${BACKEND_ENV}`);
  });

  it('picks the fastest available backend by default', async () => {
    const report = await initEngine({ env: {} });
    expect(['tensorflow', 'wasm']).toContain(report.backend);
    expect(report.reason).toMatch(/^fastest available/);
    expect(report.kernels.length).toBeGreaterThan(0);
  });
});
