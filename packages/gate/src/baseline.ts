import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues, writeFileAtomic } from '@isnet-bench/data';
import { FigureName, Thresholds, type Figure } from './figures.js';

export const BASELINE_FORMAT = 'isnet-bench-speed-baseline';
export const BASELINE_VERSION = 1;

/** How the figures are measured; a comparison measures with the baseline's settings. */
export const GateSettings = z.strictObject({
  /** Images per synthetic batch. */
  batch: z.number().int().positive().default(32),
  inputShape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]).default([28, 28, 1]),
  classes: z.number().int().min(2).default(10),
  /** Untimed steps of each method before profiling and timing (compilation, optimiser state). */
  warmupSteps: z.number().int().min(0).default(3),
  /** Interleaved pairs (standard, method) per method for the step ratio. */
  rounds: z.number().int().positive().default(30),
  /** Steps per timed sample are chosen so that a sample takes at least this much CPU time. */
  minSampleMs: z.number().positive().default(40),
  /**
   * Threads of the native kernels while measuring: with one, a step's CPU time is its work,
   * without the pool's spinning, which grows when the other cores are busy.
   */
  nativeThreads: z.number().int().positive().default(1),
});
export type GateSettings = z.output<typeof GateSettings>;

const StoredFigure = z.strictObject({
  method: z.string().min(1),
  backbone: z.string().min(1),
  figure: FigureName,
  value: z.number().nullable(),
  spread: z.strictObject({ q1: z.number(), q3: z.number(), n: z.number().int().positive() }).optional(),
  reason: z.string().optional(),
});

/** Where figures were measured: enough to tell whether a comparison is like for like. */
export const Provenance = z.strictObject({
  commit: z.string().nullable(),
  machine: z.string(),
  date: z.iso.datetime(),
});
export type Provenance = z.infer<typeof Provenance>;

export const SpeedBaseline = z.strictObject({
  format: z.literal(BASELINE_FORMAT),
  version: z.literal(BASELINE_VERSION),
  ...Provenance.shape,
  settings: GateSettings,
  thresholds: Thresholds,
  figures: z.array(StoredFigure),
});
export type SpeedBaseline = z.output<typeof SpeedBaseline>;

/** A baseline file that cannot be used: names the file and the field. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/** Validates a baseline object; `file` names it in errors. */
export function parseBaseline(input: unknown, file: string): SpeedBaseline {
  const parsed = SpeedBaseline.safeParse(input);
  if (!parsed.success) throw new BaselineError(`${file}: ${describeIssues(parsed.error.issues, { input, schema: SpeedBaseline })}`);
  return parsed.data;
}

/** The baseline in `file`, or undefined when there is none (allowed only for --update). */
export async function readBaseline(file: string, options: { missingOk?: boolean } = {}): Promise<SpeedBaseline | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.missingOk) return undefined;
    throw new BaselineError(`${file}: ${code === 'ENOENT' ? 'no such baseline file (create it with --update)' : `cannot read: ${(error as Error).message}`}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${file}: not JSON: ${(error as Error).message}`);
  }
  return parseBaseline(input, file);
}

export function makeBaseline(provenance: Provenance, settings: GateSettings, thresholds: Thresholds, figures: readonly Figure[]): SpeedBaseline {
  return { format: BASELINE_FORMAT, version: BASELINE_VERSION, ...provenance, settings, thresholds, figures: [...figures] };
}

export async function writeBaseline(file: string, baseline: SpeedBaseline): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(baseline, null, 2)}\n`);
}
