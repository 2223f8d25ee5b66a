import type { Rng } from '../prng.js';
import { resizeGray } from '../resize.js';

/** A square float image being painted; values are clamped to [0,1] only when written out. */
export interface Canvas {
  readonly size: number;
  readonly pixels: Float32Array;
}

export function createCanvas(size: number, fill = 0): Canvas {
  return { size, pixels: new Float32Array(size * size).fill(fill) };
}

/** Calls `paint(u, v, index)` for every pixel with centre coordinates u, v in (0,1). */
export function forEachPixel(size: number, paint: (u: number, v: number, index: number) => void): void {
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size;
    for (let x = 0; x < size; x++) paint((x + 0.5) / size, v, y * size + x);
  }
}

/** Smooth random field in [0,1]: a coarse grid of uniform values upsampled bilinearly. */
export function smoothNoise(rng: Rng, size: number, grid: number): Float32Array {
  const coarse = Float32Array.from({ length: grid * grid }, () => rng.next());
  return resizeGray(coarse, grid, grid, size, size);
}

export interface Ellipse {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
}

/** Squared normalised radius: < 1 inside the ellipse. */
export function ellipseRadius2(e: Ellipse, u: number, v: number): number {
  const du = (u - e.cx) / e.rx;
  const dv = (v - e.cy) / e.ry;
  return du * du + dv * dv;
}

/** Thickness profile of an ellipsoid seen in projection: 1 at the centre, 0 at and beyond the rim. */
export function dome(e: Ellipse, u: number, v: number): number {
  return Math.sqrt(Math.max(0, 1 - ellipseRadius2(e, u, v)));
}
