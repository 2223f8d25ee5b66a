import { initEngine } from '@isnet-bench/engine';
import { measureStepTimes, METHOD_NAMES } from '@isnet-bench/harness';
import { BackboneName } from '@isnet-bench/models';
import { countFlag, numberListFlag, parseFlags } from '../flags.js';
import { table, UsageError } from '../io.js';
import type { Command } from './command.js';

export const bench: Command = {
  name: 'bench',
  summary: 'measure training-step time per method and class count',
  usage: `isnet-bench bench steps [--methods M,...] [--classes 10,100,1000] [--model M] [--batch N]
                        [--input HxWxC] [--steps N] [--warmup N] [--backend B] [--json]

Median time of a training step (loss, gradients, SGD update) for each method and class count,
after warm-up steps, on one model and a synthetic batch; with the standard classifier's step at
the same class count as reference (the dense head grows with C for every method).
  --methods   default: every method (${METHOD_NAMES.join(', ')})
  --classes   default 10,100
  --model     ${BackboneName.options.join(' | ')} (default small)
  --batch     default 64;  --input default 28x28x1;  --steps default 10;  --warmup default 3
  --json      {"backend", "rows": [{"method", "classes", "stepMs", "plainStepMs", "overhead", "overheadVsFirstC"}]}`,
  async run(args, io) {
    const { values, positionals } = parseFlags({
      args,
      allowPositionals: true,
      options: {
        methods: { type: 'string' },
        classes: { type: 'string' },
        model: { type: 'string' },
        batch: { type: 'string' },
        input: { type: 'string' },
        steps: { type: 'string' },
        warmup: { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (positionals[0] !== 'steps') throw new UsageError(`unknown bench suite '${positionals[0] ?? ''}'; suites: steps`);
    const methods = values.methods?.split(',') ?? [...METHOD_NAMES];
    const unknown = methods.filter((m) => !METHOD_NAMES.includes(m));
    if (unknown.length) throw new UsageError(`unknown method '${unknown[0]}'; methods: ${METHOD_NAMES.join(', ')}`);
    const model = BackboneName.safeParse(values.model ?? 'small');
    if (!model.success) throw new UsageError(`unknown model '${values.model}'; models: ${BackboneName.options.join(', ')}`);
    const input = (values.input ?? '28x28x1').split('x').map((side) => (/^\d+$/.test(side) ? Number(side) : Number.NaN));
    if (input.length !== 3 || input.some((v) => !Number.isInteger(v) || v < 1)) throw new UsageError(`--input: expected HxWxC (three positive integers, e.g. 28x28x1), got '${values.input}'`);
    const options = {
      classes: numberListFlag('classes', values.classes) ?? [10, 100],
      batch: countFlag('batch', values.batch) ?? 64,
      steps: countFlag('steps', values.steps) ?? 10,
      warmup: countFlag('warmup', values.warmup) ?? 3,
    };
    const engine = await initEngine({ backend: values.backend });
    const rows = await measureStepTimes({
      methods,
      ...options,
      model: model.data,
      inputShape: input as [number, number, number],
      log: values.json ? undefined : (message) => io.err(message),
    });
    const native = engine.native.ok ? `native kernels, ${engine.native.threads} threads` : 'no native kernels';
    if (values.json) io.out(JSON.stringify({ backend: engine.backend, native: engine.native.ok, model: model.data, rows }, null, 2));
    else {
      io.out(`backend ${engine.backend} (${native}), model ${model.data}`);
      io.out(table([
        ['method', 'classes', 'step ms', 'plain ms', 'overhead', 'vs first C'],
        ...rows.map((r) => [r.method, String(r.classes), r.stepMs.toFixed(1), r.plainStepMs.toFixed(1), `x${r.overhead.toFixed(2)}`, r.overheadVsFirstC.toFixed(2)]),
      ]));
    }
    return 0;
  },
};
