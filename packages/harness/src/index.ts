export { allowedKeys, describeMethods, METHOD_DEFINITIONS, METHOD_NAMES, MethodConfigError, methodDefinition, parseMethodConfig, UnknownMethodError } from './methods.js';
export { evaluateRun, instantiate, methodContext, readRun, RunError, runTraining, trainAndEvaluate, type RunOptions, type RunOutcome } from './run.js';
export { RunSpec, type RunSpecInput } from './run-spec.js';
export { measureStepTimes, type StepTimeOptions, type StepTimeRow } from './step-time.js';
