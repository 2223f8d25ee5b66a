export type { Method, MethodGradients, MethodLoss } from './method.js';
export { defineMethod, type MethodContext, type MethodDefinition, type PreparationContext, type Preparation } from './method-definition.js';
export { createTrainingStep, lossGradients, methodGradients, type TrainingStep } from './step.js';
export {
  trainConfigSchema,
  optimizerConfigSchema,
  lrScheduleSchema,
  parseTrainConfig,
  CheckpointSelection,
  type TrainConfig,
  type TrainConfigInput,
  type OptimizerConfig,
  type LrSchedule,
} from './config.js';
export { TrainConfigError, CheckpointError, TrainingDivergedError, type StepPosition } from './errors.js';
export { createOptimizer, type Optimizer } from './optimizers.js';
export { globalNorm, clipFactor } from './clip.js';
export { learningRate } from './schedule.js';
export {
  saveCheckpoint,
  readCheckpoint,
  readCheckpointSync,
  checkCheckpoint,
  assignCheckpoint,
  loadCheckpoint,
  checkpointPaths,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointMeta,
  type StoredCheckpoint,
} from './checkpoint.js';
export { formatProgress, type ProgressEvent, type StepEvent, type EpochEvent, type EpochSummary, type StepValues } from './progress.js';
export { train, checkpointSelection, validationLoss, type TrainOptions, type TrainResult, type Validate, type ValidationContext, type ValidationResult } from './loop.js';
export { trainingData, type TrainingData } from './train-data.js';
