import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSuite, suiteJsonSchema, SuiteError } from './suite.js';

const benchmarks = fileURLToPath(new URL('../../../benchmarks/', import.meta.url));
const suiteFiles = readdirSync(benchmarks).filter((f) => f.endsWith('.json') && f !== 'suite.schema.json');

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
    ['not an object', 3, /^probe\.json: \(top level\): 3: /],
    ['unknown top-level key', variant({ colour: 'red' }), /^probe\.json: \(top level\): unknown key 'colour'$/],
    ['missing name', variant({ name: undefined }), /^probe\.json: name: missing: /],
    ['bad name', variant({ name: 'a b' }), /^probe\.json: name: "a b": a name of letters/],
    ['no datasets', variant({ datasets: {} }), /^probe\.json: datasets: \{\}: name at least one dataset$/],
    ['unknown dataset kind', variant({ datasets: { d: { kind: 'mnist-bis' } } }), /^probe\.json: datasets\.d\.kind: "mnist-bis": give "kind" \(one of mnist-bias, fashion-bias, chest-synth, chest-manifest\)/],
    ['bad build option value', variant({ datasets: { d: { kind: 'mnist-bias', options: { bias: 'pos' } } } }), /^probe\.json: datasets\.d\.options\.bias: "pos": Invalid option: expected one of "decoy"\|"position"$/],
    ['unknown build option', variant({ datasets: { d: { kind: 'mnist-bias', options: { colour: 1 } } } }), /^probe\.json: datasets\.d\.options: unknown key 'colour'$/],
    ['manifest without a path', variant({ datasets: { d: { kind: 'chest-manifest', options: {} } } }), /^probe\.json: datasets\.d\.options\.manifest: missing: /],
    ['no methods', variant({ methods: [] }), /^probe\.json: methods: \[\]: Too small/],
    ['unknown method', variant({ methods: [{ method: 'isnet++' }] }), /^probe\.json: methods\[0\]\.method: "isnet\+\+": not a method; methods: standard, selective, /],
    ['unknown method config key', variant({ methods: [{ method: 'stochastic', config: { explainedClass: 'highest' } }] }), /^probe\.json: methods\[0\]\.config: unknown key 'explainedClass'; method 'stochastic' takes the keys loss, lrp, deepSupervision, tuneEpochs$/],
    ['config key for a method without config', variant({ methods: [{ method: 'standard', config: { P: 1 } }] }), /^probe\.json: methods\[0\]\.config: unknown key 'P'; method 'standard' takes no config keys$/],
    ['bad nested method value', variant({ methods: [{ method: 'selective', config: { loss: { C1: -1 } } }] }), /^probe\.json: methods\[0\]\.config\.loss\.C1: -1: C1, the lower target/],
    ['bad enum in method config', variant({ methods: [{ method: 'selective', config: { explainedClass: 'top' } }] }), /^probe\.json: methods\[0\]\.config\.explainedClass: "top": Invalid option/],
    ['one method twice without labels', variant({ methods: [{ method: 'standard' }, { method: 'standard' }] }), /^probe\.json: methods\[1\]: \{"method":"standard"\}: a second method labelled 'standard'/],
    ['unknown backbone', variant({ backbones: ['resnet50'] }), /^probe\.json: backbones\[0\]: "resnet50": not a backbone; backbones: tiny, small, /],
    ['unknown backbone in an object', variant({ backbones: [{ name: 'resnet50' }] }), /^probe\.json: backbones\[0\]\.name: "resnet50": not a backbone/],
    ['bad backbone option', variant({ backbones: [{ name: 'resnet18', width: 0 }] }), /^probe\.json: backbones\[0\]\.width: 0: Too small/],
    ['negative seed', variant({ seeds: [-1] }), /^probe\.json: seeds\[0\]: -1: Too small/],
    ['neither accuracy nor timing', variant({ accuracy: undefined }), /^probe\.json: \(top level\): give "accuracy" \(train and test\), "timing"/],
    ['bad training option', variant({ accuracy: { train: { batchSize: -3 } } }), /^probe\.json: accuracy\.train\.batchSize: -3: Too small: expected number to be >0$/],
    ['unknown training option', variant({ accuracy: { train: { learningRate: 1 } } }), /^probe\.json: accuracy\.train: unknown key 'learningRate'$/],
    ['seed in the training options', variant({ accuracy: { train: { seed: 3 } } }), /^probe\.json: accuracy\.train: unknown key 'seed'$/],
    ['unknown optimizer', variant({ accuracy: { train: { optimizer: { kind: 'rmsprop' } } } }), /^probe\.json: accuracy\.train\.optimizer\.kind: "rmsprop": /],
    ['accuracy on a dataset the suite lacks', variant({ accuracy: { datasets: ['fashion'] } }), /^probe\.json: accuracy\.datasets\[0\]: "fashion": not a dataset of this suite; datasets: digits$/],
    ['timing on a dataset the suite lacks', variant({ timing: { dataset: 'fashion' } }), /^probe\.json: timing\.dataset: "fashion": not a dataset of this suite/],
    ['a class count below 2', variant({ timing: { dataset: 'digits', classes: [1, 10] } }), /^probe\.json: timing\.classes\[0\]: 1: Too small/],
  ];

  it.each(bad)('%s: one line naming the file, the path, the value and what is allowed', (_name, input, expected) => {
    const message = failure(input);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });
});
