import * as tf from '@tensorflow/tfjs';
import { checkGradient, initEngine } from '@isnet-bench/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { DICE_SMOOTHING, segmentationLoss } from './segmentation-loss.js';

beforeAll(async () => {
  await initEngine({ backend: 'cpu' });
});

const S = DICE_SMOOTHING;

/** Two 2x3 images: the first with 2 foreground pixels, the second with none. */
const MASKS = [
  [1, 1, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0],
];
const masks = () => tf.tensor4d(MASKS.flat(), [2, 2, 3, 1]);
const logits = (values: number[][]) => tf.tensor4d(values.flat(), [2, 2, 3, 1]);

function parts(z: number[][]) {
  return tf.tidy(() => {
    const { total, bce, dice } = segmentationLoss(logits(z), masks());
    return { total: total.arraySync(), bce: bce.arraySync(), dice: dice.arraySync() };
  });
}

describe('segmentationLoss (BCE + Dice)', () => {
  it('logits 0 (p = 1/2 everywhere): BCE log 2, Dice from the masks alone', () => {
    const { total, bce, dice } = parts(MASKS.map((row) => row.map(() => 0)));
    expect(bce).toBeCloseTo(Math.log(2), 6);
    // Image 1: overlap 1, sum p 3, sum m 2; image 2: overlap 0, sum p 3, sum m 0.
    const expected = 1 - ((2 * 1 + S) / (3 + 2 + S) + S / (3 + S)) / 2;
    expect(dice).toBeCloseTo(expected, 6);
    expect(total).toBeCloseTo(Math.log(2) + expected, 6);
  });

  it('confident and right: both terms vanish (the empty mask predicted empty scores a perfect Dice)', () => {
    const { bce, dice } = parts(MASKS.map((row) => row.map((m) => (m ? 30 : -30))));
    expect(bce).toBeCloseTo(0, 8);
    expect(dice).toBeCloseTo(0, 6);
  });

  it('confident and wrong: BCE is the logit size, Dice 1 - s/(|P| + |M| + s)', () => {
    const { bce, dice } = parts(MASKS.map((row) => row.map((m) => (m ? -20 : 20))));
    expect(bce).toBeCloseTo(20, 4);
    // Image 1: sum p 4, sum m 2, no overlap; image 2: sum p 6.
    expect(dice).toBeCloseTo(1 - (S / (6 + S) + S / (6 + S)) / 2, 6);
  });

  it('the BCE gradient is (sigmoid(z) - m) / pixels', () => {
    const z = [
      [0.3, -1.2, 2, 0.5, -0.1, 1],
      [-2, 0.7, 0, -0.4, 1.5, -3],
    ];
    const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => segmentationLoss(x, masks()).bce)(logits(z)).arraySync() as number[][][][]);
    const expected = z.flatMap((row, b) => row.map((v, i) => (1 / (1 + Math.exp(-v)) - MASKS[b]![i]!) / 12));
    expect(gradient.flat(3)).toEqual(expected.map((v) => expect.closeTo(v, 6)));
  });

  it('its gradient agrees with finite differences', () => {
    const result = checkGradient(
      {
        op: 'segmentationLoss',
        inputs: () => [
          logits([
            [0.3, -1.2, 2, 0.5, -0.1, 1],
            [-2, 0.7, 0.2, -0.4, 1.5, -3],
          ]),
        ],
        f: (z) => segmentationLoss(z!, masks()).total,
      },
      1,
    );
    expect(result.error).toBeUndefined();
    expect(result.relError).toBeLessThanOrEqual(result.tolerance);
  });
});
