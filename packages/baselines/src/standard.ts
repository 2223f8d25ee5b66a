import * as tf from '@tensorflow/tfjs';
import { softmaxCrossEntropy } from '@isnet-bench/engine';
import type { LrpClassifier } from '@isnet-bench/lrp';
import type { Method } from '@isnet-bench/training';

/** The standard classifier: cross-entropy only. It learns whatever shortcut the data offers. */
export function createStandardClassifier(classifier: LrpClassifier): Method {
  return {
    name: 'standard',
    needsMasks: false,
    config: {},
    ...classifier.methodMembers(),
    loss(batch) {
      const logits = classifier.trainingLogits(batch.images);
      const classification = softmaxCrossEntropy(tf.oneHot(batch.labels, logits.shape[1]!), logits);
      return { total: classification, parts: { classification } };
    },
  };
}
