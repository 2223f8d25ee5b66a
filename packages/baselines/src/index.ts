import '@isnet-bench/engine';

export { createStandardClassifier } from './standard.js';
export { standardDefinition } from './definitions.js';
export { createRrr, rrrDefinition, rrrLoss, RrrConfig, type RrrConfigInput, type RrrLoss } from './rrr.js';
