import { z } from 'zod';

export const BackboneName = z.enum(['tiny', 'small', 'resnet8', 'resnet18', 'resnet18-imagenet', 'vgg11', 'densenet']);
export type BackboneName = z.infer<typeof BackboneName>;

const size = z.number().int().positive();

/** Options of `buildBackbone`; `width` and `batchNorm` only where a backbone lists them. */
export const backboneOptionsSchema = z.strictObject({
  inputShape: z.tuple([size, size, size]).describe('[height, width, channels] of one image (channelsLast)'),
  classes: z.number().int().min(1).describe('number of logits'),
  seed: z.number().int().min(0).max(0xffffffff).default(1).describe('seed of every initializer; same seed, same weights'),
  width: size.optional().describe('channels of the first stage (resnet18, resnet18-imagenet and vgg11; default 64): smaller for tests and CPU'),
  batchNorm: z.boolean().optional().describe('batch norm after every conv (vgg11; default true)'),
});
export type BackboneOptions = z.input<typeof backboneOptionsSchema>;
export type ParsedBackboneOptions = z.output<typeof backboneOptionsSchema>;
