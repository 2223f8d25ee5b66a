import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaskError, validateMasks } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const images = tf.zeros([3, 2, 2, 3]);
const masks = (values: number[]) => tf.tensor4d(values, [3, 2, 2, 1]);
const error = (run: () => void): MaskError => {
  try {
    run();
  } catch (e) {
    if (e instanceof MaskError) return e;
    throw e;
  }
  throw new Error('no MaskError thrown');
};

describe('validateMasks', () => {
  it('accepts binary masks with foreground in every image', () => {
    expect(() => validateMasks(masks([1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1]), images)).not.toThrow();
  });

  it('names the image and pixel of a value other than 0 and 1', () => {
    const e = error(() => validateMasks(masks([1, 0, 0, 0, 1, 0.5, 0, 0, 1, 0, 0, 0]), images));
    expect(e.imageIndex).toBe(1);
    expect(e.message).toBe('mask of image 1: value 0.5 at row 0, column 1 is not 0 or 1');
    expect(error(() => validateMasks(masks([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 255]), images)).message).toMatch(/image 2: value 255/);
  });

  it('names an image without foreground', () => {
    const e = error(() => validateMasks(masks([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]), images));
    expect(e.imageIndex).toBe(1);
    expect(e.message).toMatch(/no foreground pixel/);
  });

  it('rejects shapes that do not fit the images', () => {
    const shape = (maskShape: number[], imageShape = [3, 2, 2, 3]) => error(() => validateMasks(tf.ones(maskShape), tf.zeros(imageShape)));
    expect(shape([2, 2, 2, 1]).message).toBe('2 masks for 3 images');
    expect(shape([3, 2, 3, 1]).message).toBe('masks are 2x3 but images are 2x2');
    expect(shape([3, 2, 2, 3]).message).toMatch(/masks must be \[batch, height, width, 1\], got \[3,2,2,3\]/);
    expect(shape([3, 2, 2]).message).toMatch(/masks must be/);
    expect(shape([3, 2, 2, 1], [3, 2, 2]).message).toMatch(/images must be/);
    expect(shape([3, 2, 2, 1], [3, 2, 2]).imageIndex).toBeUndefined();
  });
});
