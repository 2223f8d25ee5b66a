import { cpSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildDataset } from '@isnet-bench/data';
import { runCli } from './cli.js';
import { COMMANDS, type Command } from './commands/index.js';
import type { CliIO } from './io.js';

// Disk faults that cannot be produced for real here (root ignores permissions, no full disk):
// fs/promises as the packages import it, failing the calls that match a test's fault. Node's
// own ENOSPC from a write names no file; the simulated one does the same.
const faults = vi.hoisted(() => ({ active: [] as Array<{ syscall: 'mkdir' | 'write'; code: string; match: RegExp }> }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const fail = (syscall: 'mkdir' | 'write', path: unknown) => {
    const fault = faults.active.find((f) => f.syscall === syscall && f.match.test(String(path)));
    if (!fault) return;
    const named = syscall === 'mkdir' ? { path: String(path) } : {};
    throw Object.assign(new Error(`${fault.code}: simulated, ${syscall}`), { code: fault.code, errno: -1, syscall, ...named });
  };
  const writeFile: typeof actual.writeFile = async (path, ...rest) => (fail('write', path), actual.writeFile(path, ...rest));
  const mkdir = (async (path: Parameters<typeof actual.mkdir>[0], options?: Parameters<typeof actual.mkdir>[1]) => (fail('mkdir', path), actual.mkdir(path, options))) as typeof actual.mkdir;
  return { ...actual, default: { ...actual, writeFile, mkdir }, writeFile, mkdir };
});

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

let root = '';
const at = (...parts: string[]) => join(root, ...parts);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'isnet-cli-errors-'));
  const ds = at('ds');
  await buildDataset('mnist-bias', { trainCount: 64, validationCount: 16, testCount: 32 }, ds);
  const corrupt = (name: string, damage: (dir: string) => void) => {
    cpSync(ds, at(name), { recursive: true });
    damage(at(name));
  };
  corrupt('no-json', (dir) => rmSync(join(dir, 'dataset.json')));
  corrupt('truncated', (dir) => truncateSync(join(dir, 'train.images.u8'), 10));
  corrupt('not-json', (dir) => writeFileSync(join(dir, 'dataset.json'), '{"format": '));
  corrupt('wrong-format', (dir) => writeFileSync(join(dir, 'dataset.json'), JSON.stringify({ format: { name: 'something-else', version: 1 } })));
  corrupt('missing-array', (dir) => rmSync(join(dir, 'validation.labels.u8')));
  writeFileSync(at('a-file'), 'not a folder');
  writeFileSync(at('wrong-key.json'), JSON.stringify({ method: 'selective', train: { batchsize: 3 } }));
  writeFileSync(at('top-wrong-key.json'), JSON.stringify({ method: 'selective', seeed: 3 }));
  writeFileSync(at('not-json.json'), 'method: selective');
  writeFileSync(at('bad-fixture.json'), JSON.stringify({ format: 'isnet-conformance/0' }));
  const suite = (name: string, change: Record<string, unknown>) =>
    writeFileSync(at(name), JSON.stringify({ name: 'probe', datasets: { digits: { kind: 'mnist-bias', options: { trainCount: 64 } } }, methods: [{ method: 'standard' }], accuracy: {}, ...change }));
  suite('suite-ok.json', {});
  mkdirSync(at('damaged-results'));
  writeFileSync(at('damaged-results', 'results.jsonl'), '{"format":"isnet-bench-result","version":1}\n{"format":"isnet-b');
  mkdirSync(at('old-results'));
  writeFileSync(at('old-results', 'results.jsonl'), '{"format":"isnet-bench-result","version":0}\n');
  suite('suite-key.json', { methods: [{ method: 'standard', config: { P: 0.7 } }] });
  suite('suite-batch.json', { accuracy: { train: { batchSize: -3 } } });
  suite('suite-backbone.json', { backbones: ['resnet50'] });
  suite('suite-kind.json', { datasets: { digits: { kind: 'cifar' } } });
  const run = (name: string, content: string) => {
    mkdirSync(at(name));
    writeFileSync(at(name, 'run.json'), content);
  };
  run('run-no-checkpoint', JSON.stringify({ spec: { method: 'standard', model: 'tiny' } }));
  run('run-not-json', 'nope');
  run('run-bad-model', JSON.stringify({ spec: { method: 'standard', model: 'resnet50' } }));
}, 300_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  faults.active.length = 0;
});

interface BadInput {
  /** The command line, given the temp folder. */
  argv: () => string[];
  /** What the one line must contain: the flag, file or value, and what is allowed where there is a choice. */
  names: Array<string | RegExp | (() => string)>;
  fault?: (typeof faults.active)[number];
  /**
   * Progress lines the command prints before it meets the mistake, for mistakes found only
   * while working (a missing source file, a full disk); every other case prints the one line.
   */
  progress?: RegExp;
}

const train = (...extra: string[]) => ['train', '--method', 'selective', '--dataset', at('ds'), '--out', at('out-train'), '--backend', 'cpu', ...extra];
const bench = (...extra: string[]) => ['bench', 'steps', '--model', 'tiny', '--backend', 'cpu', ...extra];

const BAD_INPUTS: Record<string, BadInput> = {
  // unknown command / subcommand / option
  'unknown command': { argv: () => ['trian'], names: ["unknown command 'trian'", 'commands: run, worker, results, report, merge, methods'] },
  'data without subcommand': { argv: () => ['data'], names: ["unknown data subcommand ''", 'build, inspect or preview'] },
  'unknown data subcommand': { argv: () => ['data', 'frobnicate'], names: ["'frobnicate'", 'build, inspect or preview'] },
  'unknown bench suite': { argv: () => ['bench', 'walk'], names: ["unknown bench suite 'walk'", 'suites: steps'] },
  'unknown option (doctor)': { argv: () => ['doctor', '--fast'], names: ["Unknown option '--fast'", 'options: --backend X, --json'] },
  'unknown option (data inspect)': { argv: () => ['data', 'inspect', at('ds'), '--bogus'], names: ["'--bogus'", '--verify'] },
  'unknown option (evaluate)': { argv: () => ['evaluate', '--checkpoint', at('run-no-checkpoint'), '--dataset', at('ds'), '--epoch', '3'], names: ["'--epoch'", '--checkpoint X'] },
  'unexpected argument (doctor)': { argv: () => ['doctor', 'now'], names: ["'now'"] },
  'value for a switch (gradcheck)': { argv: () => ['gradcheck', '--json=yes'], names: ["'--json'"] },
  'option without its value (bench)': { argv: () => ['bench', 'steps', '--batch'], names: ["'--batch <value>'"] },

  // data build: flags, --set, kinds, sources, output folders
  'unknown dataset kind': { argv: () => ['data', 'build', 'cifar', '--out', at('never')], names: ['cifar', 'kinds: mnist-bias, fashion-bias'] },
  'data build without --out': { argv: () => ['data', 'build', 'mnist-bias'], names: ['--out'] },
  '--seed not a number': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--seed', 'abc'], names: ["--seed: expected an integer from 0 to 4294967295, got 'abc'"] },
  '--seed negative': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--seed=-1'], names: ["--seed: expected an integer from 0 to 4294967295, got '-1'"] },
  '--set negative count': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--set', 'trainCount=-5'], names: ['--set', "field 'trainCount': expected a positive integer, got -5"] },
  '--set fractional count': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--set', 'trainCount=2.5'], names: ["field 'trainCount': expected a positive integer, got 2.5"] },
  '--set not a number': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--set', 'biasStrength=lots'], names: ["field 'biasStrength': expected a number from 0 to 1, got 'lots'"] },
  '--set unknown key': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--set', 'colour=red'], names: ["field 'colour': unknown field", 'biasStrength'] },
  '--set unknown choice': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--set', 'bias=stripes'], names: ["field 'bias': expected one of 'decoy', 'position', got 'stripes'"] },
  '--set without =': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--set', 'trainCount'], names: ["--set: expected key=value, got 'trainCount'"] },
  '--set bad JSON list': { argv: () => ['data', 'build', 'chest-manifest', '--out', at('never'), '--set', 'manifest=m.csv', '--set', 'oodSites=["site-a",'], names: ['--set oodSites', 'not valid JSON'] },
  '--set list of empty names': { argv: () => ['data', 'build', 'chest-manifest', '--out', at('never'), '--set', 'manifest=m.csv', '--set', 'oodSites=site-a,,site-b'], names: ["field 'oodSites.1': expected a non-empty string, got ''"] },
  'chest-manifest without manifest': { argv: () => ['data', 'build', 'chest-manifest', '--out', at('never')], names: ["field 'manifest': expected a non-empty string, got nothing"] },
  'missing manifest file (list option accepted)': {
    argv: () => ['data', 'build', 'chest-manifest', '--out', at('never'), '--set', 'manifest=/nonexistent/m.csv', '--set', 'oodSites=site-a,site-b'],
    names: ['/nonexistent/m.csv: cannot read manifest'],
  },
  'missing IDX source': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('never'), '--source', '/nonexistent/idx'], names: ['/nonexistent/idx/train-images-idx3-ubyte: not found'], progress: /^reading MNIST IDX files$/ },
  'build into a path under a file': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('a-file', 'ds'), '--set', 'trainCount=64', '--set', 'validationCount=16', '--set', 'testCount=32'], names: [() => `${at('a-file', 'ds')}: cannot create the folder: a part of the path is a file, not a folder`] },
  'build onto a file': { argv: () => ['data', 'build', 'mnist-bias', '--out', at('a-file'), '--set', 'trainCount=64', '--set', 'validationCount=16', '--set', 'testCount=32'], names: [() => `${at('a-file')}: cannot create the folder: a file of that name exists`] },
  'build with the disk full (ENOSPC)': {
    argv: () => ['data', 'build', 'mnist-bias', '--out', at('full'), '--set', 'trainCount=64', '--set', 'validationCount=16', '--set', 'testCount=32'],
    fault: { syscall: 'write', code: 'ENOSPC', match: /full\/train\.images/ },
    names: [() => `${at('full', 'train.images.u8')}: cannot write: no space left on the device`],
    progress: /^(reading MNIST IDX files|train: |validation: |test: |unbiased: |confounding: |masks: |artifacts: |placed |drew )/,
  },

  // data inspect / preview: missing and corrupt datasets, output files
  'inspect without folder': { argv: () => ['data', 'inspect'], names: ['give the dataset directory'] },
  'inspect a missing folder': { argv: () => ['data', 'inspect', '/nonexistent'], names: ['/nonexistent/dataset.json: missing'] },
  'inspect without dataset.json': { argv: () => ['data', 'inspect', at('no-json')], names: [() => `${at('no-json', 'dataset.json')}: missing`] },
  'inspect a truncated array file': { argv: () => ['data', 'inspect', at('truncated')], names: [() => `${at('truncated', 'train.images.u8')}: has 10 bytes`] },
  'inspect a dataset.json that is not JSON': { argv: () => ['data', 'inspect', at('not-json')], names: [() => `${at('not-json', 'dataset.json')}: not valid JSON`] },
  'inspect a dataset.json of another format': { argv: () => ['data', 'inspect', at('wrong-format')], names: [() => `${at('wrong-format', 'dataset.json')}: not an isnet-bench dataset manifest`, 'format.name'] },
  'inspect a dataset with an array file missing': { argv: () => ['data', 'inspect', at('missing-array')], names: [() => `${at('missing-array', 'validation.labels.u8')}: missing array file`] },
  'preview without --out': { argv: () => ['data', 'preview', at('ds')], names: ['--out FILE.png'] },
  'preview --per-split 0': { argv: () => ['data', 'preview', at('ds'), '--out', at('p.png'), '--per-split', '0'], names: ["--per-split: expected a positive integer, got '0'"] },
  'preview --per-split abc': { argv: () => ['data', 'preview', at('ds'), '--out', at('p.png'), '--per-split', 'abc'], names: ["--per-split: expected a positive integer, got 'abc'"] },
  'preview into a missing folder': { argv: () => ['data', 'preview', at('ds'), '--out', at('no-such-folder', 'p.png')], names: [() => `${at('no-such-folder', 'p.png')}: cannot open: no such file or folder`] },
  'preview under a file': { argv: () => ['data', 'preview', at('ds'), '--out', at('a-file', 'p.png')], names: [() => `${at('a-file', 'p.png')}: cannot open: a part of the path is a file, not a folder`] },
  'preview with the disk full (ENOSPC)': {
    argv: () => ['data', 'preview', at('ds'), '--out', at('full.png')],
    fault: { syscall: 'write', code: 'ENOSPC', match: /full\.png/ },
    names: [() => `${at('full.png')}: cannot write: no space left on the device`],
  },
  'preview of a corrupt dataset': { argv: () => ['data', 'preview', at('truncated'), '--out', at('p.png')], names: ['train.images.u8: has 10 bytes'] },

  // train (its flags are its own; the boundary maps what it and the harness throw)
  'train on a missing dataset': { argv: () => ['train', '--method', 'selective', '--dataset', '/nonexistent', '--out', at('out-1'), '--backend', 'cpu'], names: ['/nonexistent/dataset.json: missing'] },
  'train on a truncated dataset': { argv: () => ['train', '--method', 'selective', '--dataset', at('truncated'), '--out', at('out-2'), '--backend', 'cpu'], names: ['train.images.u8: has 10 bytes'] },
  'train --batch=-3': { argv: () => train('--batch=-3'), names: ["--batch: expected a positive integer, got '-3'"] },
  'train --batch abc': { argv: () => train('--batch', 'abc'), names: ["--batch: expected a positive integer, got 'abc'"] },
  'train --lr 0': { argv: () => train('--lr', '0'), names: ['--lr: expected', "got '0'"] },
  'train --optimizer rmsprop': { argv: () => train('--optimizer', 'rmsprop'), names: ["--optimizer: expected sgd or adam, got 'rmsprop'"] },
  'train --set loss.C1=-1': { argv: () => train('--set', 'loss.C1=-1'), names: ["method 'selective': field 'loss.C1': C1, the lower target"] },
  'train --set unknown key': { argv: () => train('--set', 'explainedClas=highest'), names: ["method 'selective': field 'explainedClas': unknown field (fields: loss, lrp, deepSupervision, tuneEpochs, explainedClass)"] },
  "train --set another method's key": { argv: () => ['train', '--method', 'stochastic', '--dataset', at('ds'), '--out', at('out-train'), '--set', 'explainedClass=highest'], names: ["method 'stochastic': field 'explainedClass': unknown field (fields: loss, lrp, deepSupervision, tuneEpochs)"] },
  'train --set bad enum value': { argv: () => train('--set', 'explainedClass=top'), names: ["method 'selective': field 'explainedClass': expected one of 'lowest', 'highest', 'label', got 'top'"] },
  'train --set without =': { argv: () => train('--set', 'tuneEpochs'), names: ["--set: expected key=value, got 'tuneEpochs'"] },
  'train without --dataset': { argv: () => ['train', '--method', 'selective', '--out', at('out-3')], names: ['--dataset DIR'] },
  'train unknown method': { argv: () => train('--method', 'isnet++'), names: ["unknown method 'isnet++'", 'methods: standard, selective'] },
  'train unknown backbone': { argv: () => train('--model', 'resnet50'), names: ["unknown model 'resnet50'", 'models: tiny, small'] },
  'train unknown backend': { argv: () => train('--backend', 'cuda'), names: ["unknown backend 'cuda'", 'tensorflow, wasm, cpu'] },
  'train --config wrong key in train': { argv: () => ['train', '--config', at('wrong-key.json'), '--dataset', at('ds'), '--out', at('out-4'), '--backend', 'cpu'], names: [() => `${at('wrong-key.json')}: field 'train.batchsize'`] },
  'train --config wrong top-level key': { argv: () => ['train', '--config', at('top-wrong-key.json'), '--dataset', at('ds'), '--out', at('out-5'), '--backend', 'cpu'], names: ["field 'seeed': unknown field"] },
  'train --config not JSON': { argv: () => ['train', '--config', at('not-json.json'), '--dataset', at('ds'), '--out', at('out-6')], names: [() => `${at('not-json.json')}: not valid JSON`] },
  'train --config missing': { argv: () => ['train', '--config', '/nonexistent/spec.json', '--dataset', at('ds'), '--out', at('out-7')], names: ['/nonexistent/spec.json'] },
  'train --out under a file': { argv: () => ['train', '--method', 'selective', '--dataset', at('ds'), '--out', at('a-file', 'run'), '--backend', 'cpu'], names: [() => `${at('a-file', 'run')}: cannot create the folder: a part of the path is a file, not a folder`] },
  'train --out onto a file': { argv: () => ['train', '--method', 'selective', '--dataset', at('ds'), '--out', at('a-file'), '--backend', 'cpu'], names: [() => `${at('a-file')}: cannot create the folder: a file of that name exists`] },
  'train --out not writable (EACCES)': {
    argv: () => ['train', '--method', 'selective', '--dataset', at('ds'), '--out', at('locked', 'run'), '--backend', 'cpu'],
    fault: { syscall: 'mkdir', code: 'EACCES', match: /locked/ },
    names: [() => `${at('locked', 'run')}: cannot create the folder: permission denied`],
  },

  // run, methods, schema: suites are checked before anything runs
  'run without a suite': { argv: () => ['run', '--out', at('results')], names: ['give the suite file'] },
  'run without --out': { argv: () => ['run', at('suite-ok.json')], names: ['give --out DIR'] },
  'run two suites': { argv: () => ['run', at('suite-ok.json'), at('suite-ok.json'), '--out', at('results')], names: ['one suite at a time'] },
  'run a missing suite': { argv: () => ['run', '/nonexistent/suite.json', '--out', at('results')], names: ['/nonexistent/suite.json: no such suite file'] },
  'run a suite that is not JSON': { argv: () => ['run', at('not-json.json'), '--out', at('results')], names: [() => `${at('not-json.json')}: not JSON`] },
  'run a suite with a config key its method lacks': { argv: () => ['run', at('suite-key.json'), '--out', at('results')], names: [() => `${at('suite-key.json')}: field 'methods.0.config.P': unknown field (it takes no fields) (method 'standard')`] },
  'run a suite with a bad training value': { argv: () => ['run', at('suite-batch.json'), '--out', at('results')], names: [() => `${at('suite-batch.json')}: field 'accuracy.train.batchSize': expected a positive integer, got -3`] },
  'run a suite with an unknown backbone': { argv: () => ['run', at('suite-backbone.json'), '--out', at('results')], names: ["field 'backbones.0': expected one of tiny, small", "got 'resnet50'"] },
  'run a suite with an unknown dataset kind': { argv: () => ['run', at('suite-kind.json'), '--out', at('results')], names: ["field 'datasets.digits.kind': expected one of mnist-bias", "got 'cifar'"] },
  'run --out under a file': { argv: () => ['run', at('suite-ok.json'), '--out', at('a-file', 'results'), '--backend', 'cpu'], names: [() => `${at('a-file', 'results')}`, 'a part of the path is a file, not a folder'] },
  'run --data-cache under a file': { argv: () => ['run', at('suite-ok.json'), '--out', at('results-cache'), '--data-cache', at('a-file', 'cache'), '--backend', 'cpu'], names: [() => `${at('a-file', 'cache')}`, 'a part of the path is a file, not a folder'] },
  'results of a folder without results': { argv: () => ['results', at('ds')], names: [() => `${at('ds', 'results.jsonl')}: missing: not a results folder of 'isnet-bench run'`] },
  'results with a damaged line': { argv: () => ['results', at('damaged-results')], names: [() => `${at('damaged-results', 'results.jsonl')}:2: not JSON`] },
  'results of another format': { argv: () => ['results', at('old-results')], names: [() => `${at('old-results', 'results.jsonl')}:1: a record of format "isnet-bench-result" version 0; this build reads isnet-bench-result version 1`] },
  'run --shard beyond its count': { argv: () => ['run', at('suite-ok.json'), '--out', at('results'), '--shard', '4/3'], names: ["--shard: expected i/n with 1 <= i <= n (e.g. 2/3), got '4/3'"] },
  'run --shard not i/n': { argv: () => ['run', at('suite-ok.json'), '--out', at('results'), '--shard', 'half'], names: ["--shard: expected i/n", "got 'half'"] },
  'merge without --out': { argv: () => ['merge', at('damaged-results')], names: ['give --out DIR'] },
  'merge a folder that is not a results folder': { argv: () => ['merge', at('ds'), '--out', at('merged')], names: [() => `${at('ds', 'suite.json')}: missing: not a results folder of 'isnet-bench run'`] },
  'schema of an unknown kind': { argv: () => ['schema', 'results'], names: ["which schema: suite (got 'results')"] },
  'methods with an unknown option': { argv: () => ['methods', '--bogus'], names: ["Unknown option '--bogus'", '--json'] },

  // evaluate: run folders, checkpoints, datasets
  'evaluate without --checkpoint': { argv: () => ['evaluate', '--dataset', at('ds')], names: ['--checkpoint RUN_DIR'] },
  'evaluate a missing run folder': { argv: () => ['evaluate', '--checkpoint', '/nonexistent/run', '--dataset', at('ds')], names: ['/nonexistent/run/run.json: missing'] },
  'evaluate a run without checkpoint': { argv: () => ['evaluate', '--checkpoint', at('run-no-checkpoint'), '--dataset', at('ds'), '--backend', 'cpu'], names: [() => `checkpoint ${at('run-no-checkpoint', 'checkpoints', 'best')}: no checkpoint.json`] },
  'evaluate a run.json that is not JSON': { argv: () => ['evaluate', '--checkpoint', at('run-not-json'), '--dataset', at('ds'), '--backend', 'cpu'], names: [() => `${at('run-not-json', 'run.json')}: cannot read as JSON`] },
  'evaluate a run.json with an unknown backbone': { argv: () => ['evaluate', '--checkpoint', at('run-bad-model'), '--dataset', at('ds'), '--backend', 'cpu'], names: ["field 'spec.model': expected one of 'tiny', 'small'"] },
  'evaluate on a missing dataset': { argv: () => ['evaluate', '--checkpoint', at('run-no-checkpoint'), '--dataset', '/nonexistent', '--backend', 'cpu'], names: ['/nonexistent/dataset.json: missing'] },

  // conformance, doctor, gradcheck, bench
  'conformance without fixtures': { argv: () => ['conformance'], names: ['give at least one fixture file'] },
  'conformance on a missing fixture': { argv: () => ['conformance', '/nonexistent/x.json'], names: ['/nonexistent/x.json: cannot read as JSON'] },
  'conformance on a fixture of another format': { argv: () => ['conformance', at('bad-fixture.json')], names: [() => `${at('bad-fixture.json')}: field 'format'`] },
  'doctor unknown backend': { argv: () => ['doctor', '--backend', 'cuda'], names: ["unknown backend 'cuda'", 'tensorflow, wasm, cpu'] },
  'gradcheck unknown backend': { argv: () => ['gradcheck', '--backend', 'metal'], names: ["unknown backend 'metal'"] },
  'bench --batch=-3': { argv: () => bench('--batch=-3'), names: ["--batch: expected a positive integer, got '-3'"] },
  'bench --batch 2.5': { argv: () => bench('--batch', '2.5'), names: ["--batch: expected a positive integer, got '2.5'"] },
  'bench --steps abc': { argv: () => bench('--steps', 'abc'), names: ["--steps: expected a positive integer, got 'abc'"] },
  'bench --classes with a zero': { argv: () => bench('--classes', '10,0'), names: ["--classes: expected a positive integer, got '0' (item of '10,0')"] },
  'bench unknown method': { argv: () => bench('--methods', 'selective,isnet++'), names: ["unknown method 'isnet++'", 'methods: standard'] },
  'bench unknown backbone': { argv: () => bench('--model', 'resnet50'), names: ["unknown model 'resnet50'", 'models: tiny'] },
  'bench --input not HxWxC': { argv: () => bench('--input', '28x28'), names: ["--input: expected HxWxC", "got '28x28'"] },
};

describe('one error line per user mistake', () => {
  it('covers at least 30 bad inputs', () => {
    expect(Object.keys(BAD_INPUTS).length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(BAD_INPUTS))('%s: exit 2, one line naming it, no stack', async (_, { argv, names, fault, progress }) => {
    if (fault) faults.active.push(fault);
    const io = capture();
    const args = argv();
    const status = await runCli(args, io);
    // train and run log their backend choice before the work starts; that is progress, not the error.
    const lines = io.stderr.filter((line) => !(['train', 'run'].includes(args[0]!) && /^backend \w+$/.test(line)));
    const line = lines.at(-1) ?? '';
    const before = lines.slice(0, -1);
    if (progress) for (const earlier of before) expect(earlier).toMatch(progress);
    else expect(lines, lines.join('\n')).toHaveLength(1);
    expect(line).toMatch(new RegExp(`^isnet-bench( ${args[0]})?: `));
    expect(line).not.toContain('\n');
    expect(line).not.toMatch(/\bat .*[(/].*:\d+/);
    expect(line).not.toMatch(/^\s*[[{]/m);
    for (const name of names) {
      if (name instanceof RegExp) expect(line).toMatch(name);
      else expect(line).toContain(typeof name === 'function' ? name() : name);
    }
    expect(status).toBe(2);
  });

  it('takes a list for a list option: --set oodSites=site-a,site-b reaches the loader as a list', async () => {
    // The same line, with a manifest that has sites: a list reached the loader when it names the missing site.
    const synth = at('synth');
    await buildDataset('chest-synth', { imagesPerSite: 9, pngSize: 16, size: 8 }, synth);
    const manifest = join(synth, 'source', 'manifest.csv');
    const io = capture();
    expect(await runCli(['data', 'build', 'chest-manifest', '--out', at('chest'), '--set', `manifest=${manifest}`, '--set', 'size=8', '--set', 'oodSites=site-c,site-b', '--json'], io)).toBe(0);
    expect(Object.keys(JSON.parse(io.stdout.join('')).splits.ood.perSite).sort()).toEqual(['site-b', 'site-c']);
    const json = capture();
    expect(await runCli(['data', 'build', 'chest-manifest', '--out', at('chest-2'), '--set', `manifest=${manifest}`, '--set', 'size=8', '--set', 'oodSites=["site-c","site-x"]'], json)).toBe(2);
    expect(json.stderr).toEqual([`isnet-bench data: ${manifest}: oodSites names 'site-x', which no row has (sites: site-a, site-b, site-c)`]);
  });
});

describe('unexpected errors', () => {
  const boom: Command = {
    name: 'boom',
    summary: 'fails like a bug',
    usage: 'isnet-bench boom',
    run: async (args) => {
      if (args.length) throw new Error(`unexpected arguments ${args.join(' ')}`);
      const settings = undefined as unknown as { batch: number };
      return settings.batch;
    },
  };
  beforeAll(() => COMMANDS.push(boom));
  afterAll(() => COMMANDS.splice(COMMANDS.indexOf(boom), 1));

  it('give one line asking for a report, and exit 1', async () => {
    const io = capture();
    expect(await runCli(['boom'], io)).toBe(1);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/^isnet-bench boom: internal error: Cannot read properties of undefined \(reading 'batch'\) \(please report it with --verbose output\)$/);
  });

  it('show the stack with --verbose anywhere on the line, which the command never sees', async () => {
    const io = capture();
    expect(await runCli(['--verbose', 'boom'], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/^isnet-bench boom: internal error: Cannot read properties of undefined/);
    expect(io.stderr.slice(1).join('\n')).toMatch(/TypeError: Cannot read properties of undefined[\s\S]*\n\s+at .*errors\.test\.ts/);
    const user = capture();
    expect(await runCli(['data', 'inspect', '/nonexistent', '--verbose'], user)).toBe(2);
    expect(user.stderr[0]).toBe('isnet-bench data: /nonexistent/dataset.json: missing: not a dataset directory, or its build did not finish');
    expect(user.stderr.slice(1).join('\n')).toMatch(/DataError[\s\S]*\n\s+at readDatasetJson/);
  });
});
