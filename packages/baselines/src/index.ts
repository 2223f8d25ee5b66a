import '@isnet-bench/engine';

export { createStandardClassifier } from './standard.js';
export { standardDefinition } from './definitions.js';
export { createRrr, RRR_EXPLAINER, rrrDefinition, rrrLoss, RrrConfig, type RrrConfigInput, type RrrLoss } from './rrr.js';
export { createGain, gainDefinition, gainLoss, GainConfig, type GainConfigInput, type GainLoss } from './gain.js';
export { Unet, unetGraph, unetDepth, UnetOptions, modelVariables, MAX_DEFAULT_DEPTH, type UnetGraph } from './unet.js';
export { segmentationLoss, DICE_SMOOTHING, type SegmentationLoss } from './segmentation-loss.js';
export { createUnetSegmenter, validateByDice, UNET_SEGMENTER } from './unet-segmenter.js';
export { createUnetClassifier, unetClassifierDefinition, UnetClassifierConfig, SEGMENTER_DIR, type UnetClassifierConfigInput } from './unet-classifier.js';
export { createMultitaskUnet, multitaskUnetDefinition, multitaskUnetModels, MultitaskUnetConfig, type MultitaskUnetConfigInput, type MultitaskUnetModels } from './multitask-unet.js';
