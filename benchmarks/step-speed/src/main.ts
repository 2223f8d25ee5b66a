import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { initEngine, wasmFailure } from '@isnet-bench/engine';
import { measureStepTimes } from '@isnet-bench/harness';
import { BackboneName } from '@isnet-bench/models';

// Plain and ISNet step times (C = 10, 28x28x1) for each network, batch and kernel set:
// 'native' = wasm + the native addon, 'wasm' = wasm with the engine's composed kernels,
// 'cpu' = TF.js's JavaScript backend (orders of magnitude slower: few steps, small nets).
const USAGE = `node benchmarks/step-speed/dist/main.js [--models M,...] [--batches N,...] [--kernels K,...]
                                          [--methods M,...] [--steps N] [--warmup N] [--width N] [--out DIR]

Median plain and ISNet step times (C = 10, 28x28x1), one row per network, batch, kernel set
and method; CSV and JSON (with the machine and settings) written to --out after every
network and batch.
  --models   default small,resnet18,densenet (tiny | small | resnet8 | resnet18 | vgg11 | densenet)
  --batches  default 32,64
  --kernels  default native,wasm ('native': wasm + the addon; 'wasm': composed kernels only;
             'cpu': TF.js's JavaScript backend, orders of magnitude slower)
  --methods  default selective,stochastic,original (the plain step is always measured)
  --steps    default 20 timed steps;  --warmup default 3
  --width    first-stage width of resnet18 and vgg11
  --out      default reports/<today>-step-speed`;

const options = {
  help: { type: 'boolean', short: 'h' },
  models: { type: 'string', default: 'small,resnet18,densenet' },
  batches: { type: 'string', default: '32,64' },
  kernels: { type: 'string', default: 'native,wasm' },
  methods: { type: 'string', default: 'selective,stochastic,original' },
  steps: { type: 'string', default: '20' },
  warmup: { type: 'string', default: '3' },
  width: { type: 'string' },
  out: { type: 'string', default: `reports/${new Date().toISOString().slice(0, 10)}-step-speed` },
} as const;

// A bad option is reported in one line with the usage (exit 2).
const { values } = (() => {
  try {
    return parseArgs({ options });
  } catch (error) {
    console.error(`step-speed: ${(error as Error).message}\n\n${USAGE}`);
    return process.exit(2);
  }
})();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const settings = { steps: Number(values.steps), warmup: Number(values.warmup), classes: 10, inputShape: [28, 28, 1], statistic: 'median step (tinybench p50)' };
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
const rows: Record<string, string | number>[] = [];
async function save(): Promise<void> {
  await mkdir(values.out, { recursive: true });
  await writeFile(join(values.out, 'step-speed.csv'), stringify(rows, { header: true }));
  await writeFile(join(values.out, 'step-speed.json'), JSON.stringify({ machine, settings, rows }, null, 2));
}
for (const kernels of values.kernels.split(',')) {
  const engine = await initEngine({ backend: kernels === 'cpu' ? 'cpu' : 'wasm', native: kernels === 'native' });
  if (kernels === 'native' && !engine.native.ok) throw new Error(`native kernels unavailable: ${engine.native.reason}`);
  for (const model of values.models.split(',').map((m) => BackboneName.parse(m))) {
    for (const batch of values.batches.split(',').map(Number)) {
      const measured = await measureStepTimes({
        methods: values.methods.split(','),
        classes: [10],
        model,
        modelOptions: values.width && (model === 'resnet18' || model === 'vgg11') ? { width: Number(values.width) } : {},
        batch,
        inputShape: [28, 28, 1],
        steps: Number(values.steps),
        warmup: Number(values.warmup),
        log: (m) => console.error(`[${kernels} ${model} b${batch}] ${m}`),
      }).catch((error: unknown) => {
        // A trapped wasm module cannot run anything more: stop, keeping what was saved.
        const failure = wasmFailure(error);
        if (!failure) throw error;
        console.error(`[${kernels} ${model} b${batch}] ${failure.message}; results so far: ${values.out}`);
        process.exit(1);
      });
      for (const r of measured) rows.push({ kernels, model, batch, method: r.method, classes: r.classes, stepMs: +r.stepMs.toFixed(2), plainStepMs: +r.plainStepMs.toFixed(2), overhead: +r.overhead.toFixed(3) });
      // Written after every network and batch: an interrupted run keeps what it measured.
      await save();
    }
  }
}
console.log(`machine: ${machine.cores} x ${machine.cpu}, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.date}`);
console.log(stringify(rows, { header: true }));
