import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { initEngine } from '@isnet-bench/engine';
import { METHOD_NAMES, runTraining, type RunSpecInput } from '@isnet-bench/harness';
import { BackboneName } from '@isnet-bench/models';
import { UsageError } from '../io.js';
import type { Command } from './command.js';
import { formatEvaluation } from './evaluate.js';

const number = (value: string | undefined, option: string) => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new UsageError(`--${option}: '${value}' is not a number`);
  return parsed;
};

async function readConfig(path: string): Promise<RunSpecInput> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunSpecInput;
  } catch (error) {
    throw new UsageError(`${path}: cannot read as JSON: ${(error as Error).message}`);
  }
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a method on a built dataset, then evaluate its best checkpoint on the test splits',
  usage: `isnet-bench train --method M --dataset DIR --out DIR [options]

  --method M        ${METHOD_NAMES.join(' | ')}
  --model M         ${BackboneName.options.join(' | ')} (default small)
  --epochs N        (default 10)       --batch N      (default 128)
  --lr X            (default 0.01)     --optimizer sgd|adam (default sgd, momentum 0.9)
  --seed N          (default 1): weights, batch order, stochastic choices
  --subset N        train on N images of the train split only
  --max-batches N   at most N batches per epoch
  --tune N          tune C1/C2 first (spec 4): N epochs of the standard classifier
  --C1 X --C2 X --P X   ISNet loss parameters (defaults: reference values)
  --explained-class lowest|highest|label   Selective ISNet's trained class (default lowest, as published)
  --config FILE     a run spec (JSON: method, model, methodConfig, train, seed, ...) under the options
  --resume          continue the run in --out from its last checkpoint
  --backend B       tensorflow | wasm | cpu
Writes DIR/run.json, DIR/checkpoints/{best,last}, DIR/results.json. Ctrl-C stops after the
current step with a checkpoint; --resume continues exactly.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        method: { type: 'string' }, dataset: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' },
        epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, optimizer: { type: 'string' },
        seed: { type: 'string' }, subset: { type: 'string' }, 'max-batches': { type: 'string' }, tune: { type: 'string' },
        C1: { type: 'string' }, C2: { type: 'string' }, P: { type: 'string' }, config: { type: 'string' },
        'explained-class': { type: 'string' },
        resume: { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' },
      },
    });
    if (!values.dataset || !values.out) throw new UsageError('give --dataset DIR and --out DIR');
    const base: RunSpecInput = values.config ? await readConfig(values.config) : ({ method: '' } as RunSpecInput);
    const method = values.method ?? base.method;
    if (!METHOD_NAMES.includes(method)) throw new UsageError(`unknown method '${method || '(none)'}'; methods: ${METHOD_NAMES.join(', ')}`);
    if (values.model && !BackboneName.safeParse(values.model).success) throw new UsageError(`unknown model '${values.model}'; models: ${BackboneName.options.join(', ')}`);
    const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
    const loss = defined({ C1: number(values.C1, 'C1'), C2: number(values.C2, 'C2'), P: number(values.P, 'P') });
    const explainedClass = values['explained-class'];
    if (explainedClass !== undefined) {
      if (!method.startsWith('selective')) throw new UsageError(`--explained-class is an option of Selective ISNet, not of '${method}'`);
      if (!['lowest', 'highest', 'label'].includes(explainedClass)) throw new UsageError(`--explained-class: '${explainedClass}' is not lowest, highest or label`);
    }
    const methodConfig = {
      ...base.methodConfig,
      ...(Object.keys(loss).length ? { loss: { ...(base.methodConfig?.['loss'] as object), ...loss } } : {}),
      ...(explainedClass ? { explainedClass } : {}),
    };
    // Options given on the command line override the --config file's, key by key.
    const train = {
      ...base.train,
      ...defined({
        epochs: number(values.epochs, 'epochs'),
        batchSize: number(values.batch, 'batch'),
        trainSubset: number(values.subset, 'subset'),
        maxBatchesPerEpoch: number(values['max-batches'], 'max-batches'),
        optimizer: values.optimizer || values.lr ? { kind: values.optimizer ?? 'sgd', ...(values.lr ? { lr: number(values.lr, 'lr') } : {}) } : undefined,
      }),
    };
    const spec: RunSpecInput = {
      ...base,
      method,
      model: (values.model as RunSpecInput['model']) ?? base.model,
      seed: number(values.seed, 'seed') ?? base.seed,
      tuneEpochs: number(values.tune, 'tune') ?? base.tuneEpochs,
      methodConfig,
      train,
    };
    const engine = await initEngine({ backend: values.backend });
    io.err(`backend ${engine.backend}${engine.native.ok ? ` + native kernels (${engine.native.threads} threads)` : ''}`);
    const controller = new AbortController();
    const stop = () => {
      io.err('stopping after this step (a checkpoint is written; --resume continues)');
      controller.abort();
    };
    process.once('SIGINT', stop);
    try {
      const outcome = await runTraining(spec, values.dataset, values.out, { log: (m) => io.err(m), signal: controller.signal, resume: values.resume });
      if (!outcome.evaluation) {
        io.out(`stopped; resume with --resume --out ${values.out}`);
        return 130;
      }
      io.out(values.json ? JSON.stringify(outcome.evaluation, null, 2) : formatEvaluation(outcome.evaluation));
      io.out(`trained in ${outcome.training.seconds.toFixed(0)} s; results in ${values.out}/results.json`);
      return 0;
    } finally {
      process.off('SIGINT', stop);
    }
  },
};
