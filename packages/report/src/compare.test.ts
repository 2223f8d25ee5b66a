import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CellRecord } from '@isnet-bench/harness';
import { describe, expect, it } from 'vitest';
import { compareRecords, DEFAULT_THRESHOLDS, parseThresholds } from './compare.js';

const quick = fileURLToPath(new URL('../../../reports/2026-12-02-quick/results.jsonl', import.meta.url));
const load = async () => (await readFile(quick, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as CellRecord);

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

describe('parseThresholds', () => {
  it('reads points and percent in either order, keeps the default of what is not given, refuses the rest', () => {
    expect(parseThresholds('3pp')).toEqual({ points: 3, relative: DEFAULT_THRESHOLDS.relative });
    expect(parseThresholds('25%, 0.5pp')).toEqual({ points: 0.5, relative: 0.25 });
    expect(() => parseThresholds('2')).toThrow("--threshold: '2' is neither percentage points of a score (e.g. 2pp) nor a relative time change (e.g. 10%)");
    expect(() => parseThresholds('-1pp')).toThrow(/'-1pp'/);
  });
});

describe('compareRecords', () => {
  it('a run against itself: every metric within the threshold, changes zero', async () => {
    const records = await load();
    const deltas = compareRecords(records, records, DEFAULT_THRESHOLDS);
    // Per accuracy cell: 4 scores on 3 splits and the epoch time; per epoch-time cell its time, and its overhead but the standard's.
    const accuracy = records.filter((r) => r.kind === 'accuracy').length;
    const timing = records.filter((r) => r.kind === 'epoch-time');
    expect(deltas).toHaveLength(accuracy * 13 + timing.length + timing.filter((r) => r.label !== 'standard').length);
    expect(deltas.every((d) => d.verdict === 'within' && d.change === 0)).toBe(true);
  });

  it('matches cells by label when ids differ; scores in points, attention the other way, times relative; inside the threshold is not flagged', async () => {
    const baseline = await load();
    const current = (structuredClone(baseline) as Mutable<CellRecord>[]).map((r) => ({ ...r, id: `other-${r.id}` }));
    const standard = current.find((r) => r.kind === 'accuracy' && r.label === 'standard')!;
    standard.evaluation!.splits['unbiased']!.accuracy! -= 0.021;
    standard.evaluation!.splits['confounding']!.accuracy! += 0.03;
    standard.evaluation!.splits['test']!.backgroundAttention! += 0.025;
    // Just inside the threshold of 2 points: not flagged.
    standard.evaluation!.splits['test']!.accuracy! -= 0.0199;
    const original = current.find((r) => r.kind === 'epoch-time' && r.label === 'original' && r.epochTime!.classes === 100)!;
    original.epochTime!.seconds.median *= 1.15;
    const deltas = compareRecords(baseline, current as CellRecord[], DEFAULT_THRESHOLDS);
    const verdicts = deltas.filter((d) => d.verdict !== 'within').map((d) => `${d.cell}: ${d.metric} ${d.verdict} ${d.change!.toFixed(3)}`);
    expect(verdicts.sort()).toEqual([
      'standard · small · mnist-position · seed 1: unbiased accuracy regression -2.100',
      'standard · small · mnist-position · seed 1: test background attention regression 2.500',
      'standard · small · mnist-position · seed 1: confounding accuracy improved 3.000',
      'original · small · mnist-position · seed 1, 100 classes: epoch time regression 0.150',
    ].sort());
  });

  it('names the cells only one side has', async () => {
    const baseline = await load();
    const current = baseline.filter((r) => r.label !== 'stochastic');
    const deltas = compareRecords(baseline, current, DEFAULT_THRESHOLDS);
    const only = deltas.filter((d) => d.verdict === 'only-baseline');
    expect(new Set(only.map((d) => d.cell.split(' · ')[0]))).toEqual(new Set(['stochastic']));
    expect(compareRecords(current, baseline, DEFAULT_THRESHOLDS).filter((d) => d.verdict === 'only-current')).toHaveLength(only.length);
  });

  it('pairs two single-seed runs of a suite across their seeds, and not where a label has several seeds', async () => {
    const baseline = await load();
    const current = (structuredClone(baseline) as Mutable<CellRecord>[]).map((r) => ({ ...r, id: `seed2-${r.id}`, seed: 2 }));
    current.find((r) => r.kind === 'accuracy' && r.label === 'selective')!.evaluation!.splits['confounding']!.accuracy! -= 0.05;
    const deltas = compareRecords(baseline, current as CellRecord[], DEFAULT_THRESHOLDS);
    expect(deltas.filter((d) => d.verdict.startsWith('only'))).toEqual([]);
    expect(deltas.filter((d) => d.verdict !== 'within').map((d) => `${d.cell}: ${d.metric} ${d.verdict}`)).toEqual(['selective · small · mnist-position · seed 2 (baseline: seed 1): confounding accuracy regression']);

    // With seeds 1 and 2 in the baseline, a seed-3 cell has no single counterpart.
    const twoSeeds = [...baseline, ...(current as CellRecord[])];
    const third = (structuredClone(baseline) as Mutable<CellRecord>[]).map((r) => ({ ...r, id: `seed3-${r.id}`, seed: 3 }));
    expect(compareRecords(twoSeeds, third as CellRecord[], DEFAULT_THRESHOLDS).every((d) => d.verdict.startsWith('only'))).toBe(true);
  });
});
