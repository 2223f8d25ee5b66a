import '@isnet-bench/engine';

export { createStandardClassifier } from './standard.js';
export { standardDefinition } from './definitions.js';
export { createRrr, RRR_EXPLAINER, rrrDefinition, rrrLoss, RrrConfig, type RrrConfigInput, type RrrLoss } from './rrr.js';
export { createGain, gainDefinition, gainLoss, GainConfig, type GainConfigInput, type GainLoss } from './gain.js';
