// Logits become probabilities on the host in float64: a float32 softmax rounds every
// confident prediction to exactly 1, which turns distinct scores into ties and lowers the AUC.

/** Row-wise softmax of `logits` [n * classes] (row-major), stable against large logits. */
export function softmaxRows(logits: ArrayLike<number>, classes: number): Float64Array {
  if (logits.length % classes !== 0) throw new RangeError(`${logits.length} logits do not form rows of ${classes} classes`);
  const probabilities = new Float64Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      probabilities[row + c] = Math.exp(logits[row + c] - max);
      sum += probabilities[row + c];
    }
    for (let c = 0; c < classes; c++) probabilities[row + c] /= sum;
  }
  return probabilities;
}

/** Index of each row's largest value; ties go to the lowest index, as with tf.argMax. */
export function argmaxRows(values: ArrayLike<number>, classes: number): Int32Array {
  if (values.length % classes !== 0) throw new RangeError(`${values.length} values do not form rows of ${classes} classes`);
  const winners = new Int32Array(values.length / classes);
  for (let i = 0; i < winners.length; i++) {
    const row = i * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[row + c] > values[row + best]) best = c;
    winners[i] = best;
  }
  return winners;
}
