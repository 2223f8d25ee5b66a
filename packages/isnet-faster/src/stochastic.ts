import * as tf from '@tensorflow/tfjs';
import type { LrpClassifier } from '@isnet-bench/lrp';
import type { Method } from '@isnet-bench/training';
import { FasterIsnetConfig, type FasterIsnetConfigInput } from './config.js';
import { fasterIsnetMethod, stochasticClasses } from './isnet-method.js';

/**
 * Stochastic ISNet: explains one logit per image, the highest with probability 1/2, otherwise
 * a different class drawn uniformly. The draws depend only on (seed, epoch, batch), so a
 * resumed run makes the same choices as an uninterrupted one.
 */
export function createStochasticIsnet(classifier: LrpClassifier, input: FasterIsnetConfigInput = {}, seed = 0): Method {
  const config = FasterIsnetConfig.parse(input);
  const name = config.deepSupervision ? 'stochastic-ds' : 'stochastic';
  return fasterIsnetMethod(name, classifier, config, {
    quantity: 'logit',
    classes: (batch, { epoch, batchIndex }) => (logits) => {
      const size = batch.labelArray.length;
      const stepSeed = seed * 1_000_003 + epoch * 10_007 + batchIndex;
      return stochasticClasses(logits, tf.randomUniform([size], 0, 1, 'float32', stepSeed), tf.randomUniform([size], 0, 1, 'float32', stepSeed + 1));
    },
  });
}
