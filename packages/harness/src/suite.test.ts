import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSuite, suiteJsonSchema, SuiteError } from './suite.js';

const benchmarks = fileURLToPath(new URL('../../../benchmarks/', import.meta.url));
// Suites are the JSON files there but the schema and files of a named format (the speed baseline).
const suiteFiles = readdirSync(benchmarks).filter((f) => f.endsWith('.json') && f !== 'suite.schema.json' && !('format' in JSON.parse(readFileSync(`${benchmarks}${f}`, 'utf8'))));

const valid = {
  name: 'probe',
  datasets: { digits: { kind: 'mnist-bias', options: { bias: 'position', trainCount: 100 } } },
  methods: [{ method: 'standard' }, { method: 'selective', config: { explainedClass: 'highest' } }],
  accuracy: { train: { epochs: 1 } },
};

/** The suite with `change` applied at the top level (a value of undefined removes the key). */
const variant = (change: Record<string, unknown>) => ({ ...valid, ...change });

function failure(input: unknown): string {
  try {
    parseSuite(input, 'probe.json');
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteError);
    return (error as Error).message;
  }
  throw new Error('the suite was accepted');
}

describe('suite files', () => {
  it('accepts the committed suites, each naming the committed schema', () => {
    expect(suiteFiles).toEqual(expect.arrayContaining(['smoke.json', 'quick.json', 'class-scaling.json', 'mnist-paper.json']));
    for (const file of suiteFiles) {
      const input = JSON.parse(readFileSync(`${benchmarks}${file}`, 'utf8'));
      expect(input.$schema, file).toBe('./suite.schema.json');
      expect(() => parseSuite(input, file), file).not.toThrow();
    }
  });

  it('commits the JSON Schema the code makes (regenerate: isnet-bench schema suite > benchmarks/suite.schema.json)', () => {
    expect(JSON.parse(readFileSync(`${benchmarks}suite.schema.json`, 'utf8'))).toEqual(JSON.parse(JSON.stringify(suiteJsonSchema())));
  });

  it('fills in defaults and keeps each method config as its schema parses it', () => {
    const suite = parseSuite(valid, 'probe.json');
    expect(suite.backbones).toEqual([{ name: 'small', options: {} }]);
    expect(suite.seeds).toEqual([1]);
    expect(suite.accuracy!.datasets).toEqual(['digits']);
    expect(suite.accuracy!.train.batchSize).toBe(128);
    expect(suite.methods[1]).toMatchObject({ method: 'selective', label: 'selective', config: { explainedClass: 'highest', tuneEpochs: 0, loss: { P: 0.7 } } });
    expect(suite.datasets['digits']).toEqual({ kind: 'mnist-bias', options: expect.objectContaining({ bias: 'position', trainCount: 100, seed: 1 }) });
  });

  // Each bad suite gives one line: the file, the JSON path, the value and what is allowed.
  const bad: [string, unknown, RegExp][] = [
    ['not an object', 3, /^probe\.json: the whole value: expected an object, got 3$/],
    ['unknown top-level key', variant({ colour: 'red' }), /^probe\.json: field 'colour': unknown field \(fields: \$schema, name, description, datasets, methods, backbones, seeds, accuracy, timing\)$/],
    ['missing name', variant({ name: undefined }), /^probe\.json: field 'name': expected a string, got nothing$/],
    ['bad name', variant({ name: 'a b' }), /^probe\.json: field 'name': a name of letters, digits, ".", "_" and "-", got 'a b'$/],
    ['no datasets', variant({ datasets: {} }), /^probe\.json: field 'datasets': name at least one dataset$/],
    ['unknown dataset kind', variant({ datasets: { d: { kind: 'mnist-bis' } } }), /^probe\.json: field 'datasets\.d\.kind': expected one of mnist-bias, fashion-bias, chest-synth, chest-manifest .*got 'mnist-bis'$/],
    ['bad build option value', variant({ datasets: { d: { kind: 'mnist-bias', options: { bias: 'pos' } } } }), /^probe\.json: field 'datasets\.d\.options\.bias': expected one of 'decoy', 'position', got 'pos'$/],
    ['unknown build option', variant({ datasets: { d: { kind: 'mnist-bias', options: { colour: 1 } } } }), /^probe\.json: field 'datasets\.d\.options\.colour': unknown field \(fields: seed, bias, /],
    ['manifest without a path', variant({ datasets: { d: { kind: 'chest-manifest', options: {} } } }), /^probe\.json: field 'datasets\.d\.options\.manifest': expected a non-empty string, got nothing$/],
    ['no methods', variant({ methods: [] }), /^probe\.json: field 'methods': expected a list of objects, at least 1, got \[\]$/],
    ['unknown method', variant({ methods: [{ method: 'isnet++' }] }), /^probe\.json: field 'methods\.0\.method': not a method; methods: standard, selective, .*got 'isnet\+\+'$/],
    ['unknown method config key', variant({ methods: [{ method: 'stochastic', config: { explainedClass: 'highest' } }] }), /^probe\.json: field 'methods\.0\.config\.explainedClass': unknown field \(fields: loss, lrp, deepSupervision, tuneEpochs\) \(method 'stochastic'\)$/],
    ['config key for a method without config', variant({ methods: [{ method: 'standard', config: { P: 1 } }] }), /^probe\.json: field 'methods\.0\.config\.P': unknown field \(it takes no fields\) \(method 'standard'\)$/],
    ['bad nested method value', variant({ methods: [{ method: 'selective', config: { loss: { C1: -1 } } }] }), /^probe\.json: field 'methods\.0\.config\.loss\.C1': C1, the lower target of the foreground relevance, must be positive, got -1 \(method 'selective'\)$/],
    ['bad enum in method config', variant({ methods: [{ method: 'selective', config: { explainedClass: 'top' } }] }), /^probe\.json: field 'methods\.0\.config\.explainedClass': expected one of 'lowest', 'highest', 'label', got 'top' \(method 'selective'\)$/],
    ['one method twice without labels', variant({ methods: [{ method: 'standard' }, { method: 'standard' }] }), /^probe\.json: field 'methods\.1': a second method labelled 'standard': give each entry of one method its own "label"/],
    ['unknown backbone', variant({ backbones: ['resnet50'] }), /^probe\.json: field 'backbones\.0': expected one of tiny, small, .*got 'resnet50'$/],
    ['unknown backbone in an object', variant({ backbones: [{ name: 'resnet50' }] }), /^probe\.json: field 'backbones\.0\.name': expected one of tiny, /],
    ['bad backbone option', variant({ backbones: [{ name: 'resnet18', width: 0 }] }), /^probe\.json: field 'backbones\.0\.width': expected a positive integer, got 0$/],
    ['negative seed', variant({ seeds: [-1] }), /^probe\.json: field 'seeds\.0': expected an integer from 0 to 4294967295, got -1$/],
    ['neither accuracy nor timing', variant({ accuracy: undefined }), /^probe\.json: give "accuracy" \(train and test\), "timing" \(epoch time per class count\) or both$/],
    ['bad training option', variant({ accuracy: { train: { batchSize: -3 } } }), /^probe\.json: field 'accuracy\.train\.batchSize': expected a positive integer, got -3$/],
    ['unknown training option', variant({ accuracy: { train: { learningRate: 1 } } }), /^probe\.json: field 'accuracy\.train\.learningRate': unknown field \(fields: epochs, batchSize, /],
    ['seed in the training options', variant({ accuracy: { train: { seed: 3 } } }), /^probe\.json: field 'accuracy\.train\.seed': unknown field/],
    ['unknown optimizer', variant({ accuracy: { train: { optimizer: { kind: 'rmsprop' } } } }), /^probe\.json: field 'accuracy\.train\.optimizer\.kind': expected one of 'sgd', 'adam', got 'rmsprop'$/],
    ['accuracy on a dataset the suite lacks', variant({ accuracy: { datasets: ['fashion'] } }), /^probe\.json: field 'accuracy\.datasets\.0': not a dataset of this suite; datasets: digits, got 'fashion'$/],
    ['timing on a dataset the suite lacks', variant({ timing: { dataset: 'fashion' } }), /^probe\.json: field 'timing\.dataset': not a dataset of this suite; datasets: digits, got 'fashion'$/],
    ['a class count below 2', variant({ timing: { dataset: 'digits', classes: [1, 10] } }), /^probe\.json: field 'timing\.classes\.0': expected an integer >= 2, got 1$/],
  ];

  it.each(bad)('%s: one line naming the file, the path, the value and what is allowed', (_name, input, expected) => {
    const message = failure(input);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });
});
