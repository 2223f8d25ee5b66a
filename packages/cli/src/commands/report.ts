import { defaultDataCache } from '@isnet-bench/harness';
import { DEFAULT_THRESHOLDS, parseThresholds, ThresholdError, writeReport } from '@isnet-bench/report';
import { FLAG, numberFlag, parseFlags } from '../flags.js';
import { UsageError } from '../io.js';
import { startEngine } from '../session.js';
import type { Command } from './command.js';

export const report: Command = {
  name: 'report',
  summary: 'write the HTML report of a results folder (charts, tables, heatmaps), or compare two folders',
  usage: `isnet-bench report DIR [--compare BASELINE_DIR] [--threshold 2pp,10%] [--out FILE.html]
                   [--data-cache DIR] [--per-split K] [--backend B]

Writes one self-contained HTML file (no network access: charts are inline SVG, images data: URIs)
from DIR/results.jsonl: the run's suite, commit, machine, backend and datasets; accuracy and
background attention per test split with the drop from the i.i.d. split; accuracy on the
shifted split against the training time per epoch; epoch time against the number of classes and
the overhead over the standard classifier; the speed gate's verdicts (DIR/gate.json), shortcut
diagnostics and segmentation scores when the records have them; a grid of LRP heatmaps of the
first K images of each test split for every accuracy cell, from its best checkpoint in
DIR/cells/<id>/ and the dataset in the data cache (the report says which are absent).

  --out FILE.html    where to write (default DIR/report.html)
  --compare DIR2     also show every metric's change from the baseline folder DIR2 (cells matched
                     by id, else by method label, backbone, dataset and seed) and flag regressions
  --threshold T      what counts as a regression: Npp for scores (accuracy, F1, AUC, Dice, IoU,
                     background attention), N% for times relative to the baseline, or both
                     comma-separated (default ${DEFAULT_THRESHOLDS.points}pp,${100 * DEFAULT_THRESHOLDS.relative}%)
  --data-cache DIR   where the run built its datasets (default ${defaultDataCache()})
  --per-split K      heatmap images per test split (default 4)
  --backend B        tensorflow | wasm | cpu (for the heatmaps)`,
  async run(args, io) {
    const { values, positionals } = parseFlags({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, compare: { type: 'string' }, threshold: { type: 'string' }, 'data-cache': { type: 'string' }, 'per-split': { type: 'string' }, backend: { type: 'string' } },
    });
    const [dir, ...extra] = positionals;
    if (!dir || extra.length) throw new UsageError('give one results folder, e.g. isnet-bench report results/quick --out quick.html');
    let thresholds = DEFAULT_THRESHOLDS;
    try {
      if (values.threshold !== undefined) thresholds = parseThresholds(values.threshold);
    } catch (error) {
      if (error instanceof ThresholdError) throw new UsageError(error.message);
      throw error;
    }
    const perSplit = numberFlag('--per-split', values['per-split'], FLAG.countOrZero) ?? 4;
    const written = await writeReport(dir, {
      out: values.out,
      baselineDir: values.compare,
      thresholds,
      perSplit,
      dataCache: values['data-cache'] ?? defaultDataCache(),
      prepareEngine: () => startEngine(values.backend, io),
      log: (m) => io.err(m),
    });
    io.err(`report of ${written.cells} cells${values.compare ? ` compared with ${values.compare}` : ''}: ${written.file} (${(written.bytes / 1024).toFixed(0)} KiB)`);
    return 0;
  },
};
