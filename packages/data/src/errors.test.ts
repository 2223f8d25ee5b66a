import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeExpected, describeIssues } from './errors.js';
import { buildOptionsSchemas } from './options.js';

const optimizer = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sgd'), lr: z.number().positive(), momentum: z.number().min(0).lt(1).default(0.9) }),
  z.strictObject({ kind: z.literal('adam'), lr: z.number().positive() }),
]);
const schema = z.strictObject({
  train: z
    .strictObject({
      batchSize: z.number().int().positive().default(128),
      seed: z.number().int().min(0).max(0xffffffff).default(0),
      optimizer: optimizer.prefault({ kind: 'sgd', lr: 0.01 }),
      splits: z.array(z.string().min(1)).min(1).optional(),
      C1: z.number().gt(0, 'C1, the lower target, must be positive').default(1),
    })
    .refine((t) => t.batchSize < 10_000, { message: 'batchSize must stay below 10000', path: ['batchSize'] }),
  mode: z.enum(['fast', 'exact']).default('fast'),
});

const describe_ = (input: unknown, context: 'full' | 'issues' | 'none' = 'full') => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected issues');
  return describeIssues(parsed.error.issues, context === 'full' ? { input, schema } : context === 'issues' ? {} : undefined);
};

describe('describeIssues', () => {
  it("keeps zod's messages without a context", () => {
    expect(describe_({ train: { batchSize: 0 } }, 'none')).toBe('train.batchSize: Too small: expected number to be >0');
  });

  it('names each field, what it allows and what it got, given the input and schema', () => {
    expect(describe_({ train: { batchSize: -3 } })).toBe("field 'train.batchSize': expected a positive integer, got -3");
    expect(describe_({ train: { batchSize: 2.5, seed: -1 } })).toBe(
      "field 'train.batchSize': expected a positive integer, got 2.5; field 'train.seed': expected an integer from 0 to 4294967295, got -1",
    );
    expect(describe_({ train: {}, mode: 'slow' })).toBe("field 'mode': expected one of 'fast', 'exact', got 'slow'");
    expect(describe_({ train: { splits: ['a', ''] } })).toBe("field 'train.splits.1': expected a non-empty string, got ''");
    expect(describe_({ train: { splits: 'a,b' } })).toBe("field 'train.splits': expected a list of non-empty strings, at least 1, got 'a,b'");
  });

  it('lists the fields an unknown key could have meant, inside unions too', () => {
    expect(describe_({ train: { batchsize: 3 } })).toBe("field 'train.batchsize': unknown field (fields: batchSize, seed, optimizer, splits, C1)");
    expect(describe_({ train: { optimizer: { kind: 'adam', lr: 0.1, momentum: 0.9 } } })).toBe("field 'train.optimizer.momentum': unknown field (fields: kind, lr)");
    expect(describe_({ train: { optimizer: { kind: 'sgd', lr: 0.1, momentum: 1 } } })).toBe("field 'train.optimizer.momentum': expected a number >= 0 and < 1, got 1");
    expect(describe_({ train: { optimizer: { kind: 'rmsprop', lr: 0.1 } } })).toBe("field 'train.optimizer.kind': expected one of 'sgd', 'adam', got 'rmsprop'");
  });

  it("keeps a schema author's message, and a refinement's without the value", () => {
    expect(describe_({ train: { C1: 0 } })).toBe("field 'train.C1': C1, the lower target, must be positive, got 0");
    expect(describe_({ train: { batchSize: 20_000 } })).toBe("field 'train.batchSize': batchSize must stay below 10000");
  });

  it('says what a check asked for from the issue alone (no schema, no input)', () => {
    expect(describe_({ train: { batchSize: -3, batchsize: 1 }, mode: 'slow' }, 'issues')).toBe(
      "field 'train.batchSize': expected a number > 0; field 'train.batchsize': unknown field; field 'mode': expected one of 'fast', 'exact'",
    );
  });
});

describe('describeExpected', () => {
  it('puts the build options in words', () => {
    const digits = buildOptionsSchemas['mnist-bias'].shape;
    expect(describeExpected(digits.trainCount)).toBe('a positive integer');
    expect(describeExpected(digits.validationCount)).toBe('an integer >= 0');
    expect(describeExpected(digits.biasStrength)).toBe('a number from 0 to 1');
    expect(describeExpected(digits.maskThreshold)).toBe('a number > 0 and < 1');
    expect(describeExpected(digits.bias)).toBe("one of 'decoy', 'position'");
    expect(describeExpected(buildOptionsSchemas['chest-manifest'].shape.oodSites)).toBe('a list of non-empty strings');
    expect(describeExpected(z.boolean())).toBe('true or false');
  });
});
