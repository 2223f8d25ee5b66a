export { createMethod, METHOD_NAMES, METHODS, UnknownMethodError, type MethodSetup } from './methods.js';
export { measureStepTimes, type StepTimeOptions, type StepTimeRow } from './step-time.js';
