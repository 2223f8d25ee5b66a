import type { NamedTensorMap, Scalar, Tensor, Tensor4D, Variable } from '@tensorflow/tfjs';
import type { Batch } from '@isnet-bench/data';

/** A method's loss on one batch: the total to minimise and its named parts (for progress output). */
export interface MethodLoss {
  total: Scalar;
  /** e.g. { classification, heatmap } for the ISNets; each a scalar, part of `total`'s graph. */
  parts: Record<string, Scalar>;
}

/**
 * A training method: how it computes its loss from a batch, how it predicts, and which
 * heatmap explains its decision. The training loop and the evaluation know nothing else
 * about it, so ISNets, the standard classifier and later baselines (U-Net + classifier,
 * RRR, GAIN, multi-task U-Net) plug in the same way.
 */
export interface Method {
  /** Registry name, e.g. 'selective', 'standard'. */
  readonly name: string;
  /** Whether `loss` reads `batch.masks` (the loop refuses datasets without masks then). */
  readonly needsMasks: boolean;
  /** Every variable the optimiser updates. */
  readonly trainableVariables: Variable[];
  /**
   * Every variable saved in a checkpoint (trainable ones plus e.g. batch-norm statistics),
   * by a stable name.
   */
  readonly stateVariables: Record<string, Variable>;
  /** The loss of one training batch; called inside the optimiser's gradient computation. */
  loss(batch: Batch, step: { epoch: number; batchIndex: number }): MethodLoss;
  /**
   * Optional: the loss AND its gradients (keyed by TF.js variable name), for methods that
   * accumulate gradients over several passes to bound memory (the original ISNet's C
   * heatmaps). Without it, the gradients of `loss` are taken in one pass.
   */
  lossAndGradients?(batch: Batch, step: { epoch: number; batchIndex: number }): MethodGradients;
  /**
   * Optional: the loss `loss` optimises, on a held-out batch in inference mode (batch norm on
   * its running statistics, nothing updated, no gradients): what checkpoint selection by
   * validation loss (`select: 'loss'`) averages over the validation split.
   */
  validationLoss?(batch: Batch): MethodLoss;
  /**
   * Optional, for the C1/C2 tuning of the ISNets (docs/heatmap-loss.md): the heatmaps this method's loss
   * would optimise for a batch, [batch, maps, H, W, C], first the input's then one per
   * supervised hidden layer. Called without gradients, on a plainly trained classifier.
   */
  tuningHeatmaps?(batch: Batch, step: { epoch: number; batchIndex: number }): Tensor[];
  /** Logits [batch, classes] in inference mode. */
  predict(images: Tensor4D): Tensor;
  /** The heatmap [batch, H, W, C] that explains the given classes (LRP-Flex for the suite's methods). */
  explain(images: Tensor4D, classes: Int32Array): Tensor;
  /**
   * Optional, for methods that segment (the U-Net baselines): foreground probabilities
   * [batch, H, W, 1] in inference mode; the evaluation reports their Dice and IoU.
   */
  segment?(images: Tensor4D): Tensor;
  /** Hyper-parameters to store with checkpoints and results (JSON). */
  readonly config: Record<string, unknown>;
}

/** A loss with its parts and the gradients of its total with respect to every trainable variable. */
export interface MethodGradients {
  value: Scalar;
  parts: Record<string, Scalar>;
  grads: NamedTensorMap;
}
