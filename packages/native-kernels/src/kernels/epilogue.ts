import { util, type TensorInfo, type _FusedMatMulAttrs } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { EpilogueArgs } from '../addon.js';
import { heapOffset, requireFloat32 } from './wasm-heap.js';

type Activation = _FusedMatMulAttrs['activation'];

/** tfjs-backend-wasm's FusableActivation codes, which native/epilogue.h shares. */
const ACTIVATION_CODES: Record<Activation, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  prelu: 3,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

/** The epilogue of a kernel without bias or activation. */
export const NO_EPILOGUE: EpilogueArgs = {
  activation: ACTIVATION_CODES.linear,
  leakyreluAlpha: 0,
  bias: -1,
  biasPerColumn: false,
  preluAlpha: -1,
  preluPerColumn: false,
};

export interface FusedInputs {
  activation?: Activation;
  bias?: TensorInfo;
  preluActivationWeights?: TensorInfo;
  leakyreluAlpha?: number;
}

/**
 * Epilogue of FusedConv2D / _FusedMatMul over an output whose last dimension has `columns`
 * entries. Bias and PReLU slopes must be one value or one per column; the other broadcasts
 * tfjs allows are refused rather than computed wrongly.
 */
export function fusedEpilogue(kernel: string, backend: BackendWasm, columns: number, fused: FusedInputs): EpilogueArgs {
  const activation = fused.activation ?? 'linear';
  const code = ACTIVATION_CODES[activation];
  if (code === undefined) throw new Error(`${kernel} (native kernels): unsupported activation '${activation}'`);
  if (activation === 'prelu' && !fused.preluActivationWeights) {
    throw new Error(`${kernel} (native kernels): activation 'prelu' needs preluActivationWeights`);
  }
  requireFloat32(kernel, { bias: fused.bias, preluActivationWeights: fused.preluActivationWeights });
  const bias = columnVector(kernel, 'bias', backend, fused.bias, columns);
  const prelu = columnVector(kernel, 'preluActivationWeights', backend, fused.preluActivationWeights, columns);
  return {
    activation: code,
    // The default of tf.fused.conv2d / tf.fused.matMul, should a caller omit the attribute.
    leakyreluAlpha: fused.leakyreluAlpha ?? 0.2,
    bias: bias.offset,
    biasPerColumn: bias.perColumn,
    preluAlpha: prelu.offset,
    preluPerColumn: prelu.perColumn,
  };
}

function columnVector(kernel: string, name: string, backend: BackendWasm, tensor: TensorInfo | undefined, columns: number) {
  if (!tensor) return { offset: -1, perColumn: false };
  const size = util.sizeFromShape(tensor.shape);
  const offset = heapOffset(backend, tensor);
  if (size === 1) return { offset, perColumn: false };
  const leadingOnes = tensor.shape.slice(0, -1).every((dim) => dim === 1);
  if (size === columns && leadingOnes) return { offset, perColumn: true };
  throw new Error(
    `${kernel} (native kernels): ${name} of shape [${tensor.shape}] must hold one value or one per ` +
      `output channel (${columns})`,
  );
}
