import { describe, expect, it } from 'vitest';
import { foregroundMask } from './foreground-mask.js';

// 6x6 image with one bright pixel at (2,2) and a faint one at (4,4).
const image = new Uint8Array(36);
image[2 * 6 + 2] = 200;
image[4 * 6 + 4] = 30;

const rows = (mask: Uint8Array) => Array.from({ length: 6 }, (_, y) => Array.from(mask.subarray(y * 6, y * 6 + 6)).join(''));

describe('foregroundMask', () => {
  it("'digit' thresholds then dilates", () => {
    const mask = new Uint8Array(36);
    foregroundMask(image, 6, 6, { kind: 'digit', threshold: 51, dilation: 1 }, mask);
    expect(rows(mask)).toEqual(['000000', '011100', '011100', '011100', '000000', '000000']);
  });

  it("'box' fills the grown bounding box of the foreground", () => {
    const mask = new Uint8Array(36);
    foregroundMask(image, 6, 6, { kind: 'box', threshold: 20, dilation: 1 }, mask);
    expect(rows(mask)).toEqual(['000000', '011111', '011111', '011111', '011111', '011111']);
  });

  it('gives an empty mask for an empty image', () => {
    const mask = new Uint8Array(36).fill(1);
    foregroundMask(new Uint8Array(36), 6, 6, { kind: 'box', threshold: 20, dilation: 1 }, mask);
    expect(mask.every((v) => v === 0)).toBe(true);
  });
});
