import type { CellRecord } from '@isnet-bench/harness';
import { markdownTable, table } from './io.js';

const percent = (value: number | null | undefined) => (value === null || value === undefined ? '-' : (100 * value).toFixed(1));

/**
 * The short tables `isnet-bench run` ends with (and `isnet-bench results` prints, also as
 * Markdown): accuracy and attention per test split; epoch time per class count.
 */
export function formatSummary(records: readonly CellRecord[], format: 'text' | 'markdown' = 'text'): string {
  const parts: string[] = [];
  const render = format === 'markdown' ? markdownTable : table;
  const accuracy = records.filter((r) => r.kind === 'accuracy');
  if (accuracy.length) {
    const splits = [...new Set(accuracy.flatMap((r) => Object.keys(r.evaluation?.splits ?? {})))];
    parts.push(
      render([
        ['method', 'dataset', 'backbone', 'seed', ...splits.map((s) => `${s} acc %`), ...splits.map((s) => `${s} bg att %`), 'epoch s'],
        ...accuracy.map((r) => [
          r.label,
          r.dataset.name,
          r.backbone,
          String(r.seed),
          ...splits.map((s) => percent(r.evaluation?.splits[s]?.accuracy)),
          ...splits.map((s) => percent(r.evaluation?.splits[s]?.backgroundAttention)),
          r.training ? r.training.epochSeconds.median.toFixed(1) : '-',
        ]),
      ]),
    );
  }
  const diagnosed = accuracy.filter((r) => r.evaluation?.diagnostics);
  if (diagnosed.length) {
    const signed = (value: number | null) => (value === null ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`);
    const rows = diagnosed.flatMap((r) =>
      r.evaluation!.diagnostics!.pairs.map((pair) => {
        // The deepest decomposed layer: nearest the logits, where the summary reads the routes.
        const deepest = pair.layers.at(-1);
        const predicted = pair.heatmaps.find((h) => h.quantity === 'predicted');
        return [r.label, r.dataset.name, r.backbone, String(r.seed), pair.withArtifact, String(pair.count), signed(pair.logitChange), percent(deepest?.offShare), deepest?.layer ?? '-', percent(predicted?.share), percent(pair.artifactArea)];
      }),
    );
    parts.push(
      `shortcut diagnostics (each split against the same images without the artifact): the artifact's effect on the true-class logit; its share through units the artifact switches off at the deepest decomposed layer; the predicted class's heatmap share on the artifact (area: a uniform heatmap's):${format === 'markdown' ? '\n\n' : '\n'}` +
        render([['method', 'dataset', 'backbone', 'seed', 'artifact split', 'pairs', 'logit change', 'off-route %', 'layer', 'artifact heatmap %', 'area %'], ...rows]),
    );
  }
  const timing = records.filter((r) => r.kind === 'epoch-time');
  if (timing.length) {
    const classes = [...new Set(timing.map((r) => r.epochTime!.classes))].sort((a, b) => a - b);
    const rows = [...new Set(timing.map((r) => `${r.label}\u0000${r.backbone}`))].map((key) => {
      const [label, backbone] = key.split('\u0000') as [string, string];
      const cell = (c: number) => {
        const t = timing.find((r) => r.label === label && r.backbone === backbone && r.epochTime!.classes === c)?.epochTime;
        if (!t) return '-';
        return `${t.seconds.median.toFixed(2)}${t.extrapolated ? '*' : ''}${t.overhead !== null && label !== 'standard' ? ` (x${t.overhead.toFixed(2)})` : ''}`;
      };
      return [label, backbone, ...classes.map(cell)];
    });
    const first = timing[0]!.epochTime!;
    parts.push(
      `epoch time, s (median of rounds; x = over the standard classifier at the same C; * = extrapolated), ${first.images} images, batch ${first.batchSize}:${format === 'markdown' ? '\n\n' : '\n'}` +
        render([['method', 'backbone', ...classes.map((c) => `C=${c}`)], ...rows]),
    );
  }
  return parts.join('\n\n');
}
