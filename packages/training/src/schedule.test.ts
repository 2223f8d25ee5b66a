import { describe, expect, it } from 'vitest';
import { learningRate } from './schedule.js';

const perEpoch = (schedule: Parameters<typeof learningRate>[1], epochs: number) => Array.from({ length: epochs }, (_, epoch) => learningRate(0.1, schedule, epoch, epochs));

describe('learningRate', () => {
  it('is constant, steps by gamma every N epochs, or follows a cosine to 0 over the run', () => {
    expect(perEpoch({ kind: 'constant' }, 3)).toEqual([0.1, 0.1, 0.1]);
    const step = perEpoch({ kind: 'step', everyEpochs: 2, gamma: 0.5 }, 5);
    [0.1, 0.1, 0.05, 0.05, 0.025].forEach((lr, epoch) => expect(step[epoch]).toBeCloseTo(lr, 12));
    const cosine = perEpoch({ kind: 'cosine' }, 4);
    [0.1, 0.1 * (1 + Math.SQRT1_2) / 2, 0.05, 0.1 * (1 - Math.SQRT1_2) / 2].forEach((lr, epoch) => expect(cosine[epoch]).toBeCloseTo(lr, 12));
    expect(learningRate(0.1, { kind: 'cosine' }, 4, 4)).toBeCloseTo(0, 12);
  });
});
