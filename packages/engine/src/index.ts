export { initEngine, type EngineOptions, type EngineReport } from './engine.js';
export { wasmFailure, WasmFailureError } from './wasm-failure.js';
export { BACKEND_ENV, BACKEND_NAMES, BackendError, isBackendName, probeBackend, type BackendName, type BackendProbe } from './backend.js';
export { logSoftmax, softmaxCrossEntropy } from './ops/log-softmax.js';
export { conv2dWithBias, matMulWithBias } from './ops/linear-with-bias.js';
export { batchNormTraining } from './ops/batch-norm-training.js';
export { CORRECTED_GRADIENTS, MISSING_GRADIENTS } from './gradients/index.js';
export * from './gradcheck/index.js';
