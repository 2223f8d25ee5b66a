/** For each output pixel along one axis: the first input pixel it reads and the weights from there on. */
interface AxisTaps {
  readonly start: Int32Array;
  readonly weights: Float32Array[];
}

/**
 * Resamples a one-channel float image. Shrinking averages the exact input area under each
 * output pixel (no aliasing of fine texture or thin text); enlarging interpolates bilinearly
 * between pixel centres. Separable: rows first, then columns.
 */
export function resizeGray(source: Float32Array, sourceHeight: number, sourceWidth: number, height: number, width: number): Float32Array {
  const across = axisTaps(sourceWidth, width);
  const down = axisTaps(sourceHeight, height);
  const rows = new Float32Array(sourceHeight * width);
  for (let y = 0; y < sourceHeight; y++) {
    for (let x = 0; x < width; x++) {
      const weights = across.weights[x];
      const offset = y * sourceWidth + across.start[x];
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * source[offset + k];
      rows[y * width + x] = sum;
    }
  }
  const result = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    const weights = down.weights[y];
    const start = down.start[y];
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k] * rows[(start + k) * width + x];
      result[y * width + x] = sum;
    }
  }
  return result;
}

/**
 * Resizes a 0/1 mask with the image's own resampling and keeps pixels at least half covered,
 * so mask and image stay aligned and the mask stays binary.
 */
export function resizeMask(mask: Uint8Array, sourceHeight: number, sourceWidth: number, height: number, width: number): Uint8Array {
  const resized = resizeGray(Float32Array.from(mask), sourceHeight, sourceWidth, height, width);
  return Uint8Array.from(resized, (value) => (value >= 0.5 ? 1 : 0));
}

function axisTaps(inSize: number, outSize: number): AxisTaps {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  for (let i = 0; i < outSize; i++) {
    if (scale >= 1) {
      const from = i * scale;
      const to = (i + 1) * scale;
      const first = Math.floor(from);
      const last = Math.min(inSize, Math.ceil(to));
      start[i] = first;
      weights.push(Float32Array.from({ length: last - first }, (_, k) => (Math.min(to, first + k + 1) - Math.max(from, first + k)) / scale));
    } else {
      const centre = Math.min(inSize - 1, Math.max(0, (i + 0.5) * scale - 0.5));
      const first = Math.min(Math.floor(centre), inSize - 2);
      const fraction = centre - first;
      start[i] = Math.max(0, first);
      weights.push(inSize === 1 ? Float32Array.of(1) : Float32Array.of(1 - fraction, fraction));
    }
  }
  return { start, weights };
}
