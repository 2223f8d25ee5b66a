import '@isnet-bench/engine';

export type { ExplainedNetwork, Explainer, Explanation, ExplainRequest } from './explainer.js';
export { ATTENTION_EXPLAINER, lrpFlex, lrpFlexEveryClass, type EveryClassSettings, type LrpFlexExplanation, type LrpFlexSettings, type LrpRules } from './lrp-flex.js';
export { CLASS_LOGIT, inputGradient, MEAN_HIGHEST_PROBABILITY, SUMMED_LOG_PROBABILITIES, type ExplainedQuantity } from './input-gradient.js';
export { gradTimesInput } from './grad-x-input.js';
export { attentionAtImageSize, checkGradCamLayer, gradCam, gradCamExplainer, GradCamLayerError, type GradCamExplanation, type GradCamOptions, type GradCamResult } from './grad-cam.js';
