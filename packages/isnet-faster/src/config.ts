import { z } from 'zod';
import { IsnetLossParams, LrpSettings, TuneEpochs } from '@isnet-bench/isnet-core';

const Targets = z.strictObject({ C1: z.number().gt(0), C2: z.number().gt(0) }).refine((t) => t.C2 > t.C1, { message: 'C2 must be greater than C1' });

/** LRP deep supervision: hidden layers whose relevance is also optimised, with their own C1/C2. */
export const DeepSupervision = z.strictObject({
  /** Layer names (each ending with a ReLU), e.g. a backbone's supervisedLayers. */
  layers: z.array(z.string().min(1)).min(1),
  /** Foreground targets per layer, in `layers` order; default: the input heatmap's C1/C2. */
  targets: z.array(Targets).optional(),
});

/**
 * Faster ISNet's loss uses the 'hybrid' foreground term (linear above C1 + C2), as its paper
 * does: an untrained network's heatmaps can exceed tuned targets by orders of magnitude, where
 * the original quadratic form explodes.
 */
const FasterLossParams = IsnetLossParams.default(IsnetLossParams.parse({ foreground: 'hybrid' }));

const fasterIsnetShape = {
  loss: z.preprocess((loss) => (loss && typeof loss === 'object' && !('foreground' in loss) ? { ...loss, foreground: 'hybrid' } : loss), FasterLossParams),
  lrp: LrpSettings.default(LrpSettings.parse({})),
  deepSupervision: DeepSupervision.optional(),
  tuneEpochs: TuneEpochs,
};

const targetsPerLayer = (c: { deepSupervision?: { layers: string[]; targets?: unknown[] } }) => !c.deepSupervision?.targets || c.deepSupervision.targets.length === c.deepSupervision.layers.length;
const targetsPerLayerIssue = { message: 'deepSupervision.targets needs one {C1, C2} per supervised layer', path: ['deepSupervision', 'targets'] };

/** Stochastic ISNet's and the Grad*Input ablation's config. */
export const FasterIsnetConfig = z.strictObject(fasterIsnetShape).refine(targetsPerLayer, targetsPerLayerIssue);
export type FasterIsnetConfig = z.output<typeof FasterIsnetConfig>;
export type FasterIsnetConfigInput = z.input<typeof FasterIsnetConfig>;

const selectiveIsnetShape = { ...fasterIsnetShape, explainedClass: z.enum(['lowest', 'highest', 'label']).default('lowest') };

/** Selective ISNet's config: also the explained class, 'lowest' as published; 'highest' and 'label' as options. */
export const SelectiveIsnetConfig = z.strictObject(selectiveIsnetShape).refine(targetsPerLayer, targetsPerLayerIssue);
export type SelectiveIsnetConfig = z.output<typeof SelectiveIsnetConfig>;
export type SelectiveIsnetConfigInput = z.input<typeof SelectiveIsnetConfig>;

/** The reference's untuned targets: the loss's defaults. */
const UNTUNED = IsnetLossParams.parse({});

/**
 * What a deep-supervision variant adds: tuning on by default (2 epochs of the standard
 * classifier), since each supervised layer has a relevance scale of its own that the input's
 * untuned C1/C2 need not fit; and `force`, without which training on untuned targets (no
 * tuning, no deepSupervision.targets, loss.C1 and loss.C2 left at 1 and 25) is refused.
 */
const deepSupervisionShape = {
  tuneEpochs: TuneEpochs.default(2),
  force: z.boolean().default(false).describe('train deep supervision on untuned targets (tuneEpochs 0, no deepSupervision.targets, loss.C1 1 and loss.C2 25)'),
};
const tunedOrForced = (c: { force: boolean; tuneEpochs: number; deepSupervision?: { targets?: unknown[] }; loss: { C1: number; C2: number } }) =>
  c.force || c.tuneEpochs > 0 || c.deepSupervision?.targets !== undefined || c.loss.C1 !== UNTUNED.C1 || c.loss.C2 !== UNTUNED.C2;
const untunedIssue = {
  message: `deep supervision on untuned targets (tuneEpochs 0, no deepSupervision.targets, loss.C1 ${UNTUNED.C1} and loss.C2 ${UNTUNED.C2}): set tuneEpochs (e.g. 2) to tune every layer's C1/C2, give deepSupervision.targets, or set force: true to train on them anyway`,
  path: ['tuneEpochs'],
};

/** Stochastic ISNet with deep supervision: FasterIsnetConfig, tuned by default, `force` for untuned targets. */
export const FasterIsnetDeepSupervisionConfig = z.strictObject({ ...fasterIsnetShape, ...deepSupervisionShape }).refine(targetsPerLayer, targetsPerLayerIssue).refine(tunedOrForced, untunedIssue);
/** Selective ISNet with deep supervision: SelectiveIsnetConfig, tuned by default, `force` for untuned targets. */
export const SelectiveIsnetDeepSupervisionConfig = z.strictObject({ ...selectiveIsnetShape, ...deepSupervisionShape }).refine(targetsPerLayer, targetsPerLayerIssue).refine(tunedOrForced, untunedIssue);

/**
 * selective-invariant's config (an extension, not the papers' method): Selective ISNet's, plus
 * the weight of the background-swap invariance penalty added to the loss.
 */
export const SelectiveInvariantConfig = z
  .strictObject({
    ...selectiveIsnetShape,
    invariance: z
      .strictObject({
        weight: z.number().min(0).default(1).describe('weight of the penalty on the background-swapped images'),
        form: z
          .enum(['logits', 'label'])
          .default('logits')
          .describe("'logits': the mean squared logit change when each image's background is swapped for another's; 'label': the cross-entropy of the swapped image against its own label (the foreground's)"),
      })
      .prefault({}),
  })
  .refine(targetsPerLayer, targetsPerLayerIssue);
export type SelectiveInvariantConfig = z.output<typeof SelectiveInvariantConfig>;
export type SelectiveInvariantConfigInput = z.input<typeof SelectiveInvariantConfig>;
