import { z } from 'zod';
import type { Rng } from '../prng.js';

export type BiasType = 'decoy' | 'position';

/** How the class is written into the background; stored in dataset.json as `bias`. */
export const biasSchemeSchema = z.object({
  type: z.enum(['decoy', 'position']),
  /** Side of the square artifact in pixels. */
  size: z.number().int().positive(),
  /** Mask pixels are kept at least this many pixels away from the artifact. */
  margin: z.number().int().nonnegative(),
  /** Gray value (0..255) of each class's artifact. */
  classIntensity: z.array(z.number().int().min(0).max(255)),
  /** Top-left corner of each class's square ('position' only; 'decoy' uses a random corner). */
  classPosition: z.array(z.object({ x: z.number().int(), y: z.number().int() })).optional(),
});
export type BiasScheme = z.infer<typeof biasSchemeSchema>;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * 'decoy' follows Decoy MNIST (Ross et al. 2017): a size x size patch in a random corner whose
 * gray level encodes the class as 255 - 25 * class (spread over 255..30 for other class counts).
 * 'position' puts a white square at a class-specific place on the image's border ring: the
 * classes are spaced evenly along the ring, so no two classes' squares overlap.
 */
export function makeBiasScheme(type: BiasType, size: number, margin: number, classCount: number, height: number, width: number): BiasScheme {
  const classes = Array.from({ length: classCount }, (_, c) => c);
  if (type === 'decoy') {
    const step = classCount > 1 ? 225 / (classCount - 1) : 0;
    return { type, size, margin, classIntensity: classes.map((c) => Math.round(255 - step * c)) };
  }
  const runX = width - size;
  const runY = height - size;
  const ring = 2 * (runX + runY);
  // Two squares whose ring distance is d are at least d/2 apart in x or y (also around a corner).
  if (ring / classCount < 2 * size) {
    throw new RangeError(`a ${height}x${width} image has no room for ${classCount} non-overlapping ${size}-pixel squares on its border`);
  }
  const pointOnRing = (distance: number): { x: number; y: number } => {
    if (distance < runX) return { x: distance, y: 0 };
    if (distance < runX + runY) return { x: runX, y: distance - runX };
    if (distance < 2 * runX + runY) return { x: runX - (distance - runX - runY), y: runY };
    return { x: 0, y: runY - (distance - 2 * runX - runY) };
  };
  return {
    type,
    size,
    margin,
    classIntensity: classes.map(() => 255),
    classPosition: classes.map((c) => pointOnRing(Math.round(((c + 0.5) * ring) / classCount))),
  };
}

/** Where the artifact of class `artifactClass` goes; 'decoy' draws its corner from `rng`. */
export function placeArtifact(scheme: BiasScheme, artifactClass: number, rng: Rng, height: number, width: number): Box {
  const { size } = scheme;
  if (scheme.classPosition) return { ...scheme.classPosition[artifactClass], width: size, height: size };
  const corner = rng.int(4);
  return { x: corner % 2 === 0 ? 0 : width - size, y: corner < 2 ? 0 : height - size, width: size, height: size };
}

export function drawArtifact(image: Uint8Array, imageWidth: number, box: Box, intensity: number): void {
  for (let y = box.y; y < box.y + box.height; y++) image.fill(intensity, y * imageWidth + box.x, y * imageWidth + box.x + box.width);
}

/** True when every pixel of `box` has the artifact's gray value (checks stored data against its metadata). */
export function isArtifactDrawn(image: Uint8Array, imageWidth: number, box: Box, intensity: number): boolean {
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) if (image[y * imageWidth + x] !== intensity) return false;
  }
  return true;
}

/** `box` grown by `margin` pixels on every side and clipped to the image. */
export function growBox(box: Box, margin: number, height: number, width: number): Box {
  const x = Math.max(0, box.x - margin);
  const y = Math.max(0, box.y - margin);
  return { x, y, width: Math.min(width, box.x + box.width + margin) - x, height: Math.min(height, box.y + box.height + margin) - y };
}
