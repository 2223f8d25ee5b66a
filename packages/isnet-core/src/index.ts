// The engine registers, on import, the corrected and missing second-order gradients of TF.js:
// the ISNet loss is differentiated twice (through the LRP pass), so it must be loaded first.
import '@isnet-bench/engine';

export { gwrp } from './gwrp.js';
export { backgroundLoss, type BackgroundLossOptions } from './background-loss.js';
export { foregroundLoss, type ForegroundForm, type ForegroundLossOptions } from './foreground-loss.js';
export { heatmapLoss, type HeatmapLoss, type HeatmapLossParams } from './heatmap-loss.js';
export { deepSupervisionLoss, downsampleMask } from './deep-supervision.js';
export { isnetLoss, type IsnetLoss, type IsnetLossInput } from './isnet-loss.js';
export { HeatmapSumStats, type TunedTargets } from './tuning.js';
export { TuneEpochs, tuneTargets, type TunableConfig } from './tune-targets.js';
export { MaskError, validateMasks } from './masks.js';
export { IsnetLossParams, IsnetParamsError, parseIsnetLossParams, type IsnetLossParamsInput } from './params.js';
export { LrpSettings } from './lrp-settings.js';
