import { checkClassIndices } from './metrics.js';

/**
 * Scores per image and class: rows (`scores[i][c]`), or one row-major array [n * classes]
 * as downloaded from a [n, classes] tensor.
 */
export type ClassScores = readonly ArrayLike<number>[] | Float32Array | Float64Array;

export interface OneVsRestAuc {
  /** Macro average of `perClass` over the classes not skipped; NaN when every class is skipped. */
  readonly auc: number;
  /** ROC AUC of each class against the rest; NaN for skipped classes. */
  readonly perClass: number[];
  /**
   * Classes without an AUC because the labels lack positives (the class is absent) or
   * negatives (it is the only class present), ascending.
   */
  readonly skippedClasses: number[];
}

/**
 * ROC AUC of a binary problem as the Mann-Whitney statistic: the probability that a random
 * positive scores above a random negative, a tie counting one half (midranks). NaN without
 * both positives and negatives, or with a NaN score (a diverged model gets NaN, not an error).
 */
export function rocAuc(isPositive: ArrayLike<boolean>, scores: ArrayLike<number>): number {
  const n = scores.length;
  if (isPositive.length !== n) throw new RangeError(`${isPositive.length} outcomes but ${n} scores`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) return NaN;
    if (isPositive[i]) positives++;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] < scores[b] ? -1 : scores[a] > scores[b] ? 1 : 0));
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    // Sorted positions start..end-1 hold ranks start+1..end; tied scores share their mean.
    const midrank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (isPositive[order[k]]) positiveRankSum += midrank;
    start = end;
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}

/** Macro-averaged one-vs-rest ROC AUC over the classes that have one (see `skippedClasses`). */
export function oneVsRestAuc(labels: ArrayLike<number>, scores: ClassScores, classes: number): OneVsRestAuc {
  checkClassIndices(labels, classes, 'labels');
  const n = labels.length;
  const score = scoreReader(scores, n, classes);
  const perClass: number[] = [];
  const skippedClasses: number[] = [];
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    const isPositive = Array.from({ length: n }, (_, i) => labels[i] === c);
    const positives = isPositive.filter(Boolean).length;
    if (positives === 0 || positives === n) {
      skippedClasses.push(c);
      perClass.push(NaN);
      continue;
    }
    const auc = rocAuc(isPositive, Array.from({ length: n }, (_, i) => score(i, c)));
    perClass.push(auc);
    sum += auc;
  }
  const scored = classes - skippedClasses.length;
  return { auc: scored === 0 ? NaN : sum / scored, perClass, skippedClasses };
}

function scoreReader(scores: ClassScores, n: number, classes: number): (image: number, c: number) => number {
  if (Array.isArray(scores)) {
    const rows = scores as readonly ArrayLike<number>[];
    if (rows.length !== n) throw new RangeError(`${n} labels but ${rows.length} score rows`);
    rows.forEach((row, i) => {
      if (row.length !== classes) throw new RangeError(`score row ${i} has ${row.length} values, expected ${classes}`);
    });
    return (image, c) => rows[image][c];
  }
  const flat = scores as Float32Array | Float64Array;
  if (flat.length !== n * classes) throw new RangeError(`${flat.length} scores, expected ${n} images x ${classes} classes`);
  return (image, c) => flat[image * classes + c];
}
