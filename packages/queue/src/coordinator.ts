import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { describeCell, openSuite, Progress, readRecords, recordsInOrder, startResults, writeResults, type Cell, type CellRecord, type Suite, type SuiteRunResult } from '@isnet-bench/harness';
import { describeQueue, openConnection, QUEUE_NAME, queueOptions } from './connection.js';
import { cellJobs, type CellJob, type CellJobData, type CellJobResult } from './jobs.js';

export interface QueueRunOptions {
  /** The shared results folder, as this machine mounts it. */
  readonly out: string;
  /** redis://HOST:PORT/DB */
  readonly queue: string;
  readonly dataCache?: string;
  readonly log?: (message: string) => void;
  /** Abort to stop waiting (the jobs stay queued; the same command continues). */
  readonly signal?: AbortSignal;
  /** Only plan: list the cells and the finished ones' records, enqueue nothing. */
  readonly plan?: boolean;
  /** How often the results folder and the queue are looked at, ms (default 1000). */
  readonly pollMs?: number;
}

export interface QueueRunResult extends SuiteRunResult {
  /** Cells whose job failed its last attempt, with the reason. */
  readonly failed: readonly { readonly cell: Cell; readonly reason: string }[];
}

/** A job is given this many tries when its cell fails (a crash, not a lost worker: see MAX_STALLS). */
const ATTEMPTS = 3;

/**
 * Runs a suite through a queue: builds its datasets here (to know the cells), enqueues one job
 * per cell still without a record (a backbone's epoch timing as one job, see cellJobs), then
 * watches the results folder for the records the workers write, with progress and an estimate
 * of the time left, and writes results.jsonl and results.csv as a local run does.
 */
export async function runSuiteOnQueue(suite: Suite, options: QueueRunOptions): Promise<QueueRunResult> {
  const log = options.log ?? (() => {});
  queueOptions(options.queue); // a bad address fails before the datasets are built
  await startResults(options.out, suite);
  const opened = await openSuite(suite, { dataCache: options.dataCache, log });
  const { cells } = opened;
  const records = await readRecords(options.out, cells);
  const pending = cells.filter((c) => !records.has(c.id));
  if (options.plan) return { completed: pending.length === 0, cells, records: recordsInOrder(cells, records), failed: [] };

  const connection = openConnection(options.queue, log);
  const queue = new Queue<CellJobData, CellJobResult>(QUEUE_NAME, { connection: connection.redis });
  queue.on('error', connection.report);
  try {
    const jobs = cellJobs(suite, pending);
    await enqueue(queue, jobs);
    log(`suite '${suite.name}': ${cells.length} cells, ${cells.length - pending.length} done, ${pending.length} queued as ${jobs.length} jobs on ${describeQueue(options.queue)}; results in ${options.out}`);
    const workers = await queue.getWorkersCount();
    log(workers ? `${workers} worker${workers === 1 ? '' : 's'} connected` : `no worker connected yet: start 'isnet-bench worker --queue ${describeQueue(options.queue)} --out DIR' on each machine (DIR: this results folder as it mounts it)`);
    return await collect(queue, jobs, records, cells, options, log);
  } finally {
    await queue.close();
    connection.redis.disconnect();
  }
}

/**
 * Adds the jobs; one that exists already is left alone (BullMQ ignores an id it has), except
 * that a failed job is retried and a completed one whose record is gone is enqueued afresh.
 */
async function enqueue(queue: Queue<CellJobData, CellJobResult>, jobs: readonly CellJob[]): Promise<void> {
  for (const job of jobs) {
    const existing = await queue.getJob(job.id);
    const state = existing && (await existing.getState());
    if (state === 'failed') await existing!.retry();
    if (state === 'completed') await existing!.remove();
  }
  await queue.addBulk(jobs.map((job) => ({ name: job.name, data: job.data, opts: { jobId: job.id, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 10_000 } } })));
}

async function collect(
  queue: Queue<CellJobData, CellJobResult>,
  jobs: readonly CellJob[],
  records: Map<string, CellRecord>,
  cells: readonly Cell[],
  options: QueueRunOptions,
  log: (message: string) => void,
): Promise<QueueRunResult> {
  let active = 1;
  const progress = new Progress(cells.length, () => cells.filter((c) => c.kind === 'accuracy' && !records.has(c.id)).length, log, records.size, () => active);
  const write = () => writeResults(options.out, cells, records);
  const failed = new Map<string, { cell: Cell; reason: string }>();
  let open = [...jobs];
  while (open.length && !options.signal?.aborted) {
    await sleep(options.pollMs ?? 1000);
    active = await queue.getActiveCount();
    for (const job of open) {
      const found = await readRecords(options.out, job.cells);
      if (found.size === job.cells.length) {
        for (const [id, record] of found) records.set(id, record);
        await write();
        const [first] = job.cells;
        const record = records.get(first!.id)!;
        if (first!.kind === 'accuracy') {
          log(`[${progress.next()}/${cells.length}] done: ${describeCell(first!)}`);
          progress.done((Date.parse(record.finished) - Date.parse(record.started)) / 1000);
        } else {
          log(`[${progress.next()}-${progress.skip(job.cells.length - 1)}/${cells.length}] done: ${job.name}`);
          progress.done();
        }
        continue;
      }
      const queued = await queue.getJob(job.id);
      if (!queued) {
        log(`${job.name}: its job is gone from the queue (a Redis restarted without persistence?); enqueued again`);
        await enqueue(queue, [job]);
      } else if ((await queued.getState()) === 'failed') {
        const reason = `${queued.failedReason} (after ${queued.attemptsMade} attempts)`;
        log(`failed: ${job.name}: ${reason}`);
        for (const cell of job.cells) if (!records.has(cell.id)) failed.set(cell.id, { cell, reason });
      }
    }
    open = open.filter((job) => job.cells.some((c) => !records.has(c.id) && !failed.has(c.id)));
  }
  await write();
  return { completed: open.length === 0 && failed.size === 0, cells, records: recordsInOrder(cells, records), failed: [...failed.values()] };
}
