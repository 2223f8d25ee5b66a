import type { LayersModel } from '@tensorflow/tfjs';

export interface BackboneSummary {
  /** Every weight, batch-norm running statistics included (what a checkpoint stores). */
  parameters: number;
  /** The weights the optimizer updates (the count papers report). */
  trainableParameters: number;
  /** Layers, not counting the input layer. */
  layers: number;
}

export function describeBackbone(model: LayersModel): BackboneSummary {
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  return {
    parameters: model.weights.reduce((sum, w) => sum + size(w.shape as number[]), 0),
    trainableParameters: model.trainableWeights.reduce((sum, w) => sum + size(w.shape as number[]), 0),
    layers: model.layers.filter((layer) => layer.getClassName() !== 'InputLayer').length,
  };
}
