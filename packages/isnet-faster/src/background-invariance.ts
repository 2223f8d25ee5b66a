import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '@isnet-bench/engine';
import { predictLogits, type LrpClassifier } from '@isnet-bench/lrp';
import type { Method } from '@isnet-bench/training';
import { SelectiveInvariantConfig, type SelectiveInvariantConfigInput } from './config.js';
import { fasterIsnetMethod } from './isnet-method.js';

/**
 * Each image's foreground (mask 1) on the background of the next image in the batch (the last
 * on the first's); soft masks blend the two. A background artifact moves with its background,
 * so the result carries another image's artifact: what the confounding test split shows.
 */
export function swapBackgrounds(images: Tensor, masks: Tensor): Tensor {
  return tf.tidy(() => {
    const batch = images.shape[0]!;
    const next = batch > 1 ? tf.concat([tf.slice(images, 1, batch - 1), tf.slice(images, 0, 1)]) : images;
    return tf.add(tf.mul(masks, images), tf.mul(tf.sub(1, masks), next));
  });
}

/**
 * The background-swap invariance penalty: the mean over images and classes of the squared
 * change of the logits when the background is swapped (swapBackgrounds). A classifier that
 * reads nothing outside the masks pays 0; one that reads a background artifact pays for it
 * whether the artifact switches units on or off, which a heatmap loss cannot see for units it
 * switches off.
 */
export function backgroundSwapInvariance(logits: Tensor, images: Tensor, masks: Tensor, logitsOf: (x: Tensor) => Tensor): Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(logits, logitsOf(swapBackgrounds(images, masks))))) as Scalar);
}

/**
 * The background-swap label penalty: the cross-entropy of each background-swapped image
 * (swapBackgrounds) against its own label. Unlike backgroundSwapInvariance it cannot be met by
 * logits that ignore the image: the swapped image must still be classified by its foreground.
 */
export function backgroundSwapCrossEntropy(labels: Tensor, images: Tensor, masks: Tensor, logitsOf: (x: Tensor) => Tensor): Scalar {
  return tf.tidy(() => {
    const logits = logitsOf(swapBackgrounds(images, masks));
    return softmaxCrossEntropy(tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]!), logits) as Scalar;
  });
}

/**
 * An extension, not the papers' method: Selective ISNet (the heatmap loss of the explained
 * class's selective quantity) plus `invariance.weight` times backgroundSwapInvariance
 * (`form` 'logits') or backgroundSwapCrossEntropy ('label'). The
 * swapped batch runs in the loss's mode without moving batch-norm statistics, so a step moves
 * them once, as the Selective ISNet's does.
 */
export function createSelectiveInvariantIsnet(classifier: LrpClassifier, input: SelectiveInvariantConfigInput = {}): Method {
  const config = SelectiveInvariantConfig.parse(input);
  const { invariance, ...selective } = config;
  const logitsOf = (training: boolean) => (x: Tensor) => predictLogits(classifier.graph, x, { training, updateStatistics: false });
  const method = fasterIsnetMethod('selective-invariant', classifier, selective, { quantity: 'selective', classes: () => config.explainedClass }, {
    name: 'invariance',
    weight: invariance.weight,
    value: (batch, logits, training) =>
      invariance.form === 'logits'
        ? backgroundSwapInvariance(logits, batch.images, batch.masks, logitsOf(training))
        : backgroundSwapCrossEntropy(batch.labels, batch.images, batch.masks, logitsOf(training)),
  });
  return { ...method, config: { ...config } };
}
