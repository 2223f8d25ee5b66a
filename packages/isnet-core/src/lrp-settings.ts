import { z } from 'zod';

/** LRP-Flex settings of an ISNet's training heatmaps (docs/lrp-flex.md), with the reference defaults. */
export const LrpSettings = z.strictObject({
  epsilon: z.number().gt(0, 'epsilon of the LRP-epsilon rule must be positive').default(0.01),
  zb: z.boolean().default(true),
  bounds: z
    .tuple([z.number(), z.number()])
    .default([0, 1])
    .refine(([low, high]) => low < high, { message: 'bounds [low, high] of the z^B rule need low < high' }),
  selectiveEpsilon: z.number().gt(0, 'selectiveEpsilon (e_s of the selective quantity) must be positive').default(0.01),
});
export type LrpSettings = z.output<typeof LrpSettings>;
