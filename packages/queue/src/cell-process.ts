// The process a worker runs each job in: TensorFlow.js keeps its engine state per process, so
// every job starts from a fresh engine, and a job's training never blocks the worker's event loop
// (which must keep renewing the job's lock in Redis).
import { initEngine } from '@isnet-bench/engine';
import { environment, openSuite, readRecords, runAccuracyCell, runEpochTimeGroup, type CellRecord, type EpochTimeCell } from '@isnet-bench/harness';
import { oneLine } from './connection.js';
import type { CellJobData, RecordOutcome } from './jobs.js';
import { createRecordOnce } from './record-once.js';

/** What the worker sends the process: the job and the worker's settings. */
export interface CellTask extends CellJobData {
  readonly out: string;
  readonly dataCache?: string;
  readonly backend?: string;
}

/** What the process answers before it exits. */
export type CellTaskReply =
  | { readonly records: Readonly<Record<string, RecordOutcome>> }
  | { readonly stopped: true }
  | { readonly error: string; readonly unrecoverable: boolean };

const RECORD_MESSAGES: Record<RecordOutcome, string> = {
  created: 'record written',
  present: 'already recorded (by an earlier run or another worker); nothing written',
  replaced: 'record written (replacing one of an older format)',
  differs: 'already recorded by another worker, which got a different result (wall-clock times aside); kept the first',
};

/** A job this machine cannot run (its datasets differ from the enqueuing machine's): failed without retries. */
class UnrunnableError extends Error {}

const log = (message: string) => process.stderr.write(`${message}\n`);
const controller = new AbortController();
// The worker stops its jobs with SIGTERM: stop after the current step, with a checkpoint.
process.once('SIGTERM', () => controller.abort());
// The worker is gone (killed): another worker takes the job over; stop at once.
process.once('disconnect', () => process.exit(1));

async function run(task: CellTask): Promise<CellTaskReply> {
  const engine = await initEngine({ backend: task.backend });
  const opened = await openSuite(task.suite, { dataCache: task.dataCache, log });
  const cells = task.cells.map((id) => {
    const cell = opened.cells.find((c) => c.id === id);
    if (!cell) throw new UnrunnableError(`cell ${id} is not a cell of suite '${task.suite.name}' as this machine builds it (its datasets differ from the enqueuing machine's)`);
    return cell;
  });
  const done = await readRecords(task.out, cells);
  const records: Record<string, RecordOutcome> = {};
  // Said as it happens: a process killed right after writing a record has still said so.
  const settle = (id: string, outcome: RecordOutcome) => {
    records[id] = outcome;
    log(`cell ${id}: ${RECORD_MESSAGES[outcome]}`);
  };
  for (const id of done.keys()) settle(id, 'present');
  if (done.size === cells.length) return { records };
  const options = { out: task.out, environment: environment(engine), log, signal: controller.signal };
  const first = cells[0]!;
  let results: CellRecord[] | undefined;
  if (first.kind === 'accuracy') {
    const record = await runAccuracyCell(opened, first, options);
    results = record && [record];
  } else {
    results = await runEpochTimeGroup(opened, cells as EpochTimeCell[], options);
  }
  if (!results) return { stopped: true };
  for (const record of results) if (!done.has(record.id)) settle(record.id, await createRecordOnce(task.out, record));
  return { records };
}

process.once('message', (task: CellTask) => {
  run(task)
    .catch((error: unknown): CellTaskReply => ({ error: oneLine(error), unrecoverable: error instanceof UnrunnableError }))
    .then((reply) => process.send!(reply, () => process.exit('error' in reply ? 1 : 0)));
});
