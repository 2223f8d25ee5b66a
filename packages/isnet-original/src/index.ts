import '@isnet-bench/engine';

export { createOriginalIsnet, OriginalIsnetConfig, type OriginalIsnetConfigInput } from './original.js';
export { originalDefinition } from './definition.js';
