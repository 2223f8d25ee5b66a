import { growBox, type Box } from './artifacts.js';

export type MaskKind = 'digit' | 'box';

export interface ForegroundMaskOptions {
  readonly kind: MaskKind;
  /** Gray level (0..255) above which a pixel is foreground. */
  readonly threshold: number;
  /** Square dilation radius in pixels, so the mask covers the stroke's soft edges. */
  readonly dilation: number;
}

/**
 * Writes the foreground mask (0/1) of one image into `mask`: 'digit' is the thresholded stroke
 * dilated by `dilation`; 'box' is the stroke's bounding box grown by `dilation`. An image
 * without foreground gets an empty mask.
 */
export function foregroundMask(image: Uint8Array, height: number, width: number, options: ForegroundMaskOptions, mask: Uint8Array): void {
  mask.fill(0);
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (image[y * width + x] <= options.threshold) continue;
      mask[y * width + x] = 1;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return;
  if (options.kind === 'box') {
    const strokeBox = { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
    fillBox(mask, width, growBox(strokeBox, options.dilation, height, width), 1);
  } else {
    dilate(mask, height, width, options.dilation);
  }
}

/** Sets every pixel of `box` to `value`. */
export function fillBox(mask: Uint8Array, width: number, box: Box, value: number): void {
  for (let y = box.y; y < box.y + box.height; y++) mask.fill(value, y * width + box.x, y * width + box.x + box.width);
}

/** Counts the mask pixels inside `box`. */
export function countInBox(mask: Uint8Array, width: number, box: Box): number {
  let count = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) count += mask[y * width + x];
  }
  return count;
}

/** Binary dilation with a (2r+1)x(2r+1) square, as two separable 1-D max filters. */
function dilate(mask: Uint8Array, height: number, width: number, radius: number): void {
  if (radius === 0) return;
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let on = 0;
      for (let dx = Math.max(0, x - radius); dx <= Math.min(width - 1, x + radius) && !on; dx++) on = mask[y * width + dx];
      rows[y * width + x] = on;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let on = 0;
      for (let dy = Math.max(0, y - radius); dy <= Math.min(height - 1, y + radius) && !on; dy++) on = rows[dy * width + x];
      mask[y * width + x] = on;
    }
  }
}
