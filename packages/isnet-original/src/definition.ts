import { ATTENTION_EXPLAINER } from '@isnet-bench/explainers';
import { tuneTargets } from '@isnet-bench/isnet-core';
import { LrpClassifier } from '@isnet-bench/lrp';
import { defineMethod, type MethodContext } from '@isnet-bench/training';
import { createOriginalIsnet, OriginalIsnetConfig } from './original.js';

const create = (config: OriginalIsnetConfig, context: MethodContext) => createOriginalIsnet(new LrpClassifier(context.backbone()), config);

export const originalDefinition = defineMethod({
  name: 'original',
  description: 'original ISNet: one LRP heatmap per class per image, all optimised (cost grows with the classes)',
  paper: 'Bassi, Dertkigil, Cavalli (2024). Improving deep neural network generalization and robustness to background bias via layer-wise relevance propagation optimization. Nature Communications 15, 291',
  needsMasks: true,
  attentionExplainer: ATTENTION_EXPLAINER.name,
  config: OriginalIsnetConfig,
  create,
  prepare: (config, context) => tuneTargets(config, context, create),
});
