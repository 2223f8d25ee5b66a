import { ATTENTION_EXPLAINER } from '@isnet-bench/explainers';
import { tuneTargets } from '@isnet-bench/isnet-core';
import { LrpClassifier } from '@isnet-bench/lrp';
import type { z } from 'zod';
import { defineMethod, type Method, type MethodContext } from '@isnet-bench/training';
import { createSelectiveInvariantIsnet } from './background-invariance.js';
import { FasterIsnetConfig, FasterIsnetDeepSupervisionConfig, SelectiveInvariantConfig, SelectiveIsnetConfig, SelectiveIsnetDeepSupervisionConfig } from './config.js';
import { createGradInputIsnet } from './grad-input.js';
import { createSelectiveIsnet } from './selective.js';
import { createStochasticIsnet } from './stochastic.js';

const FASTER_ISNET_PAPER = 'Bassi, Decherchi, Cavalli (2024). Faster ISNet for Background Bias Mitigation on Deep Neural Networks. IEEE Access 12, 155151-155167';

/** Deep supervision on the backbone's supervised layers unless the config names its own; `force` has done its work in the schema. */
function withDeepSupervision<Config extends FasterIsnetConfig>(config: Config & { force?: boolean }, context: MethodContext): Config {
  const { force: _force, ...rest } = config;
  const resolved = rest as unknown as Config;
  if (resolved.deepSupervision) return resolved;
  if (context.supervisedLayers.length === 0) throw new Error('deep supervision needs supervised layers (the backbone lists none)');
  return { ...resolved, deepSupervision: { layers: [...context.supervisedLayers] } };
}

function fasterIsnet<Config extends FasterIsnetConfig>(
  name: string,
  description: string,
  schema: z.ZodType<Config>,
  create: (config: Config, context: MethodContext) => Method,
  deepSupervision: boolean,
) {
  const resolve = (config: Config, context: MethodContext) => (deepSupervision ? withDeepSupervision(config, context) : config);
  const build = (config: Config, context: MethodContext) => create(resolve(config, context), context);
  return defineMethod<z.ZodType<Config>>({
    name,
    description,
    paper: FASTER_ISNET_PAPER,
    needsMasks: true,
    attentionExplainer: ATTENTION_EXPLAINER.name,
    config: schema,
    create: build,
    prepare: (config, context) => tuneTargets(resolve(config, context), context, build),
  });
}

const classifier = (context: MethodContext) => new LrpClassifier(context.backbone());

export const selectiveDefinition = fasterIsnet(
  'selective',
  "Selective ISNet: one LRP heatmap per image of the explained class's selective quantity (the lowest logit's, as published)",
  SelectiveIsnetConfig,
  (config, context) => createSelectiveIsnet(classifier(context), config),
  false,
);

export const selectiveDeepSupervisionDefinition = fasterIsnet(
  'selective-ds',
  "Selective ISNet with LRP deep supervision (the backbone's supervised layers); C1/C2 tuned per layer by default",
  SelectiveIsnetDeepSupervisionConfig,
  (config, context) => createSelectiveIsnet(classifier(context), config),
  true,
);

export const stochasticDefinition = fasterIsnet(
  'stochastic',
  'Stochastic ISNet: one LRP heatmap per image of the highest logit or, half the time, a random other class',
  FasterIsnetConfig,
  (config, context) => createStochasticIsnet(classifier(context), config, context.seed),
  false,
);

export const stochasticDeepSupervisionDefinition = fasterIsnet(
  'stochastic-ds',
  "Stochastic ISNet with LRP deep supervision (the backbone's supervised layers); C1/C2 tuned per layer by default",
  FasterIsnetDeepSupervisionConfig,
  (config, context) => createStochasticIsnet(classifier(context), config, context.seed),
  true,
);

export const gradInputDefinition = fasterIsnet(
  'grad-input',
  'ablation: the Faster ISNet loss on softmax Grad*Input heatmaps (no LRP)',
  FasterIsnetConfig,
  (config, context) => createGradInputIsnet(classifier(context), config),
  false,
);

/** An extension of this project, not a published method: listed with the paper it extends. */
export const selectiveInvariantDefinition = defineMethod({
  name: 'selective-invariant',
  description: "extension (not the papers' method): Selective ISNet plus a penalty on the logit change when each image's background is swapped for another's",
  paper: `extends ${FASTER_ISNET_PAPER}`,
  needsMasks: true,
  attentionExplainer: ATTENTION_EXPLAINER.name,
  config: SelectiveInvariantConfig,
  create: (config, context) => createSelectiveInvariantIsnet(classifier(context), config),
  prepare: (config, context) => tuneTargets(config, context, (c, ctx) => createSelectiveInvariantIsnet(classifier(ctx), c)),
});
