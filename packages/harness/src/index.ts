export { createMethod, METHOD_NAMES, METHODS, UnknownMethodError, type MethodSetup } from './methods.js';
export { evaluateRun, instantiate, readRun, RunError, runTraining, type RunOptions, type RunOutcome } from './run.js';
export { RunSpec, type RunSpecInput } from './run-spec.js';
export { measureStepTimes, type StepTimeOptions, type StepTimeRow } from './step-time.js';
