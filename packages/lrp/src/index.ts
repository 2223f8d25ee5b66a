import '@isnet-bench/engine';

export { explain, explainEveryClass, type ExplainedClass, type ExplainOptions, type Explanation } from './explain.js';
export { graphFromLayersModel, UnsupportedLayerError, type LrpGraph } from './from-layers-model.js';
export { predictLogits, runGraph } from './forward.js';
export { lrpRelu, stopGradient, withLrpScaling } from './lrp-relu.js';
export type { LrpNode, ForwardContext } from './nodes.js';
export { EVALUATION_LRP, LrpClassifier } from './classifier.js';
