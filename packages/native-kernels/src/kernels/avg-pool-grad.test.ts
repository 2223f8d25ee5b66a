import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedInputs, NATIVE_DISABLED, useNativeWasm } from '../test-support.js';
import { NATIVE_KERNEL_NAMES } from '../register.js';

describe.skipIf(NATIVE_DISABLED)('native AvgPoolGrad on wasm', () => {
  beforeAll(useNativeWasm);

  it('is registered', () => {
    expect(NATIVE_KERNEL_NAMES).toContain('AvgPoolGrad');
  });

  // The adjoint of the forward pooling, which divides each window by the pixels it covers
  // (padding excluded), by its definition: cpu's own AvgPoolGrad divides by the full window
  // at padded borders, so it cannot be the reference.
  it.each([
    ['2x2 s2 valid (DenseNet transitions)', [3, 8, 8, 12], 2, 2, 'valid'],
    ['3x3 s1 same (overlapping windows, padded borders)', [2, 7, 9, 5], 3, 1, 'same'],
    ['3x3 s2 same (odd sizes)', [2, 9, 7, 20], 3, 2, 'same'],
  ] as const)('is the adjoint of average pooling: %s', async (_name, shape, size, stride, padding) => {
    await tf.setBackend('wasm');
    const x = tf.zeros([...shape]);
    const pooledShape = tf.avgPool(x as tf.Tensor4D, size, stride, padding).shape;
    const dy = fixedInputs({ dy: pooledShape }).dy!();
    const native = tf.engine().runKernel('AvgPoolGrad', { dy, input: x }, { filterSize: [size, size], strides: [stride, stride], pad: padding }) as tf.Tensor;
    const reference = adjointByDefinition([...shape], dy.dataSync() as Float32Array, pooledShape, size, stride, padding);
    expect(maxDifference(native.dataSync(), reference)).toBeLessThan(1e-6);
    tf.dispose([x, dy, native]);
  });
});

/** dx[pixel] = sum over the windows covering it of dy[window] / (pixels the window covers). */
function adjointByDefinition(shape: number[], dy: Float32Array, outShape: number[], size: number, stride: number, padding: 'same' | 'valid'): Float32Array {
  const [batch, height, width, channels] = shape as [number, number, number, number];
  const [, outH, outW] = outShape as [number, number, number, number];
  const padTop = padding === 'valid' ? 0 : Math.floor(Math.max(0, (outH - 1) * stride + size - height) / 2);
  const padLeft = padding === 'valid' ? 0 : Math.floor(Math.max(0, (outW - 1) * stride + size - width) / 2);
  const dx = new Float32Array(batch * height * width * channels);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const ys = [...Array(size).keys()].map((i) => oy * stride - padTop + i).filter((y) => y >= 0 && y < height);
        const xs = [...Array(size).keys()].map((i) => ox * stride - padLeft + i).filter((x) => x >= 0 && x < width);
        for (let c = 0; c < channels; c++) {
          const share = dy[((b * outH + oy) * outW + ox) * channels + c]! / (ys.length * xs.length);
          for (const y of ys) for (const x of xs) dx[((b * height + y) * width + x) * channels + c]! += share;
        }
      }
    }
  }
  return dx;
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = a.length === b.length ? 0 : Infinity;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
