import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { METHOD_NAMES, methodDefinition, parseMethodConfig, runTraining, type RunSpecInput } from '@isnet-bench/harness';
import { BackboneName } from '@isnet-bench/models';
import { UsageError } from '../io.js';
import { parseAssignments } from '../assignments.js';
import { startEngine, untilInterrupted } from '../session.js';
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

  --method M        ${METHOD_NAMES.join(' | ')}  (isnet-bench methods: what each is, its config and defaults)
  --set key=value   a key of the method's config (dotted for nested keys; JSON values), e.g.
                    --set loss.C1=1 --set loss.C2=25 --set loss.P=0.7 --set explainedClass=highest
                    --set tuneEpochs=1 (the ISNets' C1/C2 tuning: N epochs of the standard classifier first)
  --model M         ${BackboneName.options.join(' | ')} (default small)
  --epochs N        (default 10)       --batch N      (default 128)
  --lr X            (default 0.01)     --optimizer sgd|adam (default sgd, momentum 0.9)
  --seed N          (default 1): weights, batch order, stochastic choices
  --subset N        train on N images of the train split only
  --max-batches N   at most N batches per epoch
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
        seed: { type: 'string' }, subset: { type: 'string' }, 'max-batches': { type: 'string' }, config: { type: 'string' },
        set: { type: 'string', multiple: true },
        resume: { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' },
      },
    });
    if (!values.dataset || !values.out) throw new UsageError('give --dataset DIR and --out DIR');
    const base: RunSpecInput = values.config ? await readConfig(values.config) : ({ method: '' } as RunSpecInput);
    const method = values.method ?? base.method;
    if (!METHOD_NAMES.includes(method)) throw new UsageError(`unknown method '${method || '(none)'}'; methods: ${METHOD_NAMES.join(', ')}`);
    if (values.model && !BackboneName.safeParse(values.model).success) throw new UsageError(`unknown model '${values.model}'; models: ${BackboneName.options.join(', ')}`);
    const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
    // Options given on the command line override the --config file's, key by key.
    const methodConfig = parseAssignments(values.set ?? [], '--set', base.methodConfig);
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
      methodConfig,
      train,
    };
    parseMethodConfig(methodDefinition(method), methodConfig);
    await startEngine(values.backend, io);
    return untilInterrupted(io, '--resume continues', async (signal) => {
      const outcome = await runTraining(spec, values.dataset!, values.out!, { log: (m) => io.err(m), signal, resume: values.resume });
      if (!outcome.evaluation) {
        io.out(`stopped; resume with --resume --out ${values.out}`);
        return 130;
      }
      io.out(values.json ? JSON.stringify(outcome.evaluation, null, 2) : formatEvaluation(outcome.evaluation));
      io.out(`trained in ${outcome.training!.seconds.toFixed(0)} s; results in ${values.out}/results.json`);
      return 0;
    });
  },
};
