import { METHOD_NAMES, methodDefinition, parseMethodConfig, runTraining, type RunSpecInput } from '@isnet-bench/harness';
import { BackboneName } from '@isnet-bench/models';
import { readJsonFile, runConfigFileSchema } from '../config-file.js';
import { countFlag, FLAG, numberFlag, parseFlags, settingsFlag } from '../flags.js';
import { UsageError } from '../io.js';
import { startEngine, untilInterrupted } from '../session.js';
import type { Command } from './command.js';
import { formatEvaluation } from './evaluate.js';

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
  --select S        the checkpoint evaluated: loss (the lowest validation loss of the method's own
                    objective, inference mode; the default where a method has one: the ISNets,
                    standard) | accuracy (the highest validation accuracy)
  --config FILE     a run spec (JSON: method, model, methodConfig, train, seed, ...) under the options
  --resume          continue the run in --out from its last checkpoint
  --backend B       tensorflow | wasm | cpu
Writes DIR/run.json, DIR/checkpoints/{best,last}, DIR/results.json. Ctrl-C stops after the
current step with a checkpoint; --resume continues exactly.`,
  async run(args, io) {
    const { values } = parseFlags({
      args,
      options: {
        method: { type: 'string' }, dataset: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' },
        epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, optimizer: { type: 'string' },
        seed: { type: 'string' }, subset: { type: 'string' }, 'max-batches': { type: 'string' }, config: { type: 'string' }, select: { type: 'string' },
        set: { type: 'string', multiple: true },
        resume: { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' },
      },
    });
    const { dataset, out } = values;
    if (!dataset || !out) throw new UsageError('give --dataset DIR and --out DIR');
    const base: Partial<RunSpecInput> = values.config ? ((await readJsonFile(values.config, runConfigFileSchema)) as Partial<RunSpecInput>) : {};
    const method = values.method ?? base.method ?? '';
    if (!METHOD_NAMES.includes(method)) throw new UsageError(`unknown method '${method || '(none)'}'; methods: ${METHOD_NAMES.join(', ')}`);
    if (values.model && !BackboneName.safeParse(values.model).success) throw new UsageError(`--model: unknown model '${values.model}'; models: ${BackboneName.options.join(', ')}`);
    if (values.optimizer && !['sgd', 'adam'].includes(values.optimizer)) throw new UsageError(`--optimizer: expected sgd or adam, got '${values.optimizer}'`);
    if (values.select && !['accuracy', 'loss'].includes(values.select)) throw new UsageError(`--select: expected loss or accuracy, got '${values.select}'`);
    const defined = (entries: Record<string, unknown>) => Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
    // Options given on the command line override the --config file's, key by key.
    const definition = methodDefinition(method);
    const methodConfig = settingsFlag('set', values.set ?? [], definition.config, base.methodConfig);
    const lr = numberFlag('lr', values.lr, FLAG.positive);
    const train = {
      ...base.train,
      ...defined({
        epochs: countFlag('epochs', values.epochs),
        batchSize: countFlag('batch', values.batch),
        trainSubset: countFlag('subset', values.subset),
        maxBatchesPerEpoch: countFlag('max-batches', values['max-batches']),
        optimizer: values.optimizer || lr ? { kind: values.optimizer ?? 'sgd', ...(lr ? { lr } : {}) } : undefined,
        select: values.select,
      }),
    };
    const spec: RunSpecInput = {
      ...base,
      method,
      model: (values.model as RunSpecInput['model']) ?? base.model,
      seed: numberFlag('seed', values.seed, FLAG.seed) ?? base.seed,
      methodConfig,
      train,
    };
    parseMethodConfig(definition, methodConfig);
    await startEngine(values.backend, io);
    return untilInterrupted(io, '--resume continues', async (signal) => {
      const outcome = await runTraining(spec, dataset, out, { log: (m) => io.err(m), signal, resume: values.resume });
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
