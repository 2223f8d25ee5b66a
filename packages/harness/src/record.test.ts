import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, RESULT_FORMAT, RESULT_VERSION, resultsCsv, resultsJsonl, spread, withoutTiming, type CellRecord } from './record.js';

const split = (accuracy: number, attention: number | null) => ({
  count: 10, accuracy, macroF1: accuracy, auc: null, aucSkippedClasses: [3], confusionMatrix: [[1]], heatmapCount: 10,
  backgroundAttention: attention, backgroundToForegroundRatio: null, heatmapsWithoutRelevance: 0, ratioExcluded: 0,
});
const environment = { commit: 'abc', node: 'v20', tfjs: '4.22.0', backend: 'wasm', native: { ok: true, threads: 2 }, cpu: 'Xeon, "fast"', cores: 2, platform: 'linux x64' };
const base = { format: RESULT_FORMAT, version: RESULT_VERSION, suite: 's', backboneOptions: {}, seed: 1, methodConfig: {}, environment, started: '2026-12-02T10:00:00.000Z', finished: '2026-12-02T10:01:00.000Z' } as const;
const accuracy: CellRecord = {
  ...base, id: 'a1', kind: 'accuracy', label: 'selective', method: 'selective', backbone: 'tiny', dataset: { name: 'digits', fingerprint: 'f', classes: 10 },
  training: { epochs: 2, bestEpoch: 1, bestMetric: 0.9, steps: 20, trainImages: 320, epochSeconds: spread([3, 1]) },
  evaluation: { splits: { test: split(0.9, 0.1), unbiased: split(0.5, null) } },
};
const timing: CellRecord = {
  ...base, id: 't1', kind: 'epoch-time', label: 'original', method: 'original', backbone: 'tiny', dataset: { name: 'digits', fingerprint: 'f', classes: 100 },
  epochTime: { classes: 100, images: 256, batchSize: 64, stepsPerEpoch: 4, measuredSteps: 2, extrapolated: true, seconds: spread([4, 2, 3]), standardSeconds: 0.5, overhead: 6 },
};

describe('results files', () => {
  it('spread: median (mean of the middle two for an even count), range and samples', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, samples: [3, 1, 2] });
    expect(spread([4, 1, 2, 3]).median).toBe(2.5);
  });

  it('results.jsonl: one record a line, parseable back to the records', () => {
    const lines = resultsJsonl([accuracy, timing]).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([accuracy, timing]);
  });

  it('results.csv: the documented columns; a row per test split of an accuracy cell, one per epoch-time cell', () => {
    const rows = parse(resultsCsv([accuracy, timing]), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(CSV_COLUMNS);
    expect(rows.map((r) => `${r['id']}:${r['split']}`)).toEqual(['a1:test', 'a1:unbiased', 't1:']);
    expect(rows[0]).toMatchObject({ method: 'selective', accuracy: '0.9', backgroundAttention: '0.1', aucSkippedClasses: '3', epochSecondsMedian: '2', epochs: '2', classes: '10', cpu: 'Xeon, "fast"', native: 'true' });
    expect(rows[1]!['backgroundAttention']).toBe('');
    expect(rows[2]).toMatchObject({ classes: '100', extrapolated: 'true', overheadVsStandard: '6', epochSecondsMedian: '3', accuracy: '', trainImages: '256' });
  });

  it('withoutTiming drops exactly the wall-clock fields', () => {
    const later = { ...timing, started: 'x', finished: 'y', epochTime: { ...timing.epochTime!, seconds: spread([9]), standardSeconds: 1, overhead: 9 } };
    expect(withoutTiming(later)).toEqual(withoutTiming(timing));
    expect(withoutTiming({ ...timing, epochTime: { ...timing.epochTime!, extrapolated: false } })).not.toEqual(withoutTiming(timing));
    expect(withoutTiming({ ...accuracy, training: { ...accuracy.training!, epochSeconds: spread([7]) } })).toEqual(withoutTiming(accuracy));
    expect(withoutTiming({ ...accuracy, training: { ...accuracy.training!, bestEpoch: 0 } })).not.toEqual(withoutTiming(accuracy));
  });
});
