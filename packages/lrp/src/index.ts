import '@isnet-bench/engine';

export { chooseClasses, explain, explainEveryClass, tidyOutsideGradients, type EveryClassOptions, type ExplainedClass, type ExplainOptions, type Explanation } from './explain.js';
export { graphFromLayersModel, UnsupportedLayerError, type LrpGraph } from './from-layers-model.js';
export { predictLogits, runGraph } from './forward.js';
export { modifiedBackward, type ModifiedBackwardOptions } from './modified-backward.js';
export type { BatchStatistics, ForwardContext, LrpNode } from './nodes.js';
export { EVALUATION_LRP, LrpClassifier } from './classifier.js';
