import { initEngine } from '@isnet-bench/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { GateSettings } from './baseline.js';
import type { Figure } from './figures.js';
import { measureFigures } from './measure.js';

// No timing is asserted: only that every figure is there, and that the counted ones repeat exactly.
describe('measureFigures', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'wasm' });
  });

  const options = {
    backbones: ['tiny'] as const,
    methods: ['selective'],
    settings: GateSettings.parse({ batch: 4, inputShape: [12, 12, 1], classes: 3, warmupSteps: 1, rounds: 3, minSampleMs: 1 }),
    perf: { ok: false, reason: 'perf stat: instructions <not supported>' } as const,
  };
  const counted = (figures: readonly Figure[]) => figures.filter((f) => f.figure !== 'step-ratio').map(({ method, figure, value }) => ({ method, figure, value }));

  it('measures the standard classifier and each method; counts repeat exactly from run to run', async () => {
    const first = (await measureFigures(options))!;
    expect(first.map((f) => `${f.backbone}/${f.method}/${f.figure}`)).toEqual([
      'tiny/standard/kernels',
      'tiny/standard/allocated',
      'tiny/standard/peak',
      'tiny/standard/instructions',
      'tiny/selective/kernels',
      'tiny/selective/allocated',
      'tiny/selective/peak',
      'tiny/selective/instructions',
      'tiny/selective/step-ratio',
    ]);
    const value = (method: string, figure: string) => first.find((f) => f.method === method && f.figure === figure)!.value!;
    expect(value('standard', 'kernels')).toBeGreaterThan(10);
    // The ISNet's step runs the classifier's forward and backward pass and LRP besides.
    expect(value('selective', 'kernels')).toBeGreaterThan(value('standard', 'kernels'));
    expect(value('selective', 'allocated')).toBeGreaterThan(value('standard', 'allocated'));
    expect(value('selective', 'peak')).toBeGreaterThan(0);
    expect(value('selective', 'peak')).toBeLessThanOrEqual(value('selective', 'allocated'));
    expect(first.find((f) => f.figure === 'instructions')).toMatchObject({ value: null, reason: 'perf stat: instructions <not supported>' });
    const ratio = first.find((f) => f.figure === 'step-ratio')!;
    expect(ratio.spread?.n).toBe(3);
    expect(ratio.value).toBeGreaterThan(0);
    expect(ratio.spread!.q1).toBeLessThanOrEqual(ratio.value!);
    expect(ratio.spread!.q3).toBeGreaterThanOrEqual(ratio.value!);

    expect(counted((await measureFigures(options))!)).toEqual(counted(first));
  });

  it('stops between steps when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await measureFigures({ ...options, signal: controller.signal })).toBeUndefined();
  });
});
