import { createStandardClassifier } from '@isnet-bench/baselines';
import { createGradInputIsnet, createSelectiveIsnet, createStochasticIsnet } from '@isnet-bench/isnet-faster';
import { createOriginalIsnet } from '@isnet-bench/isnet-original';
import type { LrpClassifier } from '@isnet-bench/lrp';
import type { Method } from '@isnet-bench/training';

/** What a method needs beyond the classifier: its config, the run seed, the backbone's supervised layers. */
export interface MethodSetup {
  config?: Record<string, unknown>;
  seed?: number;
  supervisedLayers?: string[];
}

type Factory = (classifier: LrpClassifier, setup: MethodSetup) => Method;

const withDeepSupervision = (setup: MethodSetup) => {
  const config = { ...setup.config };
  if (!config['deepSupervision']) {
    if (!setup.supervisedLayers?.length) throw new Error('deep supervision needs supervised layers (the backbone lists none)');
    config['deepSupervision'] = { layers: setup.supervisedLayers };
  }
  return config;
};

/** Every method by its registry name; later baselines join here. */
export const METHODS: Record<string, { description: string; create: Factory }> = {
  standard: { description: 'standard classifier (cross-entropy only)', create: (c) => createStandardClassifier(c) },
  selective: { description: 'Selective ISNet (explains the lowest logit\'s selective quantity, as published)', create: (c, s) => createSelectiveIsnet(c, s.config) },
  'selective-ds': { description: 'Selective ISNet with LRP deep supervision', create: (c, s) => createSelectiveIsnet(c, withDeepSupervision(s)) },
  stochastic: { description: 'Stochastic ISNet (highest logit or a random other class)', create: (c, s) => createStochasticIsnet(c, s.config, s.seed) },
  'stochastic-ds': { description: 'Stochastic ISNet with LRP deep supervision', create: (c, s) => createStochasticIsnet(c, withDeepSupervision(s), s.seed) },
  original: { description: 'original ISNet (one heatmap per class)', create: (c, s) => createOriginalIsnet(c, s.config) },
  'grad-input': { description: 'ablation: ISNet with softmax Grad*Input heatmaps (no LRP)', create: (c, s) => createGradInputIsnet(c, s.config) },
};

export const METHOD_NAMES = Object.keys(METHODS);

export class UnknownMethodError extends Error {
  override name = 'UnknownMethodError';
}

export function createMethod(name: string, classifier: LrpClassifier, setup: MethodSetup = {}): Method {
  const entry = METHODS[name];
  if (!entry) throw new UnknownMethodError(`unknown method '${name}'; methods: ${METHOD_NAMES.join(', ')}`);
  return entry.create(classifier, setup);
}
