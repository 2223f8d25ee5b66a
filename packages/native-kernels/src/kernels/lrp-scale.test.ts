import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED, useNativeWasm } from '../test-support.js';
import { LRP_SCALE_GRAD_KERNEL, LRP_SCALE_KERNEL, LRP_STABILIZE_KERNEL } from './lrp-scale.js';

const EPSILON = 0.01;

// The ops the fused kernels replace, as the engine composes them where they are missing.
function composedScale(dy: tf.Tensor, z: tf.Tensor): tf.Tensor[] {
  const y = tf.relu(z);
  const r = tf.div(y, tf.add(y, EPSILON));
  return [tf.mul(dy, r), r];
}

function composedGrad(g: tf.Tensor, dy: tf.Tensor, z: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  const slope = tf.mul(tf.div(tf.square(tf.sub(1, r)), EPSILON), tf.step(z));
  return [tf.mul(g, r), tf.mul(tf.mul(g, dy), slope)];
}

describe.skipIf(NATIVE_DISABLED)('native LRP-scale kernels on wasm', () => {
  beforeAll(useNativeWasm);

  it.each([
    ['activation', [3, 17, 13, 16]],
    ['small', [5, 3]],
  ])('match the composed ops on cpu: %s', async (_name, shape) => {
    const input = fixedInputs({ dy: shape, z: shape, g: shape });
    // Exact zeros in z (ReLU and step boundaries) and z below zero.
    const z = () => tf.mul(tf.relu(tf.sub(input.z!(), 0.3)), tf.sign(input.z!()));
    await expectWasmMatchesCpu(() => {
      const native = tf.getBackend() === 'wasm';
      const [value, r] = native ? (tf.engine().runKernel(LRP_SCALE_KERNEL, { dy: input.dy!(), z: z() }, { epsilon: EPSILON }) as tf.Tensor[]) : composedScale(input.dy!(), z());
      const grads = native
        ? (tf.engine().runKernel(LRP_SCALE_GRAD_KERNEL, { g: input.g!(), dy: input.dy!(), z: z(), r: r! }, { epsilon: EPSILON }) as tf.Tensor[])
        : composedGrad(input.g!(), input.dy!(), z(), r!);
      return [value!, r!, ...grads];
    });
  });

  it('IsnetLrpStabilize gives z + eps sign(z), sign(+-0) = +1, bit for bit as composed', async () => {
    await tf.setBackend('wasm');
    const values = Float32Array.of(0, -0, 1e-9, -1e-9, 2.5, -2.5, -0.01, 0.01, NaN, Infinity, -Infinity);
    const native = tf.engine().runKernel(LRP_STABILIZE_KERNEL, { z: tf.tensor1d(values) }, { epsilon: EPSILON }) as tf.Tensor;
    const composed = tf.tidy(() => {
      const z = tf.tensor1d(values);
      return tf.add(z, tf.sub(EPSILON, tf.mul(2 * EPSILON, tf.step(tf.neg(z)))));
    });
    expect(Array.from(native.dataSync())).toEqual(Array.from(composed.dataSync()));
    expect(native.dataSync()[1]).toBe(Math.fround(EPSILON));
    tf.dispose([native, composed]);
  });
});
