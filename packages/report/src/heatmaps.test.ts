import type { Dataset, DatasetSplit } from '@isnet-bench/data';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sampleIndices, tilePng } from './heatmaps.js';

// One 4x4 image of gray 100, its mask the central 2x2 square.
const split: DatasetSplit = {
  count: 1,
  images: new Uint8Array(16).fill(100),
  masks: Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
  hasMask: Uint8Array.of(1),
  labels: Uint8Array.of(0),
};
const dataset = { imageSize: { height: 4, width: 4, channels: 1 }, classNames: ['a'], splits: { test: split } } as unknown as Dataset;

function decode(uri: string): { width: number; pixel: (x: number, y: number) => number[] } {
  expect(uri.startsWith('data:image/png;base64,')).toBe(true);
  const png = pngjs.PNG.sync.read(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));
  return { width: png.width, pixel: (x, y) => [...png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3)] };
}

describe('tilePng', () => {
  it('scales the image, outlines the mask in green one pixel wide', () => {
    const tile = decode(tilePng(dataset, 'test', 0, 2));
    expect(tile.width).toBe(8);
    // The mask covers pixels 2..5 of the scaled image: its border is green, its inside and the outside gray.
    expect(tile.pixel(2, 2)).toEqual([0, 220, 0]);
    expect(tile.pixel(5, 3)).toEqual([0, 220, 0]);
    expect(tile.pixel(3, 3)).toEqual([100, 100, 100]);
    expect(tile.pixel(0, 0)).toEqual([100, 100, 100]);
  });

  it('overlays relevance: the largest |R| full red or blue at 90 %, zero relevance dims the image to 60 %', () => {
    const relevance = new Float32Array(16);
    relevance[0] = 2; // the peak, positive
    relevance[3] = -2; // as large, negative
    relevance[12] = 0.5; // a quarter of the peak: opacity 0.9 * 0.25^0.6
    const tile = decode(tilePng(dataset, 'test', 0, 1, relevance));
    const blend = (alpha: number, tint: number[]) => tint.map((t) => Math.round((1 - alpha) * 0.6 * 100 + alpha * t));
    expect(tile.pixel(0, 0)).toEqual(blend(0.9, [230, 40, 30]));
    expect(tile.pixel(3, 0)).toEqual(blend(0.9, [40, 90, 230]));
    expect(tile.pixel(0, 3)).toEqual(blend(0.9 * Math.pow(0.25, 0.6), [230, 40, 30]));
    expect(tile.pixel(2, 0)).toEqual([60, 60, 60]);
  });
});

describe('sampleIndices', () => {
  it('the first k images, fewer when the split is smaller', () => {
    expect(sampleIndices(100, 4)).toEqual([0, 1, 2, 3]);
    expect(sampleIndices(2, 4)).toEqual([0, 1]);
    expect(sampleIndices(5, 0)).toEqual([]);
  });
});
