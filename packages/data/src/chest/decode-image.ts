import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

/** A decoded image as gray levels 0..maxValue (255 for 8-bit, 65535 for 16-bit PNG). */
export interface GrayLevels {
  readonly width: number;
  readonly height: number;
  readonly levels: Float32Array;
  readonly maxValue: number;
}

/**
 * Decodes PNG (1- to 16-bit, gray or colour) or baseline JPEG with pure-JavaScript decoders
 * (no native build). Colour is reduced to Rec. 601 luma, which leaves gray pixels unchanged.
 * Throws a plain Error on undecodable bytes; callers attach file and row.
 */
export function decodeGrayLevels(bytes: Uint8Array): GrayLevels {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true });
    // Palette images (colour type 3, missing from @types/pngjs) are expanded to 8-bit RGBA;
    // the others keep their bit depth with skipRescale.
    const maxValue = (png.colorType as number) === 3 ? 255 : 2 ** png.depth - 1;
    return { width: png.width, height: png.height, levels: rgbaToLuma(png.data as ArrayLike<number>, png.width * png.height), maxValue };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: image.width, height: image.height, levels: rgbaToLuma(image.data, image.width * image.height), maxValue: 255 };
  }
  throw new Error('not a PNG or JPEG file');
}

function rgbaToLuma(rgba: ArrayLike<number>, pixels: number): Float32Array {
  const levels = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const r = rgba[4 * i];
    const g = rgba[4 * i + 1];
    const b = rgba[4 * i + 2];
    levels[i] = r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
  }
  return levels;
}
