import type { EvaluationResult, SplitEvaluation } from './evaluate.js';

/** What one CSV cell holds; null is an empty (undefined) metric. */
export type RowValue = string | number | boolean | null;

/** Identifies the run a result belongs to; further columns (epochs, classes, ...) may be added. */
export interface RunContext {
  readonly method: string;
  readonly dataset: string;
  readonly seed: number;
  readonly [column: string]: RowValue;
}

/** One split of one run: the context columns, then `split`, then `METRIC_COLUMNS`. */
export type EvaluationRow = Readonly<Record<string, RowValue>>;

// The scalar metrics of a split, in column order. The confusion matrix is not flat and stays
// in the JSON result.
const METRIC_CELLS = {
  count: (split) => split.count,
  accuracy: (split) => split.accuracy,
  macroF1: (split) => split.macroF1,
  auc: (split) => split.auc,
  // Semicolons, so the cell needs no quoting in a comma-separated file.
  aucSkippedClasses: (split) => split.aucSkippedClasses.join(';'),
  heatmapCount: (split) => split.heatmapCount,
  backgroundAttention: (split) => split.backgroundAttention,
  backgroundToForegroundRatio: (split) => split.backgroundToForegroundRatio,
  heatmapsWithoutRelevance: (split) => split.heatmapsWithoutRelevance,
  ratioExcluded: (split) => split.ratioExcluded,
} satisfies Record<string, (split: SplitEvaluation) => RowValue>;

/** The metric columns of every row, in order (for a CSV header after the context columns). */
export const METRIC_COLUMNS = Object.keys(METRIC_CELLS) as readonly (keyof typeof METRIC_CELLS)[];

/** Flat rows, one per split in the result's order, ready for a CSV writer. */
export function evaluationRows(result: EvaluationResult, context: RunContext): EvaluationRow[] {
  // A context column named like a metric would silently overwrite it (or be overwritten).
  const clash = Object.keys(context).find((column) => column === 'split' || (METRIC_COLUMNS as readonly string[]).includes(column));
  if (clash !== undefined) throw new RangeError(`context column '${clash}' clashes with an evaluation column`);
  return Object.entries(result.splits).map(([name, split]) => {
    const row: Record<string, RowValue> = { ...context, split: name };
    for (const column of METRIC_COLUMNS) row[column] = METRIC_CELLS[column](split);
    return row;
  });
}
