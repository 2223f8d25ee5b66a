import type { LayersModel, Tensor, Variable } from '@tensorflow/tfjs';
import { explain, type ExplainOptions, type Explanation } from './explain.js';
import { predictLogits } from './forward.js';
import { graphFromLayersModel, type LrpGraph } from './from-layers-model.js';

/** Heatmap settings of the evaluation protocol (docs/protocol.md): LRP-epsilon 0.01 with z^B on [0, 1]. */
export const EVALUATION_LRP = { epsilon: 0.01, zb: true, bounds: [0, 1] as [number, number] };

/**
 * A LayersModel together with its LRP graph: what every method trains and explains.
 * Variables are the model's own, so checkpoints and tf.LayersModel tools keep working.
 */
export class LrpClassifier {
  readonly graph: LrpGraph;

  constructor(readonly model: LayersModel) {
    this.graph = graphFromLayersModel(model);
  }

  get trainableVariables(): Variable[] {
    return this.model.trainableWeights.map((w) => (w as unknown as { read(): Variable }).read());
  }

  /**
   * Every weight (trainable or not, e.g. running statistics) by its layer-qualified original
   * name ('conv1/kernel'): stable across processes, unlike TF.js's uniquified variable names.
   */
  get stateVariables(): Record<string, Variable> {
    return Object.fromEntries(this.model.weights.map((w) => [w.originalName, (w as unknown as { read(): Variable }).read()]));
  }

  /** Training-mode logits (batch statistics), moving the running statistics once. */
  trainingLogits(x: Tensor): Tensor {
    return predictLogits(this.graph, x, { training: true, updateStatistics: true });
  }

  predict(x: Tensor): Tensor {
    return predictLogits(this.graph, x);
  }

  explain(x: Tensor, options: ExplainOptions): Explanation {
    return explain(this.graph, x, options);
  }

  /**
   * The members every method built on this classifier shares (the Method interface of
   * @isnet-bench/training, structurally): its variables, inference, and evaluation heatmaps.
   */
  methodMembers() {
    return {
      trainableVariables: this.trainableVariables,
      stateVariables: this.stateVariables,
      predict: (images: Tensor) => this.predict(images),
      explain: (images: Tensor, classes: Int32Array) => this.explainClasses(images, classes),
    };
  }

  /** The evaluation heatmap of the given classes (inference mode). */
  explainClasses(x: Tensor, classes: Int32Array): Tensor {
    const { heatmap, logits, classes: explained, hidden } = explain(this.graph, x, { ...EVALUATION_LRP, classes: Array.from(classes) });
    logits.dispose();
    explained.dispose();
    for (const h of hidden) h.dispose();
    return heatmap;
  }
}
