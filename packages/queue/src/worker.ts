import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { canonicalJson, resultPaths } from '@isnet-bench/harness';
import type { CellTask, CellTaskReply } from './cell-process.js';
import { oneLine, openConnection, QUEUE_NAME, QueueError } from './connection.js';
import type { CellJobData, CellJobResult } from './jobs.js';

export interface WorkerOptions {
  /** redis://HOST:PORT/DB */
  readonly queue: string;
  /** The shared results folder, as this machine mounts it. */
  readonly out: string;
  /** Jobs run at a time, each in its own process. */
  readonly concurrency?: number;
  readonly dataCache?: string;
  readonly backend?: string;
  /**
   * A job whose worker has not renewed its lock for this long is given to another worker (its
   * lock's duration; the stalled check runs every half of it, so a dead worker's job moves on
   * within 1.5 times this). Training runs in child processes, so a live worker's event loop is
   * free to renew the lock every half of it however long a step takes; a Redis outage shorter
   * than half of it costs nothing, a longer one may hand running jobs to other workers (safe:
   * the records are written once, see createRecordOnce).
   */
  readonly stallSeconds?: number;
  readonly log?: (message: string) => void;
}

/** A running worker; stop() ends its jobs after their current step (with a checkpoint) and hands them back to the queue. */
export interface QueueWorker {
  readonly name: string;
  /** Settles when the worker has stopped: rejects with a QueueError when it stopped itself, misconfigured. */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

/** The child process entry (built next to this file). */
const CELL_PROCESS = fileURLToPath(new URL('./cell-process.js', import.meta.url));

/**
 * A worker stalled this often on one job (each time its worker died or lost Redis for long)
 * fails the job: a cell that kills its worker every time is a bug to look at, not to retry forever.
 */
const MAX_STALLS = 10;

/**
 * Takes jobs from the queue and runs each in a child process (see cell-process.ts) on the
 * shared results folder: a cell resumes from the checkpoints an earlier worker left there, and
 * its record is created once.
 */
export async function startWorker(options: WorkerOptions): Promise<QueueWorker> {
  const log = options.log ?? (() => {});
  const name = `${hostname()}:${process.pid}`;
  const connection = openConnection(options.queue, log);
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  /** Jobs whose lock this worker lost: BullMQ's errors about them repeat what the log has said. */
  const lost = new Set<string>();
  let settle: { resolve: () => void; reject: (error: Error) => void };
  const stopped = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  const lockDuration = (options.stallSeconds ?? 30) * 1000;

  const worker = new Worker<CellJobData, CellJobResult>(
    QUEUE_NAME,
    async (job, token) => {
      const label = `[${job.id}]`;
      lost.delete(job.id!);
      const misplaced = await wrongFolder(options.out, job.data);
      if (misplaced) {
        // Every job would meet the same folder: hand this one back untouched and stop.
        await job.moveToWait(token);
        void stop().then(() => settle.reject(new QueueError(misplaced)));
        throw new WaitingError();
      }
      log(`${label} ${job.name}${job.attemptsStarted > 1 ? ` (attempt ${job.attemptsStarted})` : ''}`);
      const reply = await runChild(job, label);
      if ('records' in reply) {
        return { worker: name, records: reply.records };
      }
      if ('stopped' in reply || stopping) {
        // Back to the queue at once, as it was: not a failed attempt.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      throw reply.unrecoverable ? new UnrecoverableError(reply.error) : new Error(reply.error);
    },
    { connection: connection.redis, concurrency: options.concurrency ?? 1, lockDuration, stalledInterval: lockDuration / 2, maxStalledCount: MAX_STALLS, name },
  );
  // Another worker has the job now (this one lost Redis for longer than the lock): stop its copy at once.
  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) {
      lost.add(id);
      const child = children.get(id);
      if (!child) continue;
      log(`[${id}] lost the job's lock (another worker may have taken it over); stopping this copy`);
      child.kill('SIGKILL');
    }
  });
  worker.on('error', (error) => {
    if (![...lost].some((id) => error.message.includes(id))) connection.report(error);
  });
  worker.on('failed', (job, error) => {
    if (job && !(error instanceof WaitingError)) log(`[${job.id}] failed (attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1}): ${oneLine(error)}`);
  });
  await worker.waitUntilReady();
  log(`worker ${name}: taking cells from ${QUEUE_NAME} (${options.concurrency ?? 1} at a time), results in ${options.out}`);

  function runChild(job: Job<CellJobData, CellJobResult>, label: string): Promise<CellTaskReply> {
    return new Promise((resolve) => {
      // Its output through pipes, not the worker's own streams: a killed worker's pipes close at once.
      const child = spawn(process.execPath, [CELL_PROCESS], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      children.set(job.id!, child);
      log(`${label} running in process ${child.pid}`);
      let reply: CellTaskReply | undefined;
      let lastLine = '';
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => {
          log(`${label} ${line}`);
          lastLine = line;
        });
      }
      child.on('message', (message: CellTaskReply) => (reply = message));
      child.on('close', (code, signal) => {
        children.delete(job.id!);
        resolve(reply ?? { error: `the cell's process ended (${signal ?? `exit status ${code}`}) without a result${lastLine ? `; its last line: ${lastLine}` : ''}`, unrecoverable: false });
      });
      const task: CellTask = { ...job.data, out: options.out, dataCache: options.dataCache, backend: options.backend };
      child.send(task);
    });
  }

  async function stop() {
    if (stopping) return;
    stopping = true;
    log(`worker ${name}: stopping; running cells stop after their current step (with a checkpoint) and go back to the queue`);
    const ended = [...children.values()].map((child) => new Promise((resolve) => child.once('close', resolve)));
    for (const child of children.values()) child.kill('SIGTERM');
    await Promise.all(ended);
    await worker.close();
    connection.redis.disconnect();
  }

  return {
    name,
    stopped,
    async stop() {
      await stop();
      settle.resolve();
    },
  };
}

/** Why the worker's --out is not the folder the job's run was enqueued for (the same suite.json), if it is not. */
async function wrongFolder(out: string, data: CellJobData): Promise<string | undefined> {
  const file = resultPaths(out).suite;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return `${file}: missing: --out must be the shared results folder of the run (isnet-bench run --queue writes suite.json there)`;
  }
  if (canonicalJson(JSON.parse(text)) !== canonicalJson(data.suite)) return `${file}: holds another suite than the queue's jobs ('${data.suite.name}'): point --out at that run's results folder`;
  return undefined;
}
