import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initEngine, type EngineReport } from '@isnet-bench/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuite } from './suite.js';
import { runSuite } from './suite-run.js';

describe('shortcut diagnostics in a suite (real MNIST, tiny subset)', () => {
  let root: string;
  let engine: EngineReport;

  beforeAll(async () => {
    engine = await initEngine({ backend: 'wasm' });
    root = await mkdtemp(join(tmpdir(), 'isnet-diagnostics-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores evaluation.diagnostics for each paired split, agreeing with the test splits on the same images; cells without the option have none', async () => {
    const base = {
      name: 'diagnostics-probe',
      datasets: { digits: { kind: 'mnist-bias', options: { bias: 'position', trainCount: 128, validationCount: 32, testCount: 40 } } },
      methods: [{ method: 'standard' }],
      backbones: ['tiny'],
    };
    const train = { epochs: 1, batchSize: 32 };
    const plain = parseSuite({ ...base, accuracy: { train, evaluation: { batchSize: 40 } } }, 'plain.json');
    const diagnosed = parseSuite({ ...base, accuracy: { train, evaluation: { batchSize: 40, diagnostics: { limit: 1000, steps: 8, layers: 'all', batchSize: 16 } } } }, 'diagnosed.json');
    const dataCache = join(root, 'cache');
    const without = await runSuite(plain, { out: join(root, 'plain'), dataCache, engine });
    const withDiagnostics = await runSuite(diagnosed, { out: join(root, 'diagnosed'), dataCache, engine });

    expect(without.records[0]!.evaluation!.diagnostics).toBeUndefined();
    expect(Object.keys(without.records[0]!.evaluation!)).toEqual(['splits']);
    const { evaluation } = withDiagnostics.records[0]!;
    const diagnostics = evaluation!.diagnostics!;
    expect(diagnostics.settings.steps).toBe(8);
    expect(diagnostics.pairs.map((p) => [p.withArtifact, p.withoutArtifact, p.count])).toEqual([
      ['test', 'unbiased', 40],
      ['confounding', 'unbiased', 40],
    ]);
    // Every image carries an artifact (bias strength 1): the pairs' accuracies are the splits'.
    const [test, confounding] = diagnostics.pairs;
    expect(test!.accuracyWith).toBeCloseTo(evaluation!.splits['test']!.accuracy!, 12);
    expect(test!.accuracyWithout).toBeCloseTo(evaluation!.splits['unbiased']!.accuracy!, 12);
    expect(confounding!.accuracyWith).toBeCloseTo(evaluation!.splits['confounding']!.accuracy!, 12);
    for (const pair of diagnostics.pairs) {
      expect(pair.layers.length).toBeGreaterThan(1);
      for (const layer of pair.layers) expect(layer.offShare! + layer.onShare! + layer.bothShare!).toBeCloseTo(1, 1);
      expect(pair.heatmaps.map((h) => h.quantity)).toEqual(['label', 'predicted']);
    }
    // The same training, with or without diagnostics: the diagnostics change only the evaluation.
    expect(withDiagnostics.records[0]!.evaluation!.splits).toEqual(without.records[0]!.evaluation!.splits);
    expect(withDiagnostics.cells[0]!.id).not.toBe(without.cells[0]!.id);
  });
});
