// Classification metrics on class indices, computed in float64 on the host: they run once per
// split, so exactness matters more than speed.

/** Throws unless `values` are `count` integer class indices in [0, classes). */
export function checkClassIndices(values: ArrayLike<number>, classes: number, what: string): void {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`classes must be a positive integer, got ${classes}`);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isInteger(value) || value < 0 || value >= classes) throw new RangeError(`${what}[${i}] = ${value} is not a class index in 0..${classes - 1}`);
  }
}

function checkSameLength(labels: ArrayLike<number>, predictions: ArrayLike<number>): void {
  if (labels.length !== predictions.length) throw new RangeError(`${labels.length} labels but ${predictions.length} predictions`);
}

/** The fraction of images whose prediction equals the label; NaN for no images. */
export function accuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  checkSameLength(labels, predictions);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) correct++;
  return correct / labels.length;
}

/** Counts [true class][predicted class]. */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): number[][] {
  checkSameLength(labels, predictions);
  checkClassIndices(labels, classes, 'labels');
  checkClassIndices(predictions, classes, 'predictions');
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) matrix[labels[i]][predictions[i]]++;
  return matrix;
}

/**
 * Macro F1: the mean over classes of F1 = 2 TP / (2 TP + FP + FN).
 *
 * Zero-division convention: the mean runs over the classes that occur in `labels` or in
 * `predictions`; for them 2 TP + FP + FN > 0, so F1 is always defined. A class that occurs
 * in the labels but is never predicted has F1 = 0 (its precision 0/0 counts as 0, as
 * scikit-learn's `zero_division=0`). A class in neither is left out instead of counting as
 * 0 or 1, so a test set without some class is not penalised (or rewarded) for it. NaN for
 * no images.
 */
export function macroF1(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): number {
  const matrix = confusionMatrix(labels, predictions, classes);
  let sum = 0;
  let present = 0;
  for (let c = 0; c < classes; c++) {
    const truePositives = matrix[c][c];
    let labelled = 0;
    let predicted = 0;
    for (let other = 0; other < classes; other++) {
      labelled += matrix[c][other];
      predicted += matrix[other][c];
    }
    // 2 TP + FP + FN = (TP + FN) + (TP + FP).
    const denominator = labelled + predicted;
    if (denominator === 0) continue;
    sum += (2 * truePositives) / denominator;
    present++;
  }
  return sum / present;
}
