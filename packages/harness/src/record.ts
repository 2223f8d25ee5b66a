import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import type { EngineReport } from '@isnet-bench/engine';
import { evaluationRows, METRIC_COLUMNS, type EvaluationResult, type RowValue } from '@isnet-bench/evaluation';
import type { Cell } from './cells.js';

export const RESULT_FORMAT = 'isnet-bench-result';
export const RESULT_VERSION = 1;

/** Median and range of repeated measurements (seconds), with the samples. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, samples: [...samples] };
}

/** Where a result was measured. */
export interface Environment {
  /** The git commit of the isnet-bench checkout, with '-dirty' when tracked files differ from it; null outside a checkout. */
  readonly commit: string | null;
  readonly node: string;
  readonly tfjs: string;
  readonly backend: string;
  /** Whether the native kernels ran, and with how many threads. */
  readonly native: { readonly ok: boolean; readonly threads: number | null };
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
}

/** How an accuracy cell trained. */
export interface TrainingSummary {
  readonly epochs: number;
  readonly bestEpoch: number | null;
  /** bestEpoch's validation accuracy, or its validation loss when selectedBy is 'loss'. */
  readonly bestMetric: number | null;
  /** How the best epoch was chosen (absent in records written before selection by loss: 'accuracy'). */
  readonly selectedBy?: 'accuracy' | 'loss';
  readonly steps: number;
  readonly trainImages: number;
  /** Training time of each epoch (validation aside). */
  readonly epochSeconds: Spread;
}

/** An epoch-time cell's measurement. */
export interface EpochTime {
  readonly classes: number;
  readonly images: number;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  /** Steps timed per round: the whole epoch, or fewer when extrapolated. */
  readonly measuredSteps: number;
  /** True when the epoch time is measuredSteps' time scaled to stepsPerEpoch. */
  readonly extrapolated: boolean;
  readonly seconds: Spread;
  /** The standard classifier's median epoch at the same class count and backbone, same run. */
  readonly standardSeconds: number | null;
  /** seconds.median / standardSeconds. */
  readonly overhead: number | null;
}

/** One cell's result: the one record the CSV, the report and the README are made from. */
export interface CellRecord {
  readonly format: typeof RESULT_FORMAT;
  readonly version: typeof RESULT_VERSION;
  readonly id: string;
  readonly suite: string;
  readonly kind: Cell['kind'];
  readonly label: string;
  readonly method: string;
  /** The method's config as trained: defaults, the backbone's supervised layers and preparation applied. */
  readonly methodConfig: Record<string, unknown>;
  /** Accuracy cells: the explainer of the heatmaps background attention was measured on (the method definition's attentionExplainer). */
  readonly explainer?: string;
  readonly backbone: string;
  readonly backboneOptions: Record<string, unknown>;
  readonly seed: number;
  readonly dataset: { readonly name: string; readonly fingerprint: string; readonly classes: number };
  /** Accuracy cells: the loop's options; the preparation's findings (the ISNets' tuned C1/C2); training; the test splits. */
  readonly train?: Record<string, unknown>;
  readonly prepared?: Record<string, unknown> | null;
  readonly training?: TrainingSummary;
  readonly evaluation?: EvaluationResult;
  readonly epochTime?: EpochTime;
  readonly environment: Environment;
  readonly started: string;
  readonly finished: string;
}

/** The fields that change from run to run of the same cell on the same machine: wall-clock times. */
export function withoutTiming(record: CellRecord): unknown {
  const { started: _s, finished: _f, training, epochTime, ...rest } = record;
  return {
    ...rest,
    ...(training ? { training: { ...training, epochSeconds: undefined } } : {}),
    ...(epochTime ? { epochTime: { ...epochTime, seconds: undefined, standardSeconds: undefined, overhead: undefined } } : {}),
  };
}

let commit: string | null | undefined;

/** The checkout this code runs from (not the working directory). */
function gitCommit(): string | null {
  if (commit !== undefined) return commit;
  const cwd = dirname(fileURLToPath(import.meta.url));
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    commit = `${head}${dirty ? '-dirty' : ''}`;
  } catch {
    commit = null;
  }
  return commit;
}

export function environment(engine: EngineReport): Environment {
  const native = engine.native as { ok: boolean; threads?: number };
  return {
    commit: gitCommit(),
    node: process.version,
    tfjs: engine.tfjsVersion,
    backend: engine.backend,
    native: { ok: native.ok, threads: native.ok ? (native.threads ?? null) : null },
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    platform: `${platform()} ${process.arch}`,
  };
}

/** results.jsonl: one record a line, in the suite's cell order. */
export function resultsJsonl(records: readonly CellRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

const CONTEXT_COLUMNS = ['id', 'suite', 'kind', 'dataset', 'datasetFingerprint', 'method', 'label', 'backbone', 'seed', 'classes'] as const;
const RUN_COLUMNS = ['epochs', 'bestEpoch', 'trainImages', 'epochSecondsMedian', 'epochSecondsMin', 'epochSecondsMax', 'extrapolated', 'overheadVsStandard'] as const;
const ENVIRONMENT_COLUMNS = ['commit', 'backend', 'native', 'cpu', 'cores', 'finished'] as const;

/** The CSV's columns, in order (documented in the README). */
export const CSV_COLUMNS: readonly string[] = [...CONTEXT_COLUMNS, 'split', ...METRIC_COLUMNS, ...RUN_COLUMNS, ...ENVIRONMENT_COLUMNS];

/** results.csv: one row per accuracy cell and test split, one per epoch-time cell (split empty). */
export function resultsCsv(records: readonly CellRecord[]): string {
  const rows = records.flatMap((record) => {
    const context = {
      id: record.id,
      suite: record.suite,
      kind: record.kind,
      dataset: record.dataset.name,
      datasetFingerprint: record.dataset.fingerprint,
      method: record.method,
      label: record.label,
      backbone: record.backbone,
      seed: record.seed,
      classes: record.epochTime?.classes ?? record.dataset.classes,
    };
    const seconds = record.training?.epochSeconds ?? record.epochTime?.seconds;
    const tail: Record<string, RowValue> = {
      epochs: record.training?.epochs ?? null,
      bestEpoch: record.training?.bestEpoch ?? null,
      trainImages: record.training?.trainImages ?? record.epochTime?.images ?? null,
      epochSecondsMedian: seconds?.median ?? null,
      epochSecondsMin: seconds?.min ?? null,
      epochSecondsMax: seconds?.max ?? null,
      extrapolated: record.epochTime?.extrapolated ?? null,
      overheadVsStandard: record.epochTime?.overhead ?? null,
      commit: record.environment.commit,
      backend: record.environment.backend,
      native: record.environment.native.ok,
      cpu: record.environment.cpu,
      cores: record.environment.cores,
      finished: record.finished,
    };
    const splits = record.evaluation ? evaluationRows(record.evaluation, context) : [{ ...context, split: '' }];
    return splits.map((row) => ({ ...row, ...tail }));
  });
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], cast: { boolean: (value) => String(value) } });
}

/** A results file that cannot be read: names the file, the line and the problem. */
export class ResultsError extends Error {
  override name = 'ResultsError';
}

/** The records of a results folder (its results.jsonl), each checked for this format and version. */
export async function readResults(dir: string): Promise<CellRecord[]> {
  const file = join(dir, 'results.jsonl');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ResultsError(`${file}: ${missing ? "missing: not a results folder of 'isnet-bench run'" : `cannot read: ${(error as Error).message}`}`);
  }
  return text
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, number }) => {
      let record: Partial<CellRecord>;
      try {
        record = JSON.parse(line) as Partial<CellRecord>;
      } catch (error) {
        throw new ResultsError(`${file}:${number}: not JSON: ${(error as Error).message}`);
      }
      if (record.format !== RESULT_FORMAT || record.version !== RESULT_VERSION) {
        throw new ResultsError(`${file}:${number}: a record of format ${JSON.stringify(record.format)} version ${JSON.stringify(record.version)}; this build reads ${RESULT_FORMAT} version ${RESULT_VERSION}`);
      }
      return record as CellRecord;
    });
}
