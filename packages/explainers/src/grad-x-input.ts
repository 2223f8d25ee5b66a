import * as tf from '@tensorflow/tfjs';
import { tidyOutsideGradients } from '@isnet-bench/lrp';
import type { Explainer } from './explainer.js';
import { inputGradient, type ExplainedQuantity } from './input-gradient.js';

/** Grad x Input: the images times the input gradient of the quantity (one forward and one backward pass). */
export function gradTimesInput(quantity: ExplainedQuantity): Explainer {
  const gradient = inputGradient(quantity);
  return {
    name: `grad-x-input(${quantity.name})`,
    output: 'image',
    explain: (network, images, request) =>
      tidyOutsideGradients(() => {
        const explanation = gradient.explain(network, images, request);
        return { ...explanation, heatmap: tf.mul(images, explanation.heatmap) };
      }),
  };
}
