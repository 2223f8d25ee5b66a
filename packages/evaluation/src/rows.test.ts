import { describe, expect, it } from 'vitest';
import type { SplitEvaluation } from './evaluate.js';
import { evaluationRows, METRIC_COLUMNS } from './rows.js';

const split: SplitEvaluation = {
  count: 4,
  accuracy: 0.75,
  macroF1: 0.6,
  auc: 0.9,
  aucSkippedClasses: [2, 5],
  confusionMatrix: [
    [1, 0],
    [1, 2],
  ],
  heatmapCount: 4,
  backgroundAttention: 0.25,
  backgroundToForegroundRatio: null,
  heatmapsWithoutRelevance: 0,
  ratioExcluded: 4,
};

describe('evaluationRows', () => {
  it('writes one flat row per split: context, split, then the metric columns', () => {
    const rows = evaluationRows({ splits: { test: split, unbiased: { ...split, count: 2 } } }, { method: 'selective', dataset: 'mnist-bias', seed: 3, epochs: 10 });
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0])).toEqual(['method', 'dataset', 'seed', 'epochs', 'split', ...METRIC_COLUMNS]);
    expect(rows[0]).toMatchObject({ method: 'selective', split: 'test', accuracy: 0.75, aucSkippedClasses: '2;5', backgroundToForegroundRatio: null });
    expect(rows[1]).toMatchObject({ split: 'unbiased', count: 2 });
  });

  it('refuses a context column that would overwrite a metric', () => {
    expect(() => evaluationRows({ splits: { test: split } }, { method: 'm', dataset: 'd', seed: 0, accuracy: 1 })).toThrow(/'accuracy' clashes/);
  });
});
