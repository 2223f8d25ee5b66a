import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { buildOptionsSchemas, DATASET_KINDS, describeIssues, formatValue, valueAt, type DatasetKind } from '@isnet-bench/data';
import { backboneOptionsSchema, BackboneName } from '@isnet-bench/models';
import { trainConfigSchema } from '@isnet-bench/training';
import { METHOD_DEFINITIONS, METHOD_NAMES, methodDefinition } from './methods.js';
import { DiagnosticsSettings } from './run-spec.js';

export const SUITE_SCHEMA_ID = 'https://isnet-bench.dev/schema/suite-1.json';

const slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a name of letters, digits, ".", "_" and "-"');
const count = z.number().int().positive();

/** A dataset the suite builds on demand (cached by its options) or one already built. */
const builtDataset = z.strictObject({ dir: z.string().min(1).describe('a folder written by `isnet-bench data build` (relative to the suite file)') });
const datasetToBuild = z.discriminatedUnion(
  'kind',
  DATASET_KINDS.map((kind) =>
    z.strictObject({
      kind: z.literal(kind),
      options: (buildOptionsSchemas[kind] as z.ZodType).optional().describe(`the options of \`isnet-bench data build ${kind}\``),
    }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
const DatasetEntry = z.union([datasetToBuild, builtDataset]);

const BackboneObject = z.strictObject({ name: BackboneName, width: backboneOptionsSchema.shape.width, batchNorm: backboneOptionsSchema.shape.batchNorm });
const BackboneEntry = z.union([BackboneName, BackboneObject]);

/** The training options a suite sets for all its cells (the cell's seed orders the batches; its folder holds the checkpoints). */
const SuiteTrain = trainConfigSchema.omit({ checkpointDir: true, seed: true });

const Evaluation = z.strictObject({
  batchSize: count.default(256),
  splits: z.array(z.string().min(1)).min(1).optional().describe("test splits (default: every split but 'train' and 'validation')"),
  heatmaps: z.boolean().default(true).describe('measure background attention on the LRP heatmap of the predicted class'),
  diagnostics: DiagnosticsSettings.optional().describe('shortcut diagnostics on the paired splits of datasets whose artifact is known (test and confounding against unbiased); stored as evaluation.diagnostics'),
});

const Accuracy = z.strictObject({
  datasets: z.array(slug).min(1).optional().describe('the datasets to train and test on (default: all the suite names)'),
  train: SuiteTrain.prefault({}),
  evaluation: Evaluation.prefault({}),
});

const Timing = z.strictObject({
  dataset: slug.describe('the dataset whose training images are timed (labels mapped onto each class count)'),
  methods: z.array(slug).min(1).optional().describe('the labels of the methods to time (default: all the suite lists)'),
  classes: z.array(z.number().int().min(2)).min(1).default([2, 10, 100, 1000]),
  epochImages: count.default(4096).describe('images in one timed epoch (the first of the train split, shuffled by the seed)'),
  batchSize: count.default(64),
  rounds: count.default(3).describe('timed epochs per cell, interleaved across cells; median and spread over them'),
  warmupSteps: z.number().int().min(0).default(2),
  maxEpochSeconds: z.number().positive().default(120).describe('a cell whose epoch would take longer is timed on extrapolationSteps steps and scaled to the epoch (flagged extrapolated)'),
  extrapolationSteps: count.default(3),
  optimizer: SuiteTrain.shape.optimizer,
  gradientClipNorm: SuiteTrain.shape.gradientClipNorm,
});

/** A method of the suite: its registry name, a label where one method appears twice, its config. */
const MethodEntry = z.strictObject({
  method: z.string().min(1),
  label: slug.optional().describe('the name results show (default: the method name); needed where one method is listed twice'),
  config: z.record(z.string(), z.unknown()).default({}),
});

// Datasets, backbones and method configs are checked entry by entry (each against its own
// schema, so an error names the entry's field); the JSON Schema spells each variant out.
const suiteShape = {
  $schema: z.string().optional(),
  name: slug,
  description: z.string().default(''),
  datasets: z.record(slug, z.record(z.string(), z.unknown())).refine((d) => Object.keys(d).length > 0, 'name at least one dataset'),
  methods: z.array(MethodEntry).min(1),
  backbones: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).min(1).default(['small']),
  seeds: z.array(z.number().int().min(0).max(0xffffffff)).min(1).default([1]),
  accuracy: Accuracy.optional().describe('train every method on every dataset, backbone and seed; test on the test splits'),
  timing: Timing.optional().describe('epoch time per method and class count'),
};

const Suite = z.strictObject(suiteShape);
export type SuiteInput = z.input<typeof Suite>;

export interface SuiteMethod {
  readonly method: string;
  readonly label: string;
  /** Parsed by the method's schema: defaults filled in. */
  readonly config: Record<string, unknown>;
}

export type SuiteDataset = { readonly kind: DatasetKind; readonly options: Record<string, unknown> } | { readonly dir: string };

export interface Suite {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly datasets: Readonly<Record<string, SuiteDataset>>;
  readonly methods: readonly SuiteMethod[];
  readonly backbones: readonly { name: BackboneName; options: Record<string, unknown> }[];
  readonly seeds: readonly number[];
  readonly accuracy?: z.output<typeof Accuracy> & { datasets: string[] };
  readonly timing?: z.output<typeof Timing>;
}

/** A suite file that cannot be used: one line naming the file, the JSON path, the value and what is allowed. */
export class SuiteError extends Error {
  override name = 'SuiteError';
}

/** One line for the first issue of parsing the value at `at` in the suite with `schema`: the file, the field, what it holds and allows. */
function issueLine(file: string, input: unknown, issues: readonly z.core.$ZodIssue[], schema: z.ZodType, at: readonly PropertyKey[] = []): string {
  return `${file}: ${describeIssues(issues.slice(0, 1), { input: valueAt(input, at), schema, at })}`;
}

/** Reads and validates a suite file, every method's config against its schema, before anything runs. */
export async function readSuite(file: string): Promise<Suite> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SuiteError(`${file}: ${code === 'ENOENT' ? 'no such suite file' : `cannot read: ${(error as Error).message}`}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new SuiteError(`${file}: not JSON: ${(error as Error).message}`);
  }
  return parseSuite(input, file);
}

/** Validates a suite object; `file` names it in errors and anchors its relative paths. */
export function parseSuite(input: unknown, file: string): Suite {
  const parsed = Suite.safeParse(input);
  if (!parsed.success) throw new SuiteError(issueLine(file, input, parsed.error.issues, Suite));
  const suite = parsed.data;
  const fail = (path: PropertyKey[], message: string) => {
    throw new SuiteError(`${file}: field '${path.map(String).join('.')}': ${message}, got ${formatValue(valueAt(input, path))}`);
  };
  if (!suite.accuracy && !suite.timing) throw new SuiteError(`${file}: give "accuracy" (train and test), "timing" (epoch time per class count) or both`);

  const labels = new Set<string>();
  const methods = suite.methods.map((entry, i): SuiteMethod => {
    if (!METHOD_NAMES.includes(entry.method)) fail(['methods', i, 'method'], `not a method; methods: ${METHOD_NAMES.join(', ')}`);
    const definition = methodDefinition(entry.method);
    const config = definition.config.safeParse(entry.config);
    if (!config.success) throw new SuiteError(`${issueLine(file, input, config.error.issues, definition.config, ['methods', i, 'config'])} (method '${entry.method}')`);
    const label = entry.label ?? entry.method;
    if (labels.has(label)) fail(['methods', i], `a second method labelled '${label}': give each entry of one method its own "label"`);
    labels.add(label);
    return { method: entry.method, label, config: config.data as Record<string, unknown> };
  });

  const datasetNames = Object.keys(suite.datasets);
  const known = (name: string, path: PropertyKey[]) => {
    if (!datasetNames.includes(name)) fail(path, `not a dataset of this suite; datasets: ${datasetNames.join(', ')}`);
  };
  suite.accuracy?.datasets?.forEach((name, i) => known(name, ['accuracy', 'datasets', i]));
  if (suite.timing) known(suite.timing.dataset, ['timing', 'dataset']);
  suite.timing?.methods?.forEach((label, i) => {
    if (!labels.has(label)) fail(['timing', 'methods', i], `not a method label of this suite; labels: ${[...labels].join(', ')}`);
  });

  const base = dirname(resolve(file));
  const datasets = Object.fromEntries(Object.entries(suite.datasets).map(([name, entry]) => [name, datasetEntry(entry, ['datasets', name], base, file, input)]));
  return {
    file,
    name: suite.name,
    description: suite.description,
    datasets,
    methods,
    backbones: suite.backbones.map((entry, i) => backboneEntry(entry, ['backbones', i], file, input)),
    seeds: suite.seeds,
    ...(suite.accuracy ? { accuracy: { ...suite.accuracy, datasets: suite.accuracy.datasets ?? datasetNames } } : {}),
    ...(suite.timing ? { timing: suite.timing } : {}),
  };
}

/** Parses one entry with `schema`, naming the first problem by its full path. */
function parseEntry<T extends z.ZodType>(schema: T, entry: unknown, path: PropertyKey[], file: string, input: unknown): z.output<T> {
  const parsed = schema.safeParse(entry);
  if (!parsed.success) throw new SuiteError(issueLine(file, input, parsed.error.issues, schema, path));
  return parsed.data;
}

function datasetEntry(entry: Record<string, unknown>, path: PropertyKey[], base: string, file: string, input: unknown): SuiteDataset {
  if ('dir' in entry) return { dir: resolve(base, parseEntry(builtDataset, entry, path, file, input).dir) };
  const kind = entry['kind'];
  if (!(DATASET_KINDS as unknown[]).includes(kind)) {
    throw new SuiteError(`${file}: field '${[...path, 'kind'].join('.')}': expected one of ${DATASET_KINDS.join(', ')} (with "options"), or "dir" (a built dataset folder) instead of "kind", got ${formatValue(kind)}`);
  }
  const { options } = parseEntry(z.strictObject({ kind: z.string(), options: z.record(z.string(), z.unknown()).default({}) }), entry, path, file, input);
  const parsed = parseEntry(buildOptionsSchemas[kind as DatasetKind] as z.ZodType<Record<string, unknown>>, options, [...path, 'options'], file, input);
  return { kind: kind as DatasetKind, options: withAbsolutePaths(parsed, base) };
}

function backboneEntry(entry: unknown, path: PropertyKey[], file: string, input: unknown): { name: BackboneName; options: Record<string, unknown> } {
  const name = typeof entry === 'string' ? entry : (entry as Record<string, unknown>)['name'];
  if (!BackboneName.safeParse(name).success) {
    throw new SuiteError(`${file}: field '${(typeof entry === 'string' ? path : [...path, 'name']).join('.')}': expected one of ${BackboneName.options.join(', ')}, got ${formatValue(name)}`);
  }
  if (typeof entry === 'string') return { name: entry as BackboneName, options: {} };
  // Optional fields left out of the entry stay out of the options (and of the cell ids).
  const { name: _name, ...options } = parseEntry(BackboneObject, entry, path, file, input);
  return { name: name as BackboneName, options };
}

function withAbsolutePaths(options: Record<string, unknown>, base: string): Record<string, unknown> {
  const result = { ...options };
  for (const key of ['manifest', 'sourceDir']) {
    const value = result[key];
    if (typeof value === 'string' && !isAbsolute(value)) result[key] = resolve(base, value);
  }
  return result;
}

/**
 * The JSON Schema of suite files (draft 2020-12), with each method's own config schema, so
 * editors complete and check a suite as it is written.
 */
export function suiteJsonSchema(): Record<string, unknown> {
  const methodEntry = z.discriminatedUnion(
    'method',
    METHOD_DEFINITIONS.map((d) =>
      z.strictObject({ method: z.literal(d.name).describe(d.description), label: MethodEntry.shape.label, config: d.config.optional() }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  );
  const editorSuite = z.strictObject({
    ...suiteShape,
    datasets: z.record(slug, DatasetEntry),
    methods: z.array(methodEntry).min(1),
    backbones: z.array(BackboneEntry).min(1).default(['small']),
  });
  const schema = z.toJSONSchema(editorSuite, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: SUITE_SCHEMA_ID, title: 'isnet-bench suite', ...schema };
}
