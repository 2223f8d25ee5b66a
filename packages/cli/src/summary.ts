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
