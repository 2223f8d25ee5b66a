import { mkdir } from 'node:fs/promises';
import { dirname, join as joinPath } from 'node:path';
import { writeFileAtomic } from '@isnet-bench/data';
import type { CellRecord } from '@isnet-bench/harness';
import type { ShortcutDiagnostics } from '@isnet-bench/evaluation';
import { chartSvg, epochTimeSpec, overheadSpec, splitMetricSpec, tradeOffSpec, type EpochTimePoint, type SplitPoint } from './charts.js';
import { compareRecords, DEFAULT_THRESHOLDS, type MetricDelta, type Thresholds } from './compare.js';
import { html, Html, join } from './escape.js';
import { heatmapGrids, type HeatmapGrid } from './heatmaps.js';
import { page } from './page.js';
import { readResultsFolder, type ResultsFolder } from './results-folder.js';
import { NONE, numberCell, percentCell, table, type TableCell } from './table.js';

export interface ReportOptions {
  /** A second results folder, the baseline the first is compared with. */
  readonly baseline?: ResultsFolder;
  readonly thresholds?: Thresholds;
  /** Where the run built its datasets (for the heatmaps). */
  readonly dataCache: string;
  /** Sample images per test split in the heatmap grid (default 4). */
  readonly perSplit?: number;
  /** Called once before the first model is built (starts TensorFlow.js). */
  readonly prepareEngine?: () => Promise<unknown>;
  readonly log?: (message: string) => void;
  /** The time the report states it was made (default now). */
  readonly now?: Date;
}

/** The report's file name in a results folder. */
export const REPORT_FILE = 'report.html';

/** The split of i.i.d. test images, the reference of the accuracy drops. */
const IID_SPLIT = 'test';

/** The split the trade-off chart uses: the out-of-distribution one when there is one, else the unbiased one. */
function shiftedSplit(splits: readonly string[]): string | undefined {
  return ['ood', 'unbiased'].find((s) => splits.includes(s)) ?? splits.find((s) => s !== IID_SPLIT);
}

type Section = { readonly id: string; readonly title: string; readonly body: Html };

/** The self-contained HTML report of a results folder (and its comparison with a baseline folder). */
export async function buildReport(folder: ResultsFolder, options: ReportOptions): Promise<string> {
  const records = folder.records;
  const accuracy = records.filter((r) => r.kind === 'accuracy' && r.evaluation);
  const timing = records.filter((r) => r.kind === 'epoch-time' && r.epochTime);
  const name = nameOf(records);
  const splits = [...new Set(accuracy.flatMap((r) => Object.keys(r.evaluation!.splits)))];
  const suite = folder.suite?.name ?? records[0]?.suite ?? '(unnamed)';
  const sections: Section[] = [{ id: 'run', title: 'Run', body: runSection(folder) }];
  if (options.baseline) sections.push({ id: 'comparison', title: 'Comparison with the baseline', body: comparisonSection(folder, options.baseline, options.thresholds ?? DEFAULT_THRESHOLDS) });
  if (folder.gate) sections.push({ id: 'gate', title: 'Speed gate', body: gateSection(folder.gate) });
  if (accuracy.length) {
    sections.push({ id: 'accuracy', title: 'Accuracy per test split', body: await accuracySection(accuracy, splits, name) });
    sections.push({ id: 'attention', title: 'Background attention per test split', body: await attentionSection(accuracy, splits, name) });
    const shifted = shiftedSplit(splits);
    if (shifted) sections.push({ id: 'trade-off', title: `Accuracy on ${shifted} against training time`, body: await tradeOffSection(accuracy, shifted, name) });
    sections.push({ id: 'training', title: 'Training', body: trainingSection(accuracy, name) });
    const segmentation = segmentationSection(accuracy, splits, name);
    if (segmentation) sections.push({ id: 'segmentation', title: 'Segmentation', body: segmentation });
    const diagnostics = diagnosticsSection(accuracy, name);
    if (diagnostics) sections.push({ id: 'diagnostics', title: 'Shortcut diagnostics', body: diagnostics });
  }
  if (timing.length) sections.push({ id: 'epoch-time', title: 'Epoch time against the number of classes', body: await epochTimeSection(timing, name) });
  if (accuracy.length) {
    const grids = await heatmapGrids(accuracy, { dir: folder.dir, datasets: folder.suite?.datasets, dataCache: options.dataCache, perSplit: options.perSplit ?? 4, prepareEngine: options.prepareEngine, log: options.log });
    sections.push({ id: 'heatmaps', title: 'Heatmaps', body: heatmapSection(grids, name, options.perSplit ?? 4) });
  }
  const title = options.baseline ? `isnet-bench comparison: ${suite}` : `isnet-bench report: ${suite}`;
  const body = html`<header><h1>${title}</h1><p class="lead">${records.length} cells from <code>${folder.dir}</code>${options.baseline ? html`, compared with <code>${options.baseline.dir}</code>` : ''}; made ${(options.now ?? new Date()).toISOString()}.</p></header>
<nav aria-label="Sections"><ol>${sections.map((s) => html`<li><a href="#${s.id}">${s.title}</a></li>`)}</ol></nav>
<main>${sections.map((s) => html`<section id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${s.title}</h2>${s.body}</section>`)}</main>`;
  return page(title, body);
}

/** How a record is named in charts and tables: its label, with backbone and dataset when the run has several. */
function nameOf(records: readonly CellRecord[]): (r: CellRecord) => string {
  const backbones = new Set(records.map((r) => r.backbone)).size > 1;
  const datasets = new Set(records.map((r) => r.dataset.name)).size > 1;
  return (r) => `${r.label}${backbones ? ` · ${r.backbone}` : ''}${datasets ? ` · ${r.dataset.name}` : ''}`;
}

const distinct = (values: readonly (string | null | undefined)[]) => [...new Set(values.map((v) => v ?? 'unknown'))].join('; ');

function runSection(folder: ResultsFolder): Html {
  const records = folder.records;
  const envs = records.map((r) => r.environment);
  const kernels = distinct(envs.map((e) => (e.native.ok ? `native kernels${e.native.threads ? ` (${e.native.threads} threads)` : ''}` : 'pure wasm kernels')));
  const started = records.map((r) => r.started).sort()[0];
  const finished = records.map((r) => r.finished).sort().at(-1);
  const rows: [string, Html | string][] = [
    ['suite', folder.suite?.file ? html`${records[0]?.suite ?? folder.suite?.name} <span class="unit">(${folder.suite.file})</span>` : (records[0]?.suite ?? folder.suite?.name ?? NONE)],
    ...(folder.suite?.description ? ([['description', folder.suite.description]] as [string, string][]) : []),
    ['commit', distinct(envs.map((e) => e.commit))],
    ['machine', distinct(envs.map((e) => `${e.cpu}, ${e.cores} cores, ${e.platform}`))],
    ['backend', distinct(envs.map((e) => `${e.backend} (TensorFlow.js ${e.tfjs}, Node ${e.node})`))],
    ['kernel set', kernels],
    ['dates', started ? `${started} – ${finished}` : NONE],
    ['cells', `${records.filter((r) => r.kind === 'accuracy').length} accuracy, ${records.filter((r) => r.kind === 'epoch-time').length} epoch-time`],
  ];
  const datasets = [...new Map(records.map((r) => [`${r.dataset.name}|${r.dataset.fingerprint}`, r])).values()];
  return html`<dl class="meta">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>${table({
    caption: 'Datasets',
    columns: [{ header: 'dataset' }, { header: 'classes', numeric: true }, { header: 'fingerprint (SHA-256 of the class names, image size and splits)' }],
    // Epoch-time cells map the labels onto their own class counts.
    rows: datasets.map((r) => [r.dataset.name, records.find((a) => a.kind === 'accuracy' && a.dataset.name === r.dataset.name)?.dataset.classes ?? 'per cell (timing)', html`<code>${r.dataset.fingerprint}</code>`]),
    sortable: false,
  })}`;
}

function figure(svg: string, caption: string): Html {
  return html`<figure class="chart">${new Html(svg)}<figcaption>${caption}</figcaption></figure>`;
}

const percentOf = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.round(10000 * value) / 100);

async function accuracySection(records: readonly CellRecord[], splits: readonly string[], name: (r: CellRecord) => string): Promise<Html> {
  const points: SplitPoint[] = records.flatMap((r) => splits.flatMap((split) => {
    const value = percentOf(r.evaluation!.splits[split]?.accuracy);
    return value === null ? [] : [{ method: name(r), seed: r.seed, split, value }];
  }));
  const shifted = splits.filter((s) => s !== IID_SPLIT);
  const hasIid = splits.includes(IID_SPLIT);
  const chart = await chartSvg(splitMetricSpec(points, 'accuracy (%)', 'Accuracy per test split and method; one dot per seed', splits));
  return join([
    figure(chart, `Accuracy per test split (one dot per seed). ${IID_SPLIT}: i.i.d. with the training bias; unbiased: no artifacts; confounding: artifacts of another class; ood: a held-out site.`),
    table({
      caption: `Accuracy per test split, and its drop from the i.i.d. split ('${IID_SPLIT}')`,
      columns: [
        { header: 'method' }, { header: 'backbone' }, { header: 'dataset' }, { header: 'seed', numeric: true },
        ...splits.map((s) => ({ header: `${s} accuracy`, unit: '%', numeric: true })),
        ...(hasIid ? shifted.map((s) => ({ header: `drop ${IID_SPLIT} → ${s}`, unit: 'pp', numeric: true })) : []),
        { header: 'images', numeric: true },
      ],
      rows: records.map((r) => {
        const s = r.evaluation!.splits;
        const iid = s[IID_SPLIT]?.accuracy;
        return [
          r.label, r.backbone, r.dataset.name, r.seed,
          ...splits.map((split) => percentCell(s[split]?.accuracy)),
          ...(hasIid ? shifted.map((split) => (iid === null || iid === undefined || s[split]?.accuracy == null ? numberCell(null, 1) : numberCell(100 * (iid - s[split]!.accuracy!), 1))) : []),
          splits.map((split) => s[split]?.count ?? 0).reduce((a, b) => a + b, 0),
        ];
      }),
    }),
    table({
      caption: 'Macro F1 and one-vs-rest ROC AUC per test split',
      columns: [{ header: 'method' }, { header: 'seed', numeric: true }, ...splits.flatMap((s) => [{ header: `${s} macro F1`, unit: '%', numeric: true }, { header: `${s} AUC`, unit: '%', numeric: true }])],
      rows: records.map((r) => [name(r), r.seed, ...splits.flatMap((split) => [percentCell(r.evaluation!.splits[split]?.macroF1), percentCell(r.evaluation!.splits[split]?.auc)])]),
    }),
  ]);
}

async function attentionSection(records: readonly CellRecord[], splits: readonly string[], name: (r: CellRecord) => string): Promise<Html> {
  const points: SplitPoint[] = records.flatMap((r) => splits.flatMap((split) => {
    const value = percentOf(r.evaluation!.splits[split]?.backgroundAttention);
    return value === null ? [] : [{ method: name(r), seed: r.seed, split, value }];
  }));
  const parts: Html[] = [];
  if (points.length) parts.push(figure(await chartSvg(splitMetricSpec(points, 'background attention (%)', 'Background attention per test split and method; one dot per seed', splits)), 'Share of the LRP heatmap’s absolute relevance outside the foreground mask (lower: the decision rests on the object).'));
  else parts.push(html`<p class="note">No split has background attention (the run evaluated without heatmaps, or the splits have no masks).</p>`);
  // The heatmap attention is measured on; records made before they named it have none.
  const explainer = records.some((r) => r.explainer !== undefined);
  parts.push(table({
    caption: 'Background attention and background-to-foreground ratio per test split',
    columns: [{ header: 'method' }, { header: 'seed', numeric: true }, ...(explainer ? [{ header: 'heatmap (explainer)' }] : []), ...splits.flatMap((s) => [{ header: `${s} background attention`, unit: '%', numeric: true }, { header: `${s} bg/fg ratio`, numeric: true }, { header: `${s} heatmaps`, numeric: true }])],
    rows: records.map((r) => [name(r), r.seed, ...(explainer ? [r.explainer ?? NONE] : []), ...splits.flatMap((split) => {
      const s = r.evaluation!.splits[split];
      return [percentCell(s?.backgroundAttention), numberCell(s?.backgroundToForegroundRatio, 3), s?.heatmapCount ?? null];
    })]),
  }));
  return join(parts);
}

async function tradeOffSection(records: readonly CellRecord[], split: string, name: (r: CellRecord) => string): Promise<Html> {
  const points = records.flatMap((r) => {
    const accuracy = percentOf(r.evaluation!.splits[split]?.accuracy);
    return accuracy === null || !r.training ? [] : [{ method: name(r), seed: r.seed, seconds: Math.round(1000 * r.training.epochSeconds.median) / 1000, accuracy }];
  });
  if (!points.length) return html`<p class="note">No cell has both a ${split} accuracy and a training time.</p>`;
  return figure(await chartSvg(tradeOffSpec(points, split, records.map(name))), `Each cell's ${split} accuracy against its median training time per epoch (validation aside): up and to the left is better.`);
}

function trainingSection(records: readonly CellRecord[], name: (r: CellRecord) => string): Html {
  return table({
    caption: 'Training: epochs, the best validation epoch (its checkpoint is tested), time per epoch',
    columns: [{ header: 'method' }, { header: 'seed', numeric: true }, { header: 'epochs', numeric: true }, { header: 'best epoch', numeric: true }, { header: 'best validation accuracy', unit: '%', numeric: true }, { header: 'steps', numeric: true }, { header: 'training images', numeric: true }, { header: 'epoch median', unit: 's', numeric: true }, { header: 'epoch min', unit: 's', numeric: true }, { header: 'epoch max', unit: 's', numeric: true }, { header: 'C1, C2 (tuned)' }],
    rows: records.map((r) => {
      const t = r.training;
      const prepared = r.prepared as { C1?: number; C2?: number } | null | undefined;
      return [name(r), r.seed, t?.epochs, t?.bestEpoch === null || t?.bestEpoch === undefined ? null : t.bestEpoch + 1, percentCell(t?.bestMetric), t?.steps, t?.trainImages, numberCell(t?.epochSeconds.median, 2), numberCell(t?.epochSeconds.min, 2), numberCell(t?.epochSeconds.max, 2), prepared && (prepared.C1 !== undefined || prepared.C2 !== undefined) ? `${prepared.C1 ?? NONE}, ${prepared.C2 ?? NONE}` : NONE];
    }),
  });
}

interface Segmentation { readonly count: number; readonly dice: number | null; readonly iou: number | null }

function segmentationSection(records: readonly CellRecord[], splits: readonly string[], name: (r: CellRecord) => string): Html | undefined {
  const of = (r: CellRecord, split: string) => (r.evaluation!.splits[split] as { segmentation?: Segmentation } | undefined)?.segmentation;
  const withSegmentation = splits.filter((s) => records.some((r) => of(r, s)));
  if (!withSegmentation.length) return undefined;
  return table({
    caption: 'Segmentation of the foreground masks: mean Dice and IoU per test split',
    columns: [{ header: 'method' }, { header: 'seed', numeric: true }, ...withSegmentation.flatMap((s) => [{ header: `${s} Dice`, unit: '%', numeric: true }, { header: `${s} IoU`, unit: '%', numeric: true }, { header: `${s} masks`, numeric: true }])],
    rows: records.filter((r) => withSegmentation.some((s) => of(r, s))).map((r) => [name(r), r.seed, ...withSegmentation.flatMap((s) => [percentCell(of(r, s)?.dice), percentCell(of(r, s)?.iou), of(r, s)?.count ?? null])]),
  });
}

function diagnosticsSection(records: readonly CellRecord[], name: (r: CellRecord) => string): Html | undefined {
  const withDiagnostics = records.flatMap((r) => {
    const d = (r.evaluation as { diagnostics?: ShortcutDiagnostics }).diagnostics;
    return d?.pairs?.length ? [{ r, d }] : [];
  });
  if (!withDiagnostics.length) return undefined;
  const quantities = [...new Set(withDiagnostics.flatMap(({ d }) => d.pairs.flatMap((p) => (p.heatmaps ?? []).map((h) => h.quantity))))];
  const pairName = (p: { withArtifact: string; withoutArtifact: string }) => `${p.withArtifact} vs ${p.withoutArtifact}`;
  return join([
    html`<p>The artifact’s effect on the true-class logit, measured on the same images with and without it, and the share of heatmap relevance on the artifact’s box (a uniform heatmap would put the artifact’s area there).</p>`,
    table({
      caption: 'Logit change per split pair, and heatmap share on the artifact',
      columns: [{ header: 'method' }, { header: 'seed', numeric: true }, { header: 'pair' }, { header: 'images', numeric: true }, { header: 'accuracy with artifact', unit: '%', numeric: true }, { header: 'accuracy without', unit: '%', numeric: true }, { header: 'true-class logit change', numeric: true }, { header: 'probability change', unit: 'pp', numeric: true }, { header: 'artifact area', unit: '%', numeric: true }, ...quantities.map((q) => ({ header: `heatmap share (${q})`, unit: '%', numeric: true }))],
      rows: withDiagnostics.flatMap(({ r, d }) => d.pairs.map((p) => [name(r), r.seed, pairName(p), p.count, percentCell(p.accuracyWith), percentCell(p.accuracyWithout), numberCell(p.logitChange, 3), numberCell(p.probabilityChange === null ? null : 100 * p.probabilityChange, 1), percentCell(p.artifactArea), ...quantities.map((q) => percentCell(p.heatmaps?.find((h) => h.quantity === q)?.share))])),
    }),
    table({
      caption: 'Where the logit change goes, per ReLU layer: units the artifact switches off, on, or leaves active',
      columns: [{ header: 'method' }, { header: 'seed', numeric: true }, { header: 'pair' }, { header: 'layer' }, { header: 'units', numeric: true }, { header: 'units off', numeric: true }, { header: 'units on', numeric: true }, { header: 'off share', unit: '%', numeric: true }, { header: 'on share', unit: '%', numeric: true }, { header: 'both share', unit: '%', numeric: true }, { header: 'max residual', numeric: true }],
      rows: withDiagnostics.flatMap(({ r, d }) => d.pairs.flatMap((p) => (p.layers ?? []).map((l) => [name(r), r.seed, pairName(p), l.layer, l.units, numberCell(l.unitsOff, 1), numberCell(l.unitsOn, 1), percentCell(l.offShare), percentCell(l.onShare), percentCell(l.bothShare), numberCell(l.maxResidual, 4)]))),
    }),
  ]);
}

async function epochTimeSection(records: readonly CellRecord[], name: (r: CellRecord) => string): Promise<Html> {
  const round = (v: number) => Number(v.toPrecision(4));
  const points: EpochTimePoint[] = records.map((r) => {
    const t = r.epochTime!;
    return { method: name(r), backbone: r.backbone, classes: t.classes, median: round(t.seconds.median), min: round(t.seconds.min), max: round(t.seconds.max), overhead: t.overhead === null ? null : round(t.overhead), timed: t.extrapolated ? 'extrapolated' : 'measured' };
  });
  const first = records[0]!.epochTime!;
  const overhead = points.filter((p) => p.overhead !== null && !records.some((r) => name(r) === p.method && r.method === 'standard'));
  return join([
    html`<p>One epoch of ${first.images} images in batches of ${first.batchSize} (${first.stepsPerEpoch} steps), the labels mapped onto C classes (timing only); the median of the rounds, bars from the fastest to the slowest round. Triangles: epochs extrapolated from fewer timed steps.</p>`,
    html`<div class="charts">${figure(await chartSvg(epochTimeSpec(points, records.map(name))), 'Epoch time against the number of classes (log-log).')}${overhead.length ? figure(await chartSvg(overheadSpec(overhead, records.map(name))), 'Overhead: epoch time over the standard classifier’s at the same class count.') : ''}</div>`,
    table({
      caption: 'Epoch time per method and class count',
      columns: [{ header: 'method' }, { header: 'backbone' }, { header: 'classes', numeric: true }, { header: 'median', unit: 's', numeric: true }, { header: 'min', unit: 's', numeric: true }, { header: 'max', unit: 's', numeric: true }, { header: 'rounds', numeric: true }, { header: 'timed steps', numeric: true }, { header: 'extrapolated' }, { header: 'over standard', unit: '×', numeric: true }],
      rows: records.map((r) => {
        const t = r.epochTime!;
        return [r.label, r.backbone, t.classes, numberCell(t.seconds.median, 3), numberCell(t.seconds.min, 3), numberCell(t.seconds.max, 3), t.seconds.samples.length, t.measuredSteps, t.extrapolated ? 'yes' : 'no', r.method === 'standard' ? NONE : numberCell(t.overhead, 2)];
      }),
    }),
  ]);
}

function gateSection(gate: NonNullable<ResultsFolder['gate']>): Html {
  return join([
    html`<p>Verdict: <span class="${gate.passed ? 'passed' : 'failed'}">${gate.passed ? 'passed' : 'failed'}</span> — commit <code>${gate.commit ?? NONE}</code> on ${gate.machine ?? NONE}, against the baseline of commit <code>${gate.baseline?.commit ?? NONE}</code> on ${gate.baseline?.machine ?? NONE}.</p>`,
    table({
      caption: 'Speed gate: each figure against its baseline',
      columns: [{ header: 'method' }, { header: 'backbone' }, { header: 'figure' }, { header: 'unit' }, { header: 'value', numeric: true }, { header: 'baseline', numeric: true }, { header: 'threshold', numeric: true }, { header: 'verdict' }],
      rows: gate.rows.map((row) => [row.method, row.backbone, row.figure, row.unit, numberCell(row.value, 3), numberCell(row.baseline, 3), numberCell(row.threshold, 3), { content: html`<span class="verdict-${row.verdict}">${row.verdict}</span>`, sort: row.verdict, flag: row.verdict === 'regression' ? 'bad' : row.verdict === 'improved' ? 'good' : undefined }]),
    }),
  ]);
}

const VERDICT_TEXT: Record<MetricDelta['verdict'], string> = { regression: 'regression', improved: 'improved', within: 'within threshold', 'only-baseline': 'only in baseline', 'only-current': 'only in this run' };

function comparisonSection(current: ResultsFolder, baseline: ResultsFolder, thresholds: Thresholds): Html {
  const deltas = compareRecords(baseline.records, current.records, thresholds);
  const regressions = deltas.filter((d) => d.verdict === 'regression');
  const env = (f: ResultsFolder) => distinct(f.records.map((r) => `${r.environment.commit ?? 'unknown commit'} on ${r.environment.cpu}`));
  const flagged = deltas.filter((d) => d.verdict === 'regression' || d.verdict === 'improved');
  return join([
    html`<p>This run (<code>${current.dir}</code>: ${env(current)}) against the baseline (<code>${baseline.dir}</code>: ${env(baseline)}); cells matched by id, else by method label, backbone, dataset and seed, else across seeds where each side has one such cell (the deltas are then the seed-to-seed spread). A score (accuracy, F1, AUC, Dice, IoU; background attention the other way) that worsens by more than <strong>${thresholds.points} percentage points</strong>, or a time that grows by more than <strong>${Number((100 * thresholds.relative).toFixed(2))} %</strong>, is flagged as a regression.</p>`,
    regressions.length
      ? html`<p class="note"><strong>${regressions.length} regression${regressions.length === 1 ? '' : 's'}</strong> beyond the threshold${regressions.length <= 5 ? html`: ${join(regressions.map((d) => html`${d.metric} of ${d.cell}`), '; ')}` : ' (in the table below)'}.</p>`
      : html`<p><span class="passed">No regression</span> beyond the threshold.</p>`,
    flagged.length ? deltaTable('Regressions and improvements beyond the threshold', flagged) : '',
    // Every metric is a long table: folded, still without script (a native details element).
    html`<details><summary>Every metric of every cell (${deltas.length} rows)</summary>${deltaTable('Every metric: baseline, this run, change (scores in percentage points, times relative)', deltas)}</details>`,
  ]);
}

function deltaTable(caption: string, deltas: readonly MetricDelta[]): Html {
  const value = (v: number | null, unit: MetricDelta['unit']) => numberCell(v, unit === '%' ? 2 : 3);
  return table({
    caption,
    columns: [{ header: 'cell' }, { header: 'metric' }, { header: 'baseline', numeric: true }, { header: 'this run', numeric: true }, { header: 'unit' }, { header: 'change', numeric: true }, { header: 'verdict' }],
    rows: deltas.map((d) => {
      const flag: 'bad' | 'good' | undefined = d.verdict === 'regression' ? 'bad' : d.verdict === 'improved' ? 'good' : undefined;
      const change = d.change === null ? numberCell(null, 2) : { content: d.unit === '%' ? `${d.change >= 0 ? '+' : ''}${d.change.toFixed(2)} pp` : `${d.change >= 0 ? '+' : ''}${(100 * d.change).toFixed(1)} %`, sort: d.change, flag };
      return [d.cell, d.metric, value(d.baseline, d.unit), value(d.current, d.unit), d.unit, change, { content: VERDICT_TEXT[d.verdict], sort: d.verdict, flag }];
    }),
  });
}

function heatmapSection(grids: Awaited<ReturnType<typeof heatmapGrids>>, name: (r: CellRecord) => string, perSplit: number): Html {
  const intro = html`<p>The first ${perSplit} images of each test split (the same in every report of the dataset), then each cell’s LRP heatmap of its predicted class, from its best checkpoint: <span class="legend-swatch swatch-pos"></span> positive and <span class="legend-swatch swatch-neg"></span> negative relevance (opacity by size, per image), <span class="legend-swatch swatch-mask"></span> the foreground mask’s outline. Captions: the image’s index in its split and true class; → the predicted class, in red when wrong.</p>`;
  return join([intro, ...grids.map((grid) => ('missing' in grid ? html`<p class="note">Heatmaps of dataset ${grid.dataset} are absent: ${grid.missing}.</p>` : gridTable(grid, name)))]);
}

function gridTable(grid: HeatmapGrid, name: (r: CellRecord) => string): Html {
  const splitHeads = grid.splits.filter((s) => s.indices.length).map((s) => html`<th scope="colgroup" colspan="${s.indices.length}">${s.name}</th>`);
  const tiles = (list: readonly { src: string; caption: string; wrong?: boolean }[], alt: (i: number) => string) =>
    list.map((t, i) => html`<td><img src="${t.src}" alt="${alt(i)}"><span${t.wrong ? html` class="wrong"` : ''}>${t.caption}</span></td>`);
  const samples = grid.splits.flatMap((s) => s.indices.map((index) => `${s.name} #${index}`));
  const rows = grid.rows.map((row) =>
    'missing' in row.tiles
      ? html`<tr><th scope="row">${name(row.record)}</th><td colspan="${samples.length}" class="note">checkpoint absent: ${row.tiles.missing}</td></tr>`
      : html`<tr><th scope="row">${name(row.record)}<br><span class="unit">seed ${row.record.seed}</span></th>${tiles(row.tiles, (i) => `${name(row.record)} heatmap of ${samples[i]}`)}</tr>`,
  );
  return html`<div class="table-wrap"><table class="heatmaps"><caption>Heatmaps on ${grid.dataset}</caption><thead><tr><td></td>${splitHeads}</tr></thead><tbody><tr><th scope="row">image, mask</th>${tiles(grid.inputs, (i) => `image ${samples[i]}`)}</tr>${rows}</tbody></table></div>`;
}


/** Reads a results folder (and the baseline's), writes its report to `out` (default DIR/report.html); returns the file and its size. */
export async function writeReport(dir: string, options: ReportOptions & { readonly out?: string; readonly baselineDir?: string }): Promise<{ file: string; bytes: number; cells: number }> {
  const folder = await readResultsFolder(dir);
  const baseline = options.baselineDir === undefined ? options.baseline : await readResultsFolder(options.baselineDir);
  const text = await buildReport(folder, { ...options, baseline });
  const file = options.out ?? joinPath(dir, REPORT_FILE);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
  return { file, bytes: Buffer.byteLength(text), cells: folder.records.length };
}
