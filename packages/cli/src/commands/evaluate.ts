import { initEngine } from '@isnet-bench/engine';
import { formatShortcutDiagnostics, type EvaluationResult } from '@isnet-bench/evaluation';
import { DiagnosticsSettings, evaluateRun } from '@isnet-bench/harness';
import { countFlag, parseFlags } from '../flags.js';
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
  usage: `isnet-bench evaluate --checkpoint RUN_DIR --dataset DIR [--last] [--diagnostics] [--limit N]
                            [--steps N] [--layers N|all] [--backend B] [--json]

Accuracy, macro-F1, one-vs-rest AUC and background attention (LRP-Flex heatmap of the predicted
class, eps 0.01, z^B) per test split. RUN_DIR is the --out of 'isnet-bench train'.
  --diagnostics  also the shortcut diagnostics (test and confounding against unbiased, datasets
                 whose artifact is known): the artifact's effect on the true-class logit, its
                 share through units the artifact switches off / on / leaves active, and the
                 heatmaps' share on the artifact; --limit image pairs (default 500), --steps of
                 the integrated gradients (default 16), --layers deepest ReLU cuts (default 2)
  --json         the result as JSON (with "diagnostics" when computed)`,
  async run(args, io) {
    const { values } = parseFlags({
      args,
      options: {
        checkpoint: { type: 'string' }, dataset: { type: 'string' }, last: { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' },
        diagnostics: { type: 'boolean' }, limit: { type: 'string' }, steps: { type: 'string' }, layers: { type: 'string' },
      },
    });
    if (!values.checkpoint || !values.dataset) throw new UsageError('give --checkpoint RUN_DIR and --dataset DIR');
    const tuning = [values.limit, values.steps, values.layers].some((v) => v !== undefined);
    if (tuning && !values.diagnostics) throw new UsageError('--limit, --steps and --layers set the shortcut diagnostics: give --diagnostics too');
    if (values.layers !== undefined && values.layers !== 'all' && !/^[1-9]\d*$/.test(values.layers)) throw new UsageError(`--layers: expected a positive integer or 'all', got '${values.layers}'`);
    const diagnostics = values.diagnostics
      ? DiagnosticsSettings.parse({
          limit: countFlag('limit', values.limit),
          steps: countFlag('steps', values.steps),
          layers: values.layers === undefined || values.layers === 'all' ? values.layers : Number(values.layers),
        })
      : undefined;
    await initEngine({ backend: values.backend });
    const result = await evaluateRun(values.checkpoint, values.dataset, { checkpoint: values.last ? 'last' : 'best', log: (m) => io.err(m), diagnostics });
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else io.out(result.diagnostics ? `${formatEvaluation(result)}\n\nshortcut diagnostics:\n${formatShortcutDiagnostics(result.diagnostics)}` : formatEvaluation(result));
    return 0;
  },
};
