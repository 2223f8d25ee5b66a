import { z } from 'zod';

const decay = (name: string, role: string) =>
  z
    .number()
    .gt(0, `${name} is the GWRP decay of ${role} and must lie in (0, 1]`)
    .max(1, `${name} is the GWRP decay of ${role} and must lie in (0, 1] (1 is the plain mean)`);

/**
 * Parameters of the ISNet loss, with the reference defaults on MNIST (docs/heatmap-loss.md).
 * The foreground form defaults to 'L2', the original ISNet's; 'hybrid' is Faster ISNet's.
 * C1 and C2 should be tuned per heatmap source (HeatmapSumStats): 1 and 25 are only the
 * reference's untuned values.
 */
export const IsnetLossParams = z
  .strictObject({
    P: z.number().min(0, 'P weighs the heatmap loss against cross-entropy and must lie in [0, 1]').max(1, 'P weighs the heatmap loss against cross-entropy and must lie in [0, 1]').default(0.7),
    d: decay('d', 'the background values').default(0.9),
    E: z.number().gt(0, 'E, the constant of the background activation b / (b + E), must be positive').default(1),
    A: z.number().min(0, 'A, the weight of the background loss, must not be negative').default(1),
    B: z.number().min(0, 'B, the weight of the foreground loss, must not be negative').default(1),
    C1: z.number().gt(0, 'C1, the lower target of the foreground relevance, must be positive').default(1),
    C2: z.number().gt(0, 'C2, the upper target of the foreground relevance, must be positive').default(25),
    foreground: z.enum(['L2', 'hybrid']).default('L2'),
    dLoss: decay('dLoss', 'the per-layer losses of deep supervision').default(0.8),
  })
  .refine((p) => p.C2 > p.C1, { message: 'C2 must be greater than C1 (they bound the foreground relevance from below and above)', path: ['C2'] });

export type IsnetLossParams = z.output<typeof IsnetLossParams>;
export type IsnetLossParamsInput = z.input<typeof IsnetLossParams>;

export class IsnetParamsError extends Error {
  override name = 'IsnetParamsError';
}

/** Fills in the defaults and rejects bad values with one readable message listing every problem. */
export function parseIsnetLossParams(input: unknown = {}): IsnetLossParams {
  const result = IsnetLossParams.safeParse(input);
  if (!result.success) throw new IsnetParamsError(`invalid ISNet loss parameters:\n${z.prettifyError(result.error)}`);
  return result.data;
}
