import { readFile } from 'node:fs/promises';
import type { z, ZodType } from 'zod';
import { describeIssues } from '@isnet-bench/data';
import { RunSpec } from '@isnet-bench/harness';
import { trainConfigSchema } from '@isnet-bench/training';
import { systemErrorMessage } from './errors.js';
import { UsageError } from './io.js';

/**
 * What a run file may hold: a RunSpec whose `train` object (stored by the harness as a plain
 * record) is checked field by field against the training loop's config; the run directory
 * decides `checkpointDir`.
 */
export const runFileSchema = RunSpec.extend({ train: trainConfigSchema.omit({ checkpointDir: true }).optional() });

/** `train --config FILE`: a run file whose method may come from --method instead. */
export const runConfigFileSchema = runFileSchema.partial({ method: true });

/**
 * Reads a JSON file and checks it against `schema`; returns the value as written (defaults not
 * applied), so that command-line options can still override it key by key. Every problem is a
 * UsageError naming the file: `FILE: cannot open: no such file or folder`, `FILE: not valid
 * JSON: ...`, `FILE: field 'train.batchSize': expected a positive integer, got -3`.
 */
export async function readJsonFile<T extends ZodType>(path: string, schema: T): Promise<z.input<T>>;
export async function readJsonFile(path: string): Promise<unknown>;
export async function readJsonFile(path: string, schema?: ZodType): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const message = systemErrorMessage(error, path);
    if (message) throw new UsageError(message);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  if (schema) {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new UsageError(`${path}: ${describeIssues(parsed.error.issues, { input: value, schema })}`);
  }
  return value;
}
