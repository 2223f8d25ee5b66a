import * as tf from '@tensorflow/tfjs';
import type { NamedTensorMap, Scalar, Tensor5D } from '@tensorflow/tfjs';
import type { Batch } from '@isnet-bench/data';
import { heatmapLoss, IsnetLossParams, isnetLoss, LrpSettings, TuneEpochs } from '@isnet-bench/isnet-core';
import { lrpFlexEveryClass } from '@isnet-bench/explainers';
import type { LrpClassifier } from '@isnet-bench/lrp';
import { lossGradients, type Method, type MethodGradients, type MethodLoss } from '@isnet-bench/training';
import { z } from 'zod';

export const OriginalIsnetConfig = z.strictObject({
  loss: IsnetLossParams.default(IsnetLossParams.parse({})),
  lrp: LrpSettings.default(LrpSettings.parse({})),
  /**
   * Heatmaps per pass. The heatmap loss is a mean over the C maps, so its gradient can be
   * accumulated over groups of classes: memory stays bounded at any C. The classes of one
   * group share a forward pass and one class-stacked modified backward pass (and the loss's
   * backward pass through both): the larger the group, the cheaper each class, but each
   * class keeps its share of the stacked pass on the gradient tape (~6 times the network's
   * activations). 'auto': as many classes as fit in `groupMemoryMB` by that estimate (at
   * least one), spread evenly over the fewest passes. Fixed by the shapes alone, so runs stay
   * reproducible.
   */
  classesPerPass: z.union([z.number().int().min(1), z.literal('auto')]).default('auto'),
  /** Within the wasm backend's 4 GiB heap with the network and its forward pass. */
  groupMemoryMB: z.number().positive().default(3072),
  tuneEpochs: TuneEpochs,
});
export type OriginalIsnetConfig = z.output<typeof OriginalIsnetConfig>;
export type OriginalIsnetConfigInput = z.input<typeof OriginalIsnetConfig>;

/**
 * The original ISNet: one LRP-Flex heatmap per class per image (the C modified backward
 * passes run as class-stacked passes over groups of classes, each differentiated again), all
 * of them optimised. Its step cost grows linearly with C.
 */
export function createOriginalIsnet(classifier: LrpClassifier, input: OriginalIsnetConfigInput = {}): Method {
  const config = OriginalIsnetConfig.parse(input);
  const everyClass = lrpFlexEveryClass(config.lrp);

  /** The loss of one group of classes, weighted by its share of all C maps; CE with the first. */
  const groupLoss = (batch: Batch, classList: number[] | undefined, classCount: number | undefined, first: boolean, training = true): MethodLoss => {
    const { logits, heatmap: heatmaps } = training
      ? everyClass.explain(classifier, batch.images, { classes: classList, training: true, updateStatistics: first })
      : lrpFlexEveryClass({ ...config.lrp, classesPerPass: classesPerPass(batch.images.shape[0]!) }).explain(classifier, batch.images, { training: false });
    const share = classList && classCount ? classList.length / classCount : 1;
    const heatmap = tf.mul(heatmapLoss(heatmaps as Tensor5D, batch.masks, config.loss).total, share) as Scalar;
    if (!first) return { total: tf.mul(heatmap, config.loss.P) as Scalar, parts: { heatmap } };
    const { classification, total } = isnetLoss({ logits, labels: batch.labels, heatmapLoss: heatmap, P: config.loss.P });
    return { total, parts: { classification, heatmap } };
  };

  /** Float32 values of all layer outputs, per image. */
  const activationsPerImage = classifier.graph.nodes.reduce((sum, node) => sum + (node.outputShape ?? []).reduce((n, d) => n * d, 1), 0);
  const classCount = classifier.model.outputs[0]!.shape[1] as number;
  /** Classes per group: as configured, or as many as the memory estimate allows, balanced over the groups. */
  const classesPerPass = (batchSize: number): number => {
    if (config.classesPerPass !== 'auto') return config.classesPerPass;
    const perClassBytes = TAPE_BYTES_PER_ACTIVATION_BYTE * activationsPerImage * batchSize * 4;
    const fitting = Math.max(1, Math.min(classCount, Math.floor((config.groupMemoryMB * 2 ** 20) / perClassBytes)));
    return Math.ceil(classCount / Math.ceil(classCount / fitting));
  };

  const members = classifier.methodMembers();
  return {
    name: 'original',
    needsMasks: true,
    config: { ...config },
    ...members,
    loss(batch) {
      return groupLoss(batch, undefined, undefined, true);
    },
    // Inference mode and no gradient tape: every class in passes of the training's size.
    validationLoss(batch) {
      return groupLoss(batch, undefined, undefined, true, false);
    },
    tuningHeatmaps(batch) {
      const perPass = classesPerPass(batch.images.shape[0]!);
      const { logits, heatmap: heatmaps } = lrpFlexEveryClass({ ...config.lrp, classesPerPass: perPass }).explain(classifier, batch.images, { training: true });
      logits.dispose();
      return [heatmaps];
    },
    lossAndGradients(batch): MethodGradients {
      const perPass = classesPerPass(batch.images.shape[0]!);
      const groups: number[][] = [];
      for (let c = 0; c < classCount; c += perPass) {
        groups.push(Array.from({ length: Math.min(perPass, classCount - c) }, (_, i) => c + i));
      }
      let result: MethodGradients | undefined;
      groups.forEach((classList, g) => {
        const group = lossGradients(() => groupLoss(batch, classList, classCount, g === 0), members.trainableVariables);
        result = result ? accumulate(result, group) : group;
      });
      return result!;
    },
  };
}

/**
 * Peak bytes one more class in a pass adds, per byte of the network's activations (all layer
 * outputs), measured at batch 64 (tf.profile peaks, 5 classes per pass against 1): 5.1 on the
 * small CNN (63 MB per class), 5.6 on the tiny CNN, 5.8 on ResNet-8 (298 MB); the largest,
 * rounded up.
 */
const TAPE_BYTES_PER_ACTIVATION_BYTE = 6;

/** Sums two partial results (values, parts by name, gradients by variable), disposing both. */
function accumulate(a: MethodGradients, b: MethodGradients): MethodGradients {
  const sum = <T extends tf.Tensor>(x: T | undefined, y: T | undefined): T => (x && y ? (tf.add(x, y) as T) : tf.clone((x ?? y)!));
  const names = (m: Record<string, unknown>, n: Record<string, unknown>) => [...new Set([...Object.keys(m), ...Object.keys(n)])];
  const result: MethodGradients = {
    value: sum(a.value, b.value),
    parts: Object.fromEntries(names(a.parts, b.parts).map((k) => [k, sum(a.parts[k], b.parts[k])])),
    grads: Object.fromEntries(names(a.grads, b.grads).map((k) => [k, sum(a.grads[k], b.grads[k])])) as NamedTensorMap,
  };
  tf.dispose([a.value, b.value, ...Object.values(a.parts), ...Object.values(b.parts), ...Object.values(a.grads), ...Object.values(b.grads)]);
  return result;
}
