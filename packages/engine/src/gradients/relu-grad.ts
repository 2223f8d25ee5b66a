import * as tf from '@tensorflow/tfjs';
import type { GradConfig, Tensor } from '@tensorflow/tfjs';
import { RELU_GRAD_KERNEL } from '@isnet-bench/native-kernels';
import { reluGradient } from '../ops/relu-gradient.js';

/** Relu: dy * step(x) as one op (TF.js runs a cast, a step and a multiply). */
export const reluGradConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], [x]: Tensor[]) => ({ x: () => reluGradient(dy as Tensor, tf.cast(x!, 'float32')) }),
};

/** The suite's fused ReLU gradient: linear in dy (again a ReLU gradient), flat in x. */
export const reluGradGradConfig: GradConfig = {
  kernelName: RELU_GRAD_KERNEL,
  inputsToSave: ['x'],
  gradFunc: (g: Tensor | Tensor[], [x]: Tensor[]) => ({ dy: () => reluGradient(g as Tensor, x!), x: () => tf.zerosLike(x!) }),
};
