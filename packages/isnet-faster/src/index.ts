import '@isnet-bench/engine';

export { backgroundSwapCrossEntropy, backgroundSwapInvariance, createSelectiveInvariantIsnet, swapBackgrounds } from './background-invariance.js';
export { DeepSupervision, FasterIsnetConfig, SelectiveInvariantConfig, SelectiveIsnetConfig, type FasterIsnetConfigInput, type SelectiveIsnetConfigInput } from './config.js';
export { createGradInputIsnet, GRAD_INPUT_EXPLAINER } from './grad-input.js';
export { heatmapObjective } from './heatmap-objective.js';
export { stochasticClasses } from './isnet-method.js';
export { createSelectiveIsnet } from './selective.js';
export { createStochasticIsnet } from './stochastic.js';
export { gradInputDefinition, selectiveDeepSupervisionDefinition, selectiveDefinition, stochasticDeepSupervisionDefinition, stochasticDefinition, selectiveInvariantDefinition } from './definitions.js';
