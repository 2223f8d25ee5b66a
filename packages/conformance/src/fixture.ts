import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Tensor = z.object({ shape: z.array(z.number().int().nonnegative()), data: z.array(z.number()) }).refine(
  (t) => t.data.length === t.shape.reduce((a, b) => a * b, 1),
  { message: 'data length does not match shape' },
);
export type FixtureTensor = z.infer<typeof Tensor>;

const Pair = z.tuple([z.number().int(), z.number().int()]);

/** Layer types of 'isnet-conformance/1'; an unknown type is reported by name (the format may grow). */
const Layer = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conv2d'), stride: Pair, padding: Pair, weight: Tensor, bias: Tensor.optional() }),
  z.object({ type: z.literal('batchnorm2d'), eps: z.number(), weight: Tensor, bias: Tensor, running_mean: Tensor, running_var: Tensor }),
  z.object({ type: z.literal('relu') }),
  z.object({ type: z.literal('maxpool2d'), kernel: z.number().int(), stride: z.number().int() }),
  z.object({ type: z.literal('avgpool2d'), kernel: z.number().int(), stride: z.number().int() }),
  z.object({ type: z.literal('flatten') }),
  z.object({ type: z.literal('linear'), weight: Tensor, bias: Tensor.optional() }),
]);
export type FixtureLayer = z.infer<typeof Layer>;

const Common = {
  epsilon: z.number(),
  zb: z.boolean(),
  zbBounds: z.tuple([z.number(), z.number()]),
  quantity: z.enum(['logit', 'selective']),
  selectiveEps: z.number(),
};

const HeatmapCase = z.object({ kind: z.literal('heatmap'), ...Common, explained: z.array(z.number().int()), note: z.string().optional(), heatmap: Tensor });

const LossCase = z.object({
  kind: z.literal('isnet-loss'),
  ...Common,
  heatmaps: z.enum(['one per image', 'all classes']),
  explained: z.union([z.array(z.number().int()), z.literal('all')]),
  foreground: z.enum(['L2', 'hybrid']),
  P: z.number(),
  d: z.number(),
  E: z.number(),
  A: z.number(),
  B: z.number(),
  C1: z.number(),
  C2: z.number(),
  heatmap: Tensor,
  classificationLoss: z.number(),
  heatmapLoss: z.number(),
  totalLoss: z.number(),
  grads: z.record(z.string(), Tensor),
});

export const Fixture = z.object({
  format: z.literal('isnet-conformance/1'),
  arch: z.string(),
  source: z.string().optional(),
  layers: z.array(z.unknown()),
  input: Tensor,
  mask: Tensor,
  labels: z.array(z.number().int()),
  logits: Tensor,
  cases: z.array(z.discriminatedUnion('kind', [HeatmapCase, LossCase])),
});
export type Fixture = Omit<z.infer<typeof Fixture>, 'layers'> & { layers: FixtureLayer[] };
export type HeatmapCase = z.infer<typeof HeatmapCase>;
export type LossCase = z.infer<typeof LossCase>;

export class FixtureError extends Error {
  override name = 'FixtureError';
}

/** Reads and validates a fixture; errors name the file and the offending field. */
export function loadFixture(path: string): Fixture {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FixtureError(`${path}: cannot read as JSON: ${(error as Error).message}`);
  }
  return parseFixture(raw, path);
}

export function parseFixture(raw: unknown, origin: string): Fixture {
  const parsed = Fixture.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FixtureError(`${origin}: field '${issue.path.join('.')}': ${issue.message}`);
  }
  const layers = parsed.data.layers.map((layer, i) => {
    const type = (layer as { type?: unknown }).type;
    const result = Layer.safeParse(layer);
    if (result.success) return result.data;
    if (typeof type === 'string' && !Layer.options.some((o) => o.shape.type.value === type)) {
      throw new FixtureError(`${origin}: layers.${i}: unknown layer type '${type}' (known: ${Layer.options.map((o) => o.shape.type.value).join(', ')})`);
    }
    const issue = result.error.issues[0]!;
    throw new FixtureError(`${origin}: field 'layers.${i}.${issue.path.join('.')}': ${issue.message}`);
  });
  return { ...parsed.data, layers };
}
