import '@isnet-bench/engine';

export { createStandardClassifier } from './standard.js';
