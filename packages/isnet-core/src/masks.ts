import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor5D } from '@tensorflow/tfjs';

/** A foreground mask that the ISNet loss cannot use; `imageIndex` names the offending image. */
export class MaskError extends Error {
  override name = 'MaskError';

  constructor(
    message: string,
    readonly imageIndex?: number,
  ) {
    super(imageIndex === undefined ? message : `mask of image ${imageIndex}: ${message}`);
  }
}

/**
 * Checks masks [batch, H, W, 1] against their images [batch, H, W, channels]: same batch
 * and size, only 0 and 1, and at least one foreground pixel per image (an empty foreground
 * makes the background normalisation divide by ~1e-10). Reads the masks synchronously: meant
 * for data loading, not for the training step.
 */
export function validateMasks(masks: Tensor, images: Tensor): void {
  if (masks.rank !== 4 || masks.shape[3] !== 1) throw new MaskError(`masks must be [batch, height, width, 1], got [${masks.shape}]`);
  if (images.rank !== 4) throw new MaskError(`images must be [batch, height, width, channels], got [${images.shape}]`);
  const [batch, height, width] = masks.shape;
  const [imageBatch, imageHeight, imageWidth] = images.shape;
  if (batch !== imageBatch) throw new MaskError(`${batch} masks for ${imageBatch} images`);
  if (height !== imageHeight || width !== imageWidth) {
    throw new MaskError(`masks are ${height}x${width} but images are ${imageHeight}x${imageWidth}`);
  }
  const values = masks.dataSync();
  const pixels = height! * width!;
  for (let image = 0; image < batch!; image++) {
    let foreground = 0;
    for (let p = image * pixels; p < (image + 1) * pixels; p++) {
      const v = values[p]!;
      if (v !== 0 && v !== 1) {
        const pixel = p - image * pixels;
        throw new MaskError(`value ${v} at row ${Math.floor(pixel / width!)}, column ${pixel % width!} is not 0 or 1`, image);
      }
      foreground += v;
    }
    if (foreground === 0) throw new MaskError('no foreground pixel (the mask is all 0)', image);
  }
}

/**
 * masks [batch, H, W, 1] as float [batch, 1, H, W, 1], broadcastable over the maps and the
 * channels of heatmaps [batch, maps, H, W, channels]. Checks shapes only (no data read).
 */
export function masksForHeatmaps(heatmaps: Tensor5D, masks: Tensor): Tensor5D {
  checkMasksFit(heatmaps, masks);
  const [batch, , height, width] = heatmaps.shape;
  return tf.reshape(tf.cast(masks, 'float32'), [batch, 1, height, width, 1]);
}

/** Throws a MaskError unless masks are [batch, H, W, 1] for heatmaps [batch, maps, H, W, channels]. */
export function checkMasksFit(heatmaps: Tensor5D, masks: Tensor): void {
  const [batch, , height, width] = heatmaps.shape;
  const expected = [batch, height, width, 1];
  if (masks.rank !== 4 || masks.shape.some((size, i) => size !== expected[i])) {
    throw new MaskError(`masks [${masks.shape}] do not fit heatmaps [${heatmaps.shape}]: expected [${expected}]`);
  }
}
