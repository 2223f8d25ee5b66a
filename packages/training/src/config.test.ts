import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from './config.js';
import { TrainConfigError } from './errors.js';

describe('parseTrainConfig', () => {
  it('fills the defaults', () => {
    expect(parseTrainConfig({ checkpointDir: '/tmp/run' })).toEqual({
      epochs: 10,
      batchSize: 128,
      optimizer: { kind: 'sgd', lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0 },
      gradientClipNorm: 1,
      lrSchedule: { kind: 'constant' },
      seed: 0,
      trainSplit: 'train',
      validationSplit: 'validation',
      checkpointDir: '/tmp/run',
      checkpointEvery: 200,
      logEvery: 10,
      explodeThreshold: 1e6,
    });
    expect(parseTrainConfig({ checkpointDir: 'x', optimizer: { kind: 'adam' }, lrSchedule: { kind: 'step', everyEpochs: 3 } })).toMatchObject({
      optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
      lrSchedule: { kind: 'step', everyEpochs: 3, gamma: 0.1 },
    });
  });

  it.each([
    [{ checkpointDir: 'x', batchSize: 0 }, 'batchSize: Too small'],
    [{ checkpointDir: 'x', optimizer: { kind: 'sgd', lr: -1 } }, 'optimizer.lr: Too small'],
    [{ checkpointDir: 'x', optimizer: { kind: 'sgd', momentum: 0, nesterov: true } }, 'optimizer.nesterov: Nesterov momentum needs momentum > 0'],
    [{ checkpointDir: 'x', optimizer: { kind: 'adam', momentum: 0.9 } }, 'optimizer: Unrecognized key: "momentum"'],
    [{ checkpointDir: 'x', optimizer: { kind: 'rmsprop' } }, 'optimizer.kind'],
    [{ checkpointDir: 'x', lrSchedule: { kind: 'step' } }, 'lrSchedule.everyEpochs'],
    [{ checkpointDir: 'x', learningRate: 0.1 }, 'Unrecognized key: "learningRate"'],
    [{}, 'checkpointDir'],
  ])('names the bad field of %j', (input, expected) => {
    expect(() => parseTrainConfig(input)).toThrow(TrainConfigError);
    expect(() => parseTrainConfig(input)).toThrow(expected);
  });
});
