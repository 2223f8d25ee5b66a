import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '@isnet-bench/engine';
import type { LrpClassifier } from '@isnet-bench/lrp';
import type { Batch } from '@isnet-bench/data';
import type { Method, MethodLoss } from '@isnet-bench/training';

/** The standard classifier: cross-entropy only. It learns whatever shortcut the data offers. */
export function createStandardClassifier(classifier: LrpClassifier): Method {
  return {
    name: 'standard',
    needsMasks: false,
    config: {},
    ...classifier.methodMembers(),
    loss(batch) {
      return crossEntropy(batch, classifier.trainingLogits(batch.images));
    },
    validationLoss(batch) {
      return crossEntropy(batch, classifier.predict(batch.images));
    },
  };
}

function crossEntropy(batch: Batch, logits: tf.Tensor): MethodLoss {
  const classification = softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1]!), logits);
  return { total: classification, parts: { classification } };
}
