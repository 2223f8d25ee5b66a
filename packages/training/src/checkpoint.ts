import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Variable } from '@tensorflow/tfjs';
import { z } from 'zod';
import { describeIssues, writeFileAtomic } from '@isnet-bench/data';
import { CheckpointSelection, trainConfigSchema } from './config.js';
import { CheckpointError } from './errors.js';
import type { Method } from './method.js';
import type { Optimizer } from './optimizers.js';
import { epochProgressSchema, epochSummarySchema } from './progress.js';

export const CHECKPOINT_FORMAT = 'isnet-bench-checkpoint';
export const CHECKPOINT_VERSION = 1;
const JSON_FILE = 'checkpoint.json';
/** Files this module writes (with writeFileAtomic's temporary suffix while in flight); nothing else in a checkpoint directory is touched. */
const OWN_FILE = /^(checkpoint\.json|tensors-[0-9a-f]+\.bin)(\.tmp-\d+)?$/;

const count = z.number().int().min(0);

const tensorEntrySchema = z.strictObject({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'int32']),
  shape: z.array(count),
  byteOffset: count,
  byteLength: count,
});

type TensorEntry = z.output<typeof tensorEntrySchema>;

/** Everything about a run a checkpoint records besides the tensors. */
const checkpointMetaSchema = z.strictObject({
  method: z.strictObject({ name: z.string(), config: z.record(z.string(), z.unknown()) }),
  trainConfig: trainConfigSchema,
  /** The training images the run uses (after trainSubset); the fingerprint is data's splitFingerprint. */
  data: z.strictObject({ split: z.string(), images: count, fingerprint: z.string() }),
  /**
   * The next batch to run: (epoch, batchIndex) with the seed in trainConfig is the whole
   * iterator state, since batch order is a pure function of (seed, epoch). batchIndex equal
   * to the epoch's batch count means the training steps are done and validation is next.
   */
  position: z.strictObject({ epoch: count, batchIndex: count, step: count }),
  /** The best epoch and its value: the validation metric, or with `by: 'loss'` the validation loss (lower is better). Checkpoints written before selection by loss existed have no `by`: 'accuracy'. */
  best: z.strictObject({ metric: z.number(), epoch: count, by: CheckpointSelection.optional() }).nullable(),
  history: z.array(epochSummarySchema),
  epochProgress: epochProgressSchema,
});

export type CheckpointMeta = z.output<typeof checkpointMetaSchema>;

const checkpointJsonSchema = checkpointMetaSchema.extend({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  /** One binary file of little-endian tensors; its name carries its hash, so a rewrite never touches the file the current checkpoint.json points to. */
  tensors: z.strictObject({
    file: z.string().regex(/^tensors-[0-9a-f]+\.bin$/),
    sha256: z.string(),
    method: z.array(tensorEntrySchema),
    optimizer: z.array(tensorEntrySchema),
  }),
});

interface StoredTensor {
  readonly dtype: TensorEntry['dtype'];
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

/** A checkpoint read from disk, its format checked but not yet its fit to a method. */
export interface StoredCheckpoint {
  readonly dir: string;
  readonly meta: CheckpointMeta;
  readonly methodTensors: ReadonlyMap<string, StoredTensor>;
  readonly optimizerTensors: ReadonlyMap<string, StoredTensor>;
}

/** Where a run keeps its checkpoints: the latest ('last', to resume) and the best by validation metric. */
export function checkpointPaths(checkpointDir: string): { last: string; best: string } {
  return { last: join(checkpointDir, 'last'), best: join(checkpointDir, 'best') };
}

/**
 * Writes the method's state variables, the optimiser's state and `meta` to `dir`. The tensor
 * file goes first under a new name, then checkpoint.json replaces the old one by a rename:
 * a kill at any moment leaves either the previous checkpoint or the new one, both complete.
 * Files of earlier checkpoints are removed only afterwards.
 */
export async function saveCheckpoint(dir: string, meta: CheckpointMeta, method: Method, optimizer: Optimizer): Promise<void> {
  const chunks: Uint8Array[] = [];
  let byteOffset = 0;
  const entries = (variables: Readonly<Record<string, Variable>>): TensorEntry[] =>
    Object.entries(variables).map(([name, variable]) => {
      if (variable.dtype !== 'float32' && variable.dtype !== 'int32') {
        throw new CheckpointError(dir, `variable ${name} has dtype ${variable.dtype}; checkpoints hold float32 and int32`);
      }
      const values = variable.dataSync<'float32' | 'int32'>();
      chunks.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
      const entry = { name, dtype: variable.dtype, shape: [...variable.shape], byteOffset, byteLength: values.byteLength };
      byteOffset += values.byteLength;
      return entry;
    });
  const methodEntries = entries(method.stateVariables);
  const optimizerEntries = entries(optimizer.stateVariables);
  const bytes = Buffer.concat(chunks);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = `tensors-${sha256.slice(0, 16)}.bin`;
  const json: z.input<typeof checkpointJsonSchema> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...meta,
    tensors: { file, sha256, method: methodEntries, optimizer: optimizerEntries },
  };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, file), bytes);
  await writeFileAtomic(join(dir, JSON_FILE), `${JSON.stringify(json, null, 2)}\n`);
  // Leftovers: the previous tensor file, and temporary files of writes that were killed.
  for (const name of await readdir(dir)) {
    if (name !== JSON_FILE && name !== file && OWN_FILE.test(name)) await rm(join(dir, name), { force: true });
  }
}

/** Reads and checks a checkpoint's format and integrity (not yet whether it fits a method). */
export async function readCheckpoint(dir: string): Promise<StoredCheckpoint> {
  const json = parseCheckpointJson(dir, await readFile(join(dir, JSON_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => noCheckpoint(dir, error)));
  const bytes = await readFile(join(dir, json.tensors.file)).catch((error: NodeJS.ErrnoException) => noTensorFile(dir, json.tensors.file, error));
  return storedCheckpoint(dir, json, bytes);
}

/**
 * readCheckpoint without waiting, for a method that must start from a checkpoint when it is
 * created (a U-Net trained by an earlier stage).
 */
export function readCheckpointSync(dir: string): StoredCheckpoint {
  let text: string;
  try {
    text = readFileSync(join(dir, JSON_FILE), 'utf8');
  } catch (error) {
    return noCheckpoint(dir, error as NodeJS.ErrnoException);
  }
  const json = parseCheckpointJson(dir, text);
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, json.tensors.file));
  } catch (error) {
    return noTensorFile(dir, json.tensors.file, error as NodeJS.ErrnoException);
  }
  return storedCheckpoint(dir, json, bytes);
}

function noCheckpoint(dir: string, error: NodeJS.ErrnoException): never {
  if (error.code === 'ENOENT') throw new CheckpointError(dir, `no ${JSON_FILE}: not a checkpoint directory, or no checkpoint written yet`);
  throw error;
}

function noTensorFile(dir: string, file: string, error: NodeJS.ErrnoException): never {
  throw error.code === 'ENOENT' ? new CheckpointError(dir, `tensor file ${file} is missing`) : error;
}

type CheckpointJson = z.output<typeof checkpointJsonSchema>;

function parseCheckpointJson(dir: string, text: string): CheckpointJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError(dir, `${JSON_FILE} is not JSON: ${(error as Error).message}`);
  }
  const header = raw as { format?: unknown; version?: unknown } | null;
  if (header?.format !== CHECKPOINT_FORMAT) throw new CheckpointError(dir, `${JSON_FILE} has format ${JSON.stringify(header?.format)}, not '${CHECKPOINT_FORMAT}'`);
  if (header.version !== CHECKPOINT_VERSION) throw new CheckpointError(dir, `format version ${JSON.stringify(header.version)}, this build reads version ${CHECKPOINT_VERSION}`);
  const parsed = checkpointJsonSchema.safeParse(raw);
  if (!parsed.success) throw new CheckpointError(dir, `invalid ${JSON_FILE}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

function storedCheckpoint(dir: string, json: CheckpointJson, bytes: Buffer): StoredCheckpoint {
  const { format, version, tensors, ...meta } = json;
  if (createHash('sha256').update(bytes).digest('hex') !== tensors.sha256) throw new CheckpointError(dir, `tensor file ${tensors.file} is damaged (SHA-256 differs)`);
  const read = (entries: TensorEntry[]) =>
    new Map(
      entries.map(({ name, dtype, shape, byteOffset, byteLength }): [string, StoredTensor] => {
        const size = shape.reduce((a, b) => a * b, 1);
        if (byteLength !== size * 4 || byteOffset + byteLength > bytes.byteLength) throw new CheckpointError(dir, `tensor ${name}: ${byteLength} bytes at ${byteOffset} do not fit shape ${formatShape(shape)} or the file`);
        // A copy: aligned for the typed array, and independent of the file buffer.
        const buffer = bytes.buffer.slice(bytes.byteOffset + byteOffset, bytes.byteOffset + byteOffset + byteLength);
        return [name, { dtype, shape, values: dtype === 'float32' ? new Float32Array(buffer) : new Int32Array(buffer) }];
      }),
    );
  return { dir, meta, methodTensors: read(tensors.method), optimizerTensors: read(tensors.optimizer) };
}

/** Throws a CheckpointError naming everything about `stored` that does not fit the method (and optimiser). */
export function checkCheckpoint(stored: StoredCheckpoint, method: Method, optimizer?: Optimizer): void {
  if (stored.meta.method.name !== method.name) throw new CheckpointError(stored.dir, `checkpoint has method '${stored.meta.method.name}', not '${method.name}'`);
  const optimizerKind = stored.meta.trainConfig.optimizer.kind;
  if (optimizer && optimizerKind !== optimizer.kind) throw new CheckpointError(stored.dir, `checkpoint has optimizer '${optimizerKind}', not '${optimizer.kind}'`);
  const problems = [
    ...mismatches('variable', stored.methodTensors, method.stateVariables),
    ...(optimizer ? mismatches('optimizer variable', stored.optimizerTensors, optimizer.stateVariables) : []),
  ];
  if (problems.length > 0) throw new CheckpointError(stored.dir, problems.join('; '));
}

/** Copies the stored values into the variables; call `checkCheckpoint` first. */
export function assignCheckpoint(stored: StoredCheckpoint, method: Method, optimizer?: Optimizer): void {
  const assign = (tensors: ReadonlyMap<string, StoredTensor>, variables: Readonly<Record<string, Variable>>) => {
    for (const [name, { values, shape, dtype }] of tensors) tf.tidy(() => variables[name].assign(tf.tensor(values, shape as number[], dtype)));
  };
  assign(stored.methodTensors, method.stateVariables);
  if (optimizer) assign(stored.optimizerTensors, optimizer.stateVariables);
}

/**
 * Restores a checkpoint into `method` (and `optimizer`, to continue training), after checking
 * that every variable fits; e.g. the best weights for evaluation:
 * `await loadCheckpoint(checkpointPaths(dir).best, method)`.
 */
export async function loadCheckpoint(dir: string, method: Method, optimizer?: Optimizer): Promise<CheckpointMeta> {
  const stored = await readCheckpoint(dir);
  checkCheckpoint(stored, method, optimizer);
  assignCheckpoint(stored, method, optimizer);
  return stored.meta;
}

function mismatches(what: string, stored: ReadonlyMap<string, StoredTensor>, variables: Readonly<Record<string, Variable>>): string[] {
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(variables)) {
    const tensor = stored.get(name);
    if (!tensor) problems.push(`${what} ${name}: in the model, not in the checkpoint`);
    else if (formatShape(tensor.shape) !== formatShape(variable.shape)) problems.push(`${what} ${name}: shape ${formatShape(tensor.shape)} in checkpoint, ${formatShape(variable.shape)} in model`);
    else if (tensor.dtype !== variable.dtype) problems.push(`${what} ${name}: dtype ${tensor.dtype} in checkpoint, ${variable.dtype} in model`);
  }
  for (const name of stored.keys()) if (!(name in variables)) problems.push(`${what} ${name}: in the checkpoint, not in the model`);
  return problems;
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
