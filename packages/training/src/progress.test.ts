import { describe, expect, it } from 'vitest';
import { formatProgress } from './progress.js';

describe('formatProgress', () => {
  it('prints a step on one line, 1-based, with the moving-average losses', () => {
    const line = formatProgress({
      kind: 'step', epoch: 2, epochs: 10, batch: 39, batches: 469, step: 978, lr: 0.01,
      loss: 0.421349, parts: { classification: 0.30123, heatmap: 0.12012 }, gradientNorm: 0.7, imagesPerSecond: 811.6, etaSeconds: 723.4,
    });
    expect(line).toBe('epoch 3/10 batch 40/469 | loss 0.4213 (classification 0.3012, heatmap 0.1201) | lr 0.01 | 812 img/s | eta 12m03s');
  });

  it('prints an epoch summary with its timing and validation', () => {
    const line = formatProgress({
      kind: 'epoch', epochs: 10, epoch: 0, lr: 0.01, batches: 469, images: 60000, loss: 0.5, parts: {},
      trainSeconds: 41.23, imagesPerSecond: 1455.2, validation: { metric: 0.97312, details: null, seconds: 3.14 }, best: true,
    });
    expect(line).toBe('epoch 1/10 done | loss 0.5 | 41.2s, 1455 img/s | validation 0.9731 (best) in 3.1s');
  });
});
