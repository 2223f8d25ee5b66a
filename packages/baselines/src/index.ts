import '@isnet-bench/engine';

export { createStandardClassifier } from './standard.js';
export { standardDefinition } from './definitions.js';
export { createRrr, rrrDefinition, rrrLoss, RrrConfig, type RrrConfigInput, type RrrLoss } from './rrr.js';
export { createGain, gainDefinition, gainLoss, GainConfig, type GainConfigInput, type GainLoss } from './gain.js';
export { attentionAtImageSize, gradCam, GradCamLayerError, type GradCamOptions, type GradCamResult } from './grad-cam.js';
