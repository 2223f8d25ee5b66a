import type { environment } from '@isnet-bench/harness';
import type { Provenance } from './baseline.js';
import type { Figure, GateRow } from './figures.js';

export const GATE_FORMAT = 'isnet-bench-gate';
export const GATE_VERSION = 1;

/** What `gate --json` prints and `--out DIR` saves as DIR/gate.json. */
export interface GateReport {
  readonly format: typeof GATE_FORMAT;
  readonly version: typeof GATE_VERSION;
  readonly commit: string | null;
  readonly machine: string;
  readonly date: string;
  /** The baseline compared with; null only when --update created the first one. */
  readonly baseline: Provenance | null;
  /** False when any figure regressed. */
  readonly passed: boolean;
  readonly rows: readonly GateRow[];
}

/** The machine in one line: what makes step ratios comparable (CPU, cores, runtime, backend, kernels). */
export function describeMachine(env: ReturnType<typeof environment>): string {
  const kernels = env.native.ok ? `native kernels, ${env.native.threads ?? '?'} threads` : 'no native kernels';
  return `${env.cpu} x${env.cores}, ${env.platform}, node ${env.node}, tfjs ${env.tfjs} ${env.backend} (${kernels})`;
}

export function gateReport(provenance: Provenance, baseline: Provenance | null, rows: readonly GateRow[]): GateReport {
  return {
    format: GATE_FORMAT,
    version: GATE_VERSION,
    commit: provenance.commit,
    machine: provenance.machine,
    date: provenance.date,
    baseline: baseline && { commit: baseline.commit, machine: baseline.machine, date: baseline.date },
    passed: rows.every((row) => row.verdict !== 'regression'),
    rows: [...rows],
  };
}

function formatValue(row: Pick<GateRow, 'figure'>, value: number | null): string {
  if (value === null) return '-';
  return row.figure === 'step-ratio' ? `x${value.toFixed(3)}` : String(Math.round(value));
}

function formatChange(row: GateRow): string {
  if (row.value === null || row.baseline === null || row.baseline === 0) return '';
  const change = (row.value / row.baseline - 1) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
}

/**
 * The comparison as table rows (header first): every figure, its baseline, the change, the
 * allowed change and the verdict; a step ratio shows its pairs' interquartile range, and an
 * unavailable figure why.
 */
export function gateTableRows(rows: readonly GateRow[], figures: readonly Figure[] = []): string[][] {
  const detail = (row: GateRow) => {
    const figure = figures.find((f) => f.method === row.method && f.backbone === row.backbone && f.figure === row.figure);
    if (figure?.spread) return `IQR x${figure.spread.q1.toFixed(3)}-x${figure.spread.q3.toFixed(3)}, ${figure.spread.n} pairs`;
    return figure?.reason ?? '';
  };
  return [
    ['backbone', 'method', 'figure', 'unit', 'value', 'baseline', 'change', 'allowed', 'verdict', 'detail'],
    ...rows.map((row) => [
      row.backbone,
      row.method,
      row.figure,
      row.unit,
      formatValue(row, row.value),
      formatValue(row, row.baseline),
      formatChange(row),
      row.threshold === 0 ? 'exact' : `±${(row.threshold * 100).toFixed(0)}%`,
      row.verdict === 'regression' ? 'REGRESSION' : row.verdict,
      detail(row),
    ]),
  ];
}
