import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireMasks, writeFileAtomic, type OpenedDataset } from '@isnet-bench/data';
import type { EngineReport } from '@isnet-bench/engine';
import { describeCell, expandCells, shardOf, type AccuracyCell, type Cell, type CellDataset, type EpochTimeCell, type Shard } from './cells.js';
import { defaultDataCache, openSuiteDataset } from './dataset-cache.js';
import { measureEpochTimes } from './epoch-time.js';
import { methodDefinition } from './methods.js';
import { environment, RESULT_FORMAT, RESULT_VERSION, resultsCsv, resultsJsonl, spread, type CellRecord } from './record.js';
import { trainAndEvaluate } from './run.js';
import { SuiteError, type Suite } from './suite.js';

export interface SuiteRunOptions {
  /** The results folder: cells/<id>/ (checkpoints, record.json), results.jsonl, results.csv. */
  readonly out: string;
  /** Where built datasets are cached (default: defaultDataCache()). */
  readonly dataCache?: string;
  /** The engine the cells run on (recorded with every result). */
  readonly engine: EngineReport;
  readonly log?: (message: string) => void;
  /** Abort to stop after the current training step (with a checkpoint) or timing round. */
  readonly signal?: AbortSignal;
  /** Only plan: build the datasets, list the cells and the finished ones' records, run nothing. */
  readonly plan?: boolean;
  /** Run only this shard's cells (`isnet-bench merge` joins the shards' folders). */
  readonly shard?: Shard;
}

export interface SuiteRunResult {
  /** False when the signal stopped the run; the same command continues it. */
  readonly completed: boolean;
  readonly cells: readonly Cell[];
  /** The records of the finished cells, in cell order. */
  readonly records: readonly CellRecord[];
}

/** A finished cell's record in its folder. */
export const RECORD_FILE = 'record.json';

/** The files of a results folder. */
export function resultPaths(out: string) {
  return { jsonl: join(out, 'results.jsonl'), csv: join(out, 'results.csv'), suite: join(out, 'suite.json'), cell: (id: string) => join(out, 'cells', id) };
}

/** A suite ready to run: its cells (a shard's, when given) and their opened datasets. */
export interface OpenedSuite {
  readonly suite: Suite;
  readonly cells: readonly Cell[];
  readonly datasets: ReadonlyMap<string, OpenedDataset>;
}

/**
 * Opens (building on first use) a suite's datasets and lists its cells, those of `shard` when
 * given; a method that needs foreground masks on a dataset without them fails here, before
 * any cell runs.
 */
export async function openSuite(suite: Suite, options: { dataCache?: string; log?: (message: string) => void; shard?: Shard } = {}): Promise<OpenedSuite> {
  const cache = options.dataCache ?? defaultDataCache();
  const datasets = new Map<string, OpenedDataset>();
  for (const name of new Set([...(suite.accuracy?.datasets ?? []), ...(suite.timing ? [suite.timing.dataset] : [])])) {
    datasets.set(name, await openSuiteDataset(suite.datasets[name]!, cache, options.log ?? (() => {})));
  }
  const identities = Object.fromEntries([...datasets].map(([name, d]): [string, CellDataset] => [name, { name, fingerprint: d.fingerprint }]));
  const { shard } = options;
  const cells = expandCells(suite, identities).filter((cell) => !shard || shardOf(cell, shard.count) === shard.index - 1);
  for (const cell of cells) {
    if (cell.kind === 'accuracy' && methodDefinition(cell.method).needsMasks) {
      try {
        requireMasks(datasets.get(cell.dataset.name)!, [cell.train.trainSplit]);
      } catch (error) {
        throw new SuiteError(`${suite.file}: method '${cell.label}' needs foreground masks, dataset '${cell.dataset.name}' lacks them: ${(error as Error).message}`);
      }
    }
  }
  return { suite, cells, datasets };
}

/** Creates a results folder for a suite: cells/ and suite.json (what merge checks shards against). */
export async function startResults(out: string, suite: Suite, shard?: Shard): Promise<void> {
  await mkdir(join(out, 'cells'), { recursive: true });
  await writeFileAtomic(resultPaths(out).suite, `${JSON.stringify({ ...suite, ...(shard ? { shard } : {}) }, null, 2)}\n`);
}

/** The records of those `cells` that have one in the results folder. */
export async function readRecords(out: string, cells: readonly Pick<Cell, 'id'>[]): Promise<Map<string, CellRecord>> {
  const records = new Map<string, CellRecord>();
  for (const cell of cells) {
    const record = await readRecord(recordFile(out, cell.id));
    if (record) records.set(cell.id, record);
  }
  return records;
}

/** Where a cell's record is kept. */
export const recordFile = (out: string, id: string) => join(resultPaths(out).cell(id), RECORD_FILE);

/** What running a cell needs besides the cell: where it writes and whose machine it is. */
export interface CellRunOptions {
  /** The results folder (the cell's checkpoints go to cells/<id>/). */
  readonly out: string;
  readonly environment: CellRecord['environment'];
  readonly log?: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** Trains and tests an accuracy cell, resuming from its checkpoints; undefined when the signal stopped it. */
export async function runAccuracyCell(opened: OpenedSuite, cell: AccuracyCell, options: CellRunOptions): Promise<CellRecord | undefined> {
  const started = new Date();
  const dataset = opened.datasets.get(cell.dataset.name)!;
  const dir = resultPaths(options.out).cell(cell.id);
  const outcome = await trainAndEvaluate(
    { method: cell.method, model: cell.backbone, modelOptions: cell.backboneOptions, methodConfig: cell.methodConfig, train: cell.train, seed: cell.seed, evaluation: cell.evaluation },
    dataset,
    dir,
    { log: options.log, signal: options.signal, resume: existsSync(join(dir, 'run.json')) },
  );
  if (!outcome.evaluation) return undefined;
  const training = outcome.training!;
  return {
    ...recordBase(opened.suite, cell, dataset, options.environment, started),
    methodConfig: outcome.methodConfig,
    explainer: methodDefinition(cell.method).attentionExplainer,
    train: cell.train,
    prepared: outcome.prepared ?? null,
    training: {
      epochs: training.epochs.length,
      bestEpoch: training.bestEpoch,
      bestMetric: training.bestMetric,
      selectedBy: training.selectedBy,
      steps: training.steps,
      trainImages: training.trainImages,
      epochSeconds: spread(training.epochs.map((e) => e.trainSeconds)),
    },
    evaluation: outcome.evaluation,
  };
}

/**
 * A backbone's epoch-time cells: they are timed together (interleaved), the standard
 * classifier's among them, so they run as one unit.
 */
export function epochTimeGroups(cells: readonly Cell[]): EpochTimeCell[][] {
  const groups = new Map<string, EpochTimeCell[]>();
  for (const cell of cells) {
    if (cell.kind !== 'epoch-time') continue;
    const key = JSON.stringify([cell.backbone, cell.backboneOptions]);
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()];
}

/** Times one of epochTimeGroups' groups; the records in the group's order, or undefined when the signal stopped it. */
export async function runEpochTimeGroup(opened: OpenedSuite, group: readonly EpochTimeCell[], options: Omit<CellRunOptions, 'out'>): Promise<CellRecord[] | undefined> {
  const dataset = opened.datasets.get(group[0]!.dataset.name)!;
  const started = new Date();
  const times = await measureEpochTimes(group, dataset, { log: options.log, signal: options.signal });
  if (!times) return undefined;
  // The suite parsed each method config with its schema already.
  return group.map((cell): CellRecord => ({ ...recordBase(opened.suite, cell, dataset, options.environment, started), methodConfig: cell.methodConfig, epochTime: times.get(cell.id)! }));
}

/** The text of a record file. */
export const recordText = (record: CellRecord) => `${JSON.stringify(record, null, 2)}\n`;

/**
 * Runs a suite into a results folder. Every finished cell's record is kept in its own folder
 * and the results files are rewritten from them after each cell, so a run killed at any
 * moment and started again redoes no finished cell, resumes a cell in training from its last
 * checkpoint, and ends with the same records (wall-clock times aside).
 */
export async function runSuite(suite: Suite, options: SuiteRunOptions): Promise<SuiteRunResult> {
  const log = options.log ?? (() => {});
  await startResults(options.out, suite, options.shard);
  const opened = await openSuite(suite, { dataCache: options.dataCache, log, shard: options.shard });
  const { cells } = opened;
  const records = await readRecords(options.out, cells);
  const pending = cells.filter((c) => !records.has(c.id));
  if (options.plan) return { completed: pending.length === 0, cells, records: recordsInOrder(cells, records) };
  const { shard } = options;
  const which = shard ? ` (shard ${shard.index}/${shard.count})` : '';
  log(`suite '${suite.name}'${which}: ${cells.length} cells, ${cells.length - pending.length} done, ${pending.length} to run; results in ${options.out}`);
  const progress = new Progress(cells.length, () => cells.filter((c) => c.kind === 'accuracy' && !records.has(c.id)).length, log, records.size);
  const write = () => writeResults(options.out, cells, records);
  const env = environment(options.engine);

  for (const cell of pending.filter((c): c is AccuracyCell => c.kind === 'accuracy')) {
    const at = `[${progress.next()}/${cells.length}] `;
    log(`${at}${describeCell(cell)}`);
    const record = await runAccuracyCell(opened, cell, { out: options.out, environment: env, log: (m) => log(`${at}${m}`), signal: options.signal });
    if (!record) return stopped(cells, records, write);
    await finish(record);
    progress.done((Date.parse(record.finished) - Date.parse(record.started)) / 1000);
  }

  for (const group of epochTimeGroups(cells).filter((g) => g.some((c) => !records.has(c.id)))) {
    // A group is timed whole (its finished cells again too, interleaved with the new ones); the count moves by its new cells.
    const fresh = group.filter((c) => !records.has(c.id)).length;
    const first = progress.next();
    const at = `[${fresh > 1 ? `${first}-${progress.skip(fresh - 1)}` : first}/${cells.length}] `;
    log(`${at}${describeEpochTimeGroup(group)}`);
    const groupRecords = await runEpochTimeGroup(opened, group, { environment: env, log: (m) => log(`${at}${m}`), signal: options.signal });
    if (!groupRecords) return stopped(cells, records, write);
    for (const record of groupRecords) await finish(record);
    progress.done();
  }
  await write();
  return { completed: true, cells, records: recordsInOrder(cells, records) };

  async function finish(record: CellRecord) {
    await mkdir(resultPaths(options.out).cell(record.id), { recursive: true });
    await writeFileAtomic(recordFile(options.out, record.id), recordText(record));
    records.set(record.id, record);
    await write();
  }
}

/** One line naming a backbone's epoch-time group for progress output. */
export function describeEpochTimeGroup(group: readonly EpochTimeCell[]): string {
  return `epoch time on ${group[0]!.backbone}: ${group.length} cells (methods x class counts), ${group[0]!.timing.rounds} rounds`;
}

function recordBase(suite: Suite, cell: Cell, dataset: OpenedDataset, env: CellRecord['environment'], started: Date) {
  return {
    format: RESULT_FORMAT,
    version: RESULT_VERSION,
    id: cell.id,
    suite: suite.name,
    kind: cell.kind,
    label: cell.label,
    method: cell.method,
    backbone: cell.backbone,
    backboneOptions: cell.backboneOptions,
    seed: cell.seed,
    dataset: { name: cell.dataset.name, fingerprint: dataset.fingerprint, classes: cell.kind === 'epoch-time' ? cell.classes : dataset.classNames.length },
    environment: env,
    started: started.toISOString(),
    finished: new Date().toISOString(),
  } as const;
}

async function stopped(cells: readonly Cell[], records: Map<string, CellRecord>, write: () => Promise<void>): Promise<SuiteRunResult> {
  await write();
  return { completed: false, cells, records: recordsInOrder(cells, records) };
}

/** Rewrites results.jsonl and results.csv from the records of `cells` that have one, in cell order. */
export async function writeResults(out: string, cells: readonly Cell[], records: ReadonlyMap<string, CellRecord>): Promise<void> {
  const list = recordsInOrder(cells, records);
  const paths = resultPaths(out);
  await writeFileAtomic(paths.jsonl, resultsJsonl(list));
  await writeFileAtomic(paths.csv, resultsCsv(list));
}

/** The records of the cells that have one, in cell order. */
export function recordsInOrder(cells: readonly Cell[], records: ReadonlyMap<string, CellRecord>): CellRecord[] {
  return cells.flatMap((c) => records.get(c.id) ?? []);
}

/** A finished cell's record, or undefined when the cell has none (or one of another format version, to be redone). */
async function readRecord(file: string): Promise<CellRecord | undefined> {
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(await readFile(file, 'utf8')) as CellRecord;
  return record.format === RESULT_FORMAT && record.version === RESULT_VERSION ? record : undefined;
}

/** Cells done, with an estimate of the training time left from the accuracy cells finished in this run. */
export class Progress {
  private readonly seconds: number[] = [];
  private position: number;

  /** `parallel`: how many cells run at a time (the workers of a queue), which divides the estimate. */
  constructor(
    private readonly total: number,
    private readonly trainingLeft: () => number,
    private readonly log: (message: string) => void,
    finished: number,
    private readonly parallel: () => number = () => 1,
  ) {
    this.position = finished;
  }

  next(): number {
    return ++this.position;
  }

  skip(cells: number): number {
    this.position += cells;
    return this.position;
  }

  /** A cell (or a timing group) has finished; `seconds` is an accuracy cell's duration. */
  done(seconds?: number): void {
    if (seconds !== undefined) this.seconds.push(seconds);
    const mean = this.seconds.reduce((a, b) => a + b, 0) / (this.seconds.length || 1);
    const left = this.trainingLeft();
    const eta = this.seconds.length && left ? `; the ${left} accuracy cells left take about ${formatMinutes((mean * left) / Math.max(1, this.parallel()))}` : '';
    this.log(`suite: ${this.position}/${this.total} cells done (${Math.round((100 * this.position) / this.total)}%)${eta}`);
  }
}

function formatMinutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}
