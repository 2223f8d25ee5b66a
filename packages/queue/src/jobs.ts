import { describeCell, describeEpochTimeGroup, epochTimeGroups, type Cell, type Suite } from '@isnet-bench/harness';

/** What a job asks a worker to run: cells of a suite (one accuracy cell, or a backbone's epoch-time group). */
export interface CellJobData {
  readonly suite: Suite;
  /** Cell ids, in the suite's cell order. */
  readonly cells: readonly string[];
}

/** What became of a job's cells' records. */
export type RecordOutcome = 'created' | 'present' | 'replaced' | 'differs';

/** A job's return value. */
export interface CellJobResult {
  readonly worker: string;
  readonly records: Readonly<Record<string, RecordOutcome>>;
}

export interface CellJob {
  /** Deterministic, so that enqueuing a cell again adds nothing while its job exists. */
  readonly id: string;
  /** What the job runs, in words (shown by queue dashboards and the logs). */
  readonly name: string;
  readonly data: CellJobData;
  readonly cells: readonly Cell[];
}

/**
 * The jobs for `cells` of a suite: an accuracy cell is a job; a backbone's epoch-time cells are
 * one job, because they are timed together (interleaved, the standard classifier as each one's
 * reference): split over machines their overhead ratios would compare different CPUs. A job's id
 * is its (first) cell's id, prefixed, since BullMQ refuses ids that read as integers.
 */
export function cellJobs(suite: Suite, cells: readonly Cell[]): CellJob[] {
  const job = (id: string, name: string, group: readonly Cell[]): CellJob => ({ id, name, data: { suite, cells: group.map((c) => c.id) }, cells: group });
  return [
    ...cells.filter((c) => c.kind === 'accuracy').map((cell) => job(`cell-${cell.id}`, describeCell(cell), [cell])),
    ...epochTimeGroups(cells).map((group) => job(`epoch-time-${group[0]!.id}`, describeEpochTimeGroup(group), group)),
  ];
}
