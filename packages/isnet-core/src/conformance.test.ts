import * as tf from '@tensorflow/tfjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { heatmapLoss, isnetLoss, parseIsnetLossParams } from './index.js';

// The reference values computed with the authors' PyTorch code in float32 (fixtures/README.md).
const FIXTURE_DIR = process.env.ISNET_FIXTURES ?? fileURLToPath(new URL('../../../fixtures/conformance/', import.meta.url));

interface Stored {
  shape: number[];
  data: number[];
}

interface LossCase {
  kind: 'isnet-loss';
  heatmaps: string;
  quantity: string;
  foreground: 'L2' | 'hybrid';
  P: number;
  d: number;
  E: number;
  A: number;
  B: number;
  C1: number;
  C2: number;
  heatmap: Stored;
  classificationLoss: number;
  heatmapLoss: number;
  totalLoss: number;
}

interface Fixture {
  mask: Stored;
  labels: number[];
  logits: Stored;
  cases: Array<LossCase | { kind: string }>;
}

const fixtures = readdirSync(FIXTURE_DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, fixture: JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as Fixture }));

const cases = fixtures.flatMap(({ name, fixture }) =>
  fixture.cases
    .filter((c): c is LossCase => c.kind === 'isnet-loss')
    .map((c, i) => ({ label: `${name} #${i} ${c.heatmaps} ${c.quantity} ${c.foreground} C1=${c.C1} C2=${c.C2}`, fixture, c })),
);

const stored = ({ data, shape }: Stored): tf.Tensor => tf.tensor(data, shape);
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describe.each(['cpu', 'wasm'])('ISNet loss against the reference fixtures on %s', (backend) => {
  beforeAll(async () => {
    // Loaded here, not by a static import: the engine builds tensors when it is imported,
    // which fails if wasm (registered with a higher priority than cpu) is not initialised yet.
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('finds loss cases in both fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(2);
    for (const { fixture } of fixtures) expect(fixture.cases.some((c) => c.kind === 'isnet-loss')).toBe(true);
  });

  it.each(cases)('$label', ({ fixture, c }) => {
    const params = parseIsnetLossParams({ P: c.P, d: c.d, E: c.E, A: c.A, B: c.B, C1: c.C1, C2: c.C2, foreground: c.foreground });
    const result = tf.tidy(() => {
      // PyTorch layouts to the suite's: heatmaps [N, maps, C, H, W] -> [N, maps, H, W, C], masks NCHW -> NHWC.
      const heatmaps = tf.transpose(stored(c.heatmap), [0, 1, 3, 4, 2]) as tf.Tensor5D;
      const masks = tf.transpose(stored(fixture.mask), [0, 2, 3, 1]);
      const heatmap = heatmapLoss(heatmaps, masks, params).total;
      const loss = isnetLoss({ logits: stored(fixture.logits), labels: tf.tensor1d(fixture.labels, 'int32'), heatmapLoss: heatmap, P: params.P });
      return { heatmap: heatmap.dataSync()[0]!, classification: loss.classification.dataSync()[0]!, total: loss.total.dataSync()[0]! };
    });
    expect(relative(result.heatmap, c.heatmapLoss)).toBeLessThan(1e-5);
    expect(relative(result.classification, c.classificationLoss)).toBeLessThan(1e-5);
    expect(relative(result.total, c.totalLoss)).toBeLessThan(1e-5);
  });
});
