import type { CellRecord } from '@isnet-bench/harness';

/** When a change counts: scores (accuracy, attention, F1, AUC, Dice, IoU) in percentage points, times relative. */
export interface Thresholds {
  /** Percentage points, e.g. 2. */
  readonly points: number;
  /** A fraction of the baseline, e.g. 0.1 for 10 %. */
  readonly relative: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { points: 2, relative: 0.1 };

/** A threshold that cannot be read: names the bad part. */
export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

/** `2pp`, `10%`, or both as `2pp,10%`: what is not given keeps its default. */
export function parseThresholds(text: string, defaults: Thresholds = DEFAULT_THRESHOLDS): Thresholds {
  let { points, relative } = defaults;
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d+(?:\.\d+)?)(pp|%)$/.exec(part);
    if (!match) throw new ThresholdError(`--threshold: '${part}' is neither percentage points of a score (e.g. 2pp) nor a relative time change (e.g. 10%)`);
    if (match[2] === 'pp') points = Number(match[1]);
    else relative = Number(match[1]) / 100;
  }
  return { points, relative };
}

export type Verdict = 'regression' | 'improved' | 'within' | 'only-baseline' | 'only-current';

export interface MetricDelta {
  /** The cell: label, backbone, dataset, seed (and classes for epoch times). */
  readonly cell: string;
  readonly metric: string;
  /** '%' (scores as percentages, changes in percentage points) or 's' / '×' (changes relative to the baseline). */
  readonly unit: '%' | 's' | '×';
  readonly baseline: number | null;
  readonly current: number | null;
  /** current - baseline: percentage points for scores, the relative change for times. */
  readonly change: number | null;
  readonly verdict: Verdict;
}

interface Metric {
  readonly cell: string;
  readonly metric: string;
  readonly unit: MetricDelta['unit'];
  readonly value: number | null;
  /** Which way is better. */
  readonly better: 'higher' | 'lower';
}

/** The label two runs of the same cell share even when their ids differ (e.g. another suite file). */
export function cellLabel(record: CellRecord, seed = true): string {
  const classes = record.epochTime ? `, ${record.epochTime.classes} classes` : '';
  return `${record.label} · ${record.backbone} · ${record.dataset.name}${seed ? ` · seed ${record.seed}` : ''}${classes}`;
}

function metrics(record: CellRecord): Metric[] {
  const cell = cellLabel(record);
  const out: Metric[] = [];
  const score = (metric: string, value: number | null | undefined, better: 'higher' | 'lower' = 'higher') =>
    out.push({ cell, metric, unit: '%', value: value === null || value === undefined ? null : 100 * value, better });
  for (const [split, s] of Object.entries(record.evaluation?.splits ?? {})) {
    score(`${split} accuracy`, s.accuracy);
    score(`${split} background attention`, s.backgroundAttention, 'lower');
    score(`${split} macro F1`, s.macroF1);
    score(`${split} AUC`, s.auc);
    const segmentation = (s as { segmentation?: { dice?: number | null; iou?: number | null } }).segmentation;
    if (segmentation) {
      score(`${split} Dice`, segmentation.dice);
      score(`${split} IoU`, segmentation.iou);
    }
  }
  if (record.training) out.push({ cell, metric: 'training time per epoch', unit: 's', value: record.training.epochSeconds.median, better: 'lower' });
  if (record.epochTime) {
    out.push({ cell, metric: 'epoch time', unit: 's', value: record.epochTime.seconds.median, better: 'lower' });
    if (record.label !== 'standard' && record.epochTime.overhead !== null) out.push({ cell, metric: 'overhead over standard', unit: '×', value: record.epochTime.overhead, better: 'lower' });
  }
  return out;
}

/**
 * Every metric of two runs side by side, cells matched by id, else by label (method label,
 * backbone, dataset, seed, classes), else, for cells still unmatched and alone under their label
 * without the seed on each side, across seeds (two runs of a suite with different seeds: the
 * deltas are the seed-to-seed spread; the cell is then named with both seeds). A score that
 * moves the wrong way by more than `thresholds.points` percentage points, or a time that grows
 * by more than `thresholds.relative` of the baseline, is a regression; the same the other way
 * an improvement.
 */
export function compareRecords(baseline: readonly CellRecord[], current: readonly CellRecord[], thresholds: Thresholds): MetricDelta[] {
  const byId = new Map(baseline.map((r) => [r.id, r]));
  const byLabel = new Map(baseline.map((r) => [`${r.kind}|${cellLabel(r)}`, r]));
  const pairs = new Map<CellRecord, CellRecord | undefined>(current.map((r) => [r, byId.get(r.id) ?? byLabel.get(`${r.kind}|${cellLabel(r)}`)]));
  const matched = new Set([...pairs.values()].filter((r): r is CellRecord => r !== undefined));
  const seedless = (records: Iterable<CellRecord>) => {
    const groups = new Map<string, CellRecord[]>();
    for (const r of records) groups.set(`${r.kind}|${cellLabel(r, false)}`, [...(groups.get(`${r.kind}|${cellLabel(r, false)}`) ?? []), r]);
    return groups;
  };
  const unmatchedBaseline = seedless(baseline.filter((r) => !matched.has(r)));
  const unmatchedCurrent = seedless([...pairs].filter(([, base]) => !base).map(([r]) => r));
  for (const [key, [record, ...more]] of unmatchedCurrent) {
    const candidates = unmatchedBaseline.get(key);
    if (record && !more.length && candidates?.length === 1) {
      pairs.set(record, candidates[0]);
      matched.add(candidates[0]!);
    }
  }

  const deltas: MetricDelta[] = [];
  for (const [record, base] of pairs) {
    const name = base && base.seed !== record.seed ? `${cellLabel(record)} (baseline: seed ${base.seed})` : cellLabel(record);
    const before = new Map((base ? metrics(base) : []).map((m) => [m.metric, m]));
    for (const metric of metrics(record)) {
      const old = before.get(metric.metric);
      before.delete(metric.metric);
      deltas.push(delta({ ...metric, cell: name }, old, thresholds));
    }
    for (const old of before.values()) deltas.push({ cell: name, metric: old.metric, unit: old.unit, baseline: old.value, current: null, change: null, verdict: 'only-baseline' });
  }
  for (const record of baseline.filter((r) => !matched.has(r))) {
    for (const old of metrics(record)) deltas.push({ cell: old.cell, metric: old.metric, unit: old.unit, baseline: old.value, current: null, change: null, verdict: 'only-baseline' });
  }
  return deltas;
}

function delta(metric: Metric, old: Metric | undefined, thresholds: Thresholds): MetricDelta {
  const common = { cell: metric.cell, metric: metric.metric, unit: metric.unit, baseline: old?.value ?? null, current: metric.value };
  if (!old) return { ...common, change: null, verdict: 'only-current' };
  if (metric.value === null || old.value === null) return { ...common, change: null, verdict: 'within' };
  const relative = metric.unit !== '%';
  if (relative && old.value === 0) return { ...common, change: null, verdict: 'within' };
  const change = relative ? metric.value / old.value - 1 : metric.value - old.value;
  const limit = relative ? thresholds.relative : thresholds.points;
  const worse = metric.better === 'higher' ? -change : change;
  return { ...common, change, verdict: worse > limit ? 'regression' : worse < -limit ? 'improved' : 'within' };
}
