import { z } from 'zod';
import { describeIssues } from '@isnet-bench/data';
import { TrainConfigError } from './errors.js';

const positiveInt = z.number().int().positive();
const rate = z.number().min(0).lt(1);

// Strict objects: a misspelt option ("learningRate") is an error, not a silently ignored key.
const sgdSchema = z
  .strictObject({
    kind: z.literal('sgd'),
    lr: z.number().positive().default(0.01),
    momentum: rate.default(0.9),
    nesterov: z.boolean().default(false),
    weightDecay: z.number().min(0).default(0).describe('L2 penalty added to the gradient, as in PyTorch'),
  })
  .refine((sgd) => !sgd.nesterov || sgd.momentum > 0, { message: 'Nesterov momentum needs momentum > 0', path: ['nesterov'] });

const adamSchema = z.strictObject({
  kind: z.literal('adam'),
  lr: z.number().positive().default(0.01),
  beta1: rate.default(0.9),
  beta2: rate.default(0.999),
  epsilon: z.number().positive().default(1e-8),
  weightDecay: z.number().min(0).default(0).describe('L2 penalty added to the gradient (Adam, not AdamW), as in PyTorch'),
});

export const optimizerConfigSchema = z.discriminatedUnion('kind', [sgdSchema, adamSchema]);

export const lrScheduleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('step'), everyEpochs: positiveInt, gamma: z.number().positive().max(1).default(0.1) }),
  z.strictObject({ kind: z.literal('cosine') }),
]);

/** How the 'best' checkpoint is chosen (see trainConfigSchema.select). */
export const CheckpointSelection = z.enum(['accuracy', 'loss']);
export type CheckpointSelection = z.output<typeof CheckpointSelection>;

export const trainConfigSchema = z.strictObject({
  epochs: positiveInt.default(10),
  batchSize: positiveInt.default(128),
  // prefault, not default: the default object is parsed too, so it receives the member defaults.
  optimizer: optimizerConfigSchema.prefault({ kind: 'sgd' }),
  gradientClipNorm: z.number().min(0).default(1).describe('maximum global L2 norm of all gradients; 0 = no clipping'),
  lrSchedule: lrScheduleSchema.prefault({ kind: 'constant' }),
  seed: z.number().int().min(0).max(0xffffffff).default(0).describe('seed of the batch order (and of trainSubset)'),
  trainSplit: z.string().min(1).default('train'),
  validationSplit: z.string().min(1).default('validation'),
  checkpointDir: z.string().min(1),
  checkpointEvery: z.number().int().min(0).default(200).describe('steps between mid-epoch checkpoints (0 = none); every epoch end is checkpointed'),
  logEvery: positiveInt.default(10).describe('batches between step progress events'),
  explodeThreshold: z.number().positive().default(1e6).describe('a loss part above this (in absolute value) stops training as diverged'),
  maxBatchesPerEpoch: positiveInt.optional().describe('cap on batches per epoch, for quick subset runs'),
  trainSubset: positiveInt.optional().describe('train on only the first N images of the train split shuffled with seed'),
  select: CheckpointSelection.optional().describe(
    "which epoch is 'best': 'accuracy' = the highest validation metric (the caller's, e.g. accuracy); 'loss' = the lowest mean validation loss of the method's own objective (its validationLoss, in inference mode); default 'loss' for methods that define validationLoss, else 'accuracy'",
  ),
});

export type TrainConfig = z.output<typeof trainConfigSchema>;
export type TrainConfigInput = z.input<typeof trainConfigSchema>;
export type OptimizerConfig = z.output<typeof optimizerConfigSchema>;
export type LrSchedule = z.output<typeof lrScheduleSchema>;

/** Applies defaults and validates; a TrainConfigError names every bad field on one line. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const parsed = trainConfigSchema.safeParse(input);
  if (!parsed.success) throw new TrainConfigError(`invalid training config: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

/**
 * The options that decide the weights a run produces. Resuming needs them unchanged; the
 * others (where and how often to checkpoint and log, the divergence threshold) may change.
 */
export const TRAJECTORY_FIELDS = [
  'epochs',
  'batchSize',
  'optimizer',
  'gradientClipNorm',
  'lrSchedule',
  'seed',
  'trainSplit',
  'maxBatchesPerEpoch',
  'trainSubset',
] as const satisfies readonly (keyof TrainConfig)[];
