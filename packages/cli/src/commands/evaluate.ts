import { initEngine } from '@isnet-bench/engine';
import type { EvaluationResult } from '@isnet-bench/evaluation';
import { evaluateRun } from '@isnet-bench/harness';
import { parseFlags } from '../flags.js';
import { table, UsageError } from '../io.js';
import type { Command } from './command.js';

const percent = (value: number | null) => (value === null ? '-' : `${(100 * value).toFixed(2)}`);

/** One row per test split: accuracy, macro-F1, AUC and background attention. */
export function formatEvaluation(result: EvaluationResult): string {
  return table([
    ['split', 'images', 'accuracy %', 'macro-F1 %', 'AUC %', 'background attention %', 'bg/fg ratio'],
    ...Object.entries(result.splits).map(([name, s]) => [
      name,
      String(s.count),
      percent(s.accuracy),
      percent(s.macroF1),
      percent(s.auc),
      percent(s.backgroundAttention),
      s.backgroundToForegroundRatio === null ? '-' : s.backgroundToForegroundRatio.toFixed(3),
    ]),
  ]);
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: "evaluate a trained run's best checkpoint on a dataset's test splits",
  usage: `isnet-bench evaluate --checkpoint RUN_DIR --dataset DIR [--last] [--backend B] [--json]

Accuracy, macro-F1, one-vs-rest AUC and background attention (LRP-Flex heatmap of the predicted
class, eps 0.01, z^B) per test split. RUN_DIR is the --out of 'isnet-bench train'.`,
  async run(args, io) {
    const { values } = parseFlags({ args, options: { checkpoint: { type: 'string' }, dataset: { type: 'string' }, last: { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' } } });
    if (!values.checkpoint || !values.dataset) throw new UsageError('give --checkpoint RUN_DIR and --dataset DIR');
    await initEngine({ backend: values.backend });
    const result = await evaluateRun(values.checkpoint, values.dataset, { checkpoint: values.last ? 'last' : 'best', log: (m) => io.err(m) });
    io.out(values.json ? JSON.stringify(result, null, 2) : formatEvaluation(result));
    return 0;
  },
};
