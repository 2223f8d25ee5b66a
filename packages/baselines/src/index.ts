import '@isnet-bench/engine';

export { createStandardClassifier } from './standard.js';
export { standardDefinition } from './definitions.js';
