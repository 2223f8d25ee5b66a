import { describe, expect, it } from 'vitest';
import type { CellRecord } from '@isnet-bench/harness';
import type { LayerRoutes, PairDiagnostics, ShortcutDiagnostics } from '@isnet-bench/evaluation';
import { formatSummary } from './summary.js';

const split = { count: 10, accuracy: 0.9, macroF1: 0.9, auc: 0.99, aucSkippedClasses: [], confusionMatrix: [], heatmapCount: 10, backgroundAttention: 0.03, backgroundToForegroundRatio: 0.1, heatmapsWithoutRelevance: 0, ratioExcluded: 0 };

function layer(name: string, offShare: number): LayerRoutes {
  return { layer: name, units: 8, unitsOff: 1, unitsOn: 1, unitsBoth: 2, off: offShare, on: 0, both: 1 - offShare, offShare, onShare: 0, bothShare: 1 - offShare, meanResidual: 0, maxResidual: 0 };
}

function pair(withArtifact: string, logitChange: number, offShare: number, share: number): PairDiagnostics {
  return {
    withArtifact,
    withoutArtifact: 'unbiased',
    count: 300,
    withoutArtifactSkipped: 0,
    accuracyWith: 0.5,
    accuracyWithout: 0.9,
    logitChange,
    probabilityChange: -0.1,
    layers: [layer('stage3', 0.1), layer('stage4', offShare)],
    artifactArea: 0.0204,
    heatmaps: [
      { quantity: 'label', share: 0.5, withoutRelevance: 0 },
      { quantity: 'predicted', share, withoutRelevance: 0 },
    ],
  };
}

function record(label: string, diagnostics?: ShortcutDiagnostics): CellRecord {
  return {
    format: 'isnet-bench-result',
    version: 1,
    id: label,
    suite: 's',
    kind: 'accuracy',
    label,
    method: label,
    methodConfig: {},
    backbone: 'resnet18-imagenet',
    backboneOptions: {},
    seed: 1,
    dataset: { name: 'digits', fingerprint: 'f', classes: 10 },
    training: { epochs: 3, bestEpoch: 2, bestMetric: 0.1, selectedBy: 'loss', steps: 9, trainImages: 30, epochSeconds: { median: 1, min: 1, max: 1, samples: [1] } },
    evaluation: { splits: { test: split, unbiased: split, confounding: split }, ...(diagnostics ? { diagnostics } : {}) },
    environment: { commit: null, node: 'v20', tfjs: '4', backend: 'wasm', native: { ok: true, threads: 2 }, cpu: 'cpu', cores: 2, platform: 'linux' },
    started: '2026-12-02T00:00:00.000Z',
    finished: '2026-12-02T00:00:01.000Z',
  };
}

describe('formatSummary', () => {
  it("adds a diagnostics table: per record and artifact split, the logit change, the deepest layer's off-route share and the predicted heatmap's artifact share", () => {
    const diagnostics = { settings: { steps: 16, epsilon: 0.01, zb: true, bounds: [0, 1] as [number, number] }, pairs: [pair('test', 3.214, 0.625, 0.012), pair('confounding', -7.5, 0.8, 0.02)] };
    const text = formatSummary([record('standard'), record('selective', diagnostics)]);
    const lines = text.split('\n');
    const header = lines.find((l) => l.includes('off-route %'))!;
    expect(header).toMatch(/artifact split\s+pairs\s+logit change\s+off-route %\s+layer\s+artifact heatmap %\s+area %/);
    const rows = lines.filter((l) => l.startsWith('selective ') && l.includes('stage4'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/test\s+300\s+\+3\.21\s+62\.5\s+stage4\s+1\.2\s+2\.0$/);
    expect(rows[1]).toMatch(/confounding\s+300\s+-7\.50\s+80\.0\s+stage4\s+2\.0\s+2\.0$/);
    // The record without diagnostics has no row there.
    expect(lines.filter((l) => l.startsWith('standard ') && l.includes('stage4'))).toHaveLength(0);
  });

  it('prints no diagnostics table when no record has diagnostics', () => {
    expect(formatSummary([record('standard')])).not.toContain('off-route');
  });
});
