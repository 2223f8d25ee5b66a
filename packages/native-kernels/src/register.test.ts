import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { NATIVE_KERNEL_NAMES, registerNativeKernels, unregisterNativeKernels } from './index.js';
import { expectWasmMatchesCpu, fixedInputs, NATIVE_DISABLED } from './test-support.js';

describe.skipIf(NATIVE_DISABLED)('registerNativeKernels', () => {
  it('replaces the wasm kernels before the backend starts, and unregistering restores them working', async () => {
    const original = new Map(NATIVE_KERNEL_NAMES.map((name) => [name, tf.getKernel(name, 'wasm')]));
    expect(original.get('IsnetSumRows')).toBeUndefined(); // the suite's own kernels
    expect(original.get('IsnetChannelAffine')).toBeUndefined();
    expect(original.get('Conv2D')).toBeDefined();
    expect(original.get('Conv2DBackpropFilter')).toBeUndefined(); // the gap the native kernels fill

    // Registered before 'wasm' initialises, so the displaced kernels' setup never runs then.
    const names = registerNativeKernels();
    expect(names).toEqual(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul', 'Add', 'Sub', 'Multiply', 'RealDiv', 'Neg', 'Relu', 'Square', 'Step', 'IsnetReluGrad', 'IsnetSumRows', 'IsnetChannelAffine', 'IsnetChannelMoments', 'IsnetCentredSums', 'IsnetLrpScale', 'IsnetLrpScaleGrad', 'IsnetLrpStabilize', 'IsnetProductRatio', 'IsnetProductRatioGrad', 'IsnetRankWeights', 'IsnetSoftmaxCrossEntropy', 'IsnetSoftmaxCrossEntropyGrad', 'IsnetWeightedSum', 'IsnetHeatmapLoss', 'AvgPoolGrad', 'SplitV', 'Concat']);
    expect(registerNativeKernels()).toEqual(names);
    for (const name of names) {
      const kernel = tf.getKernel(name, 'wasm');
      expect(kernel, name).toBeDefined();
      expect(kernel, name).not.toBe(original.get(name));
    }

    const conv = fixedInputs({ x: [2, 7, 7, 3], filter: [3, 3, 3, 4] });
    const build = () => tf.conv2d(conv.x!() as tf.Tensor4D, conv.filter!() as tf.Tensor4D, 2, 'same');
    await expectWasmMatchesCpu(build);
    // A small sum falls back to the displaced wasm Add, whose setup the backend never ran.
    const sums = fixedInputs({ small: [5, 3], large: [300, 200] });
    await expectWasmMatchesCpu(() => [tf.add(sums.small!(), 1), tf.add(sums.large!(), 1)]);

    unregisterNativeKernels();
    for (const name of names) expect(tf.getKernel(name, 'wasm'), name).toBe(original.get(name));
    await expectWasmMatchesCpu(build); // the restored wasm Conv2D was set up on the live backend
  });
});
