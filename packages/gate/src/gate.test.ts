import { describe, expect, it } from 'vitest';
import type { GateRow } from './figures.js';
import { gateReport, gateTableRows } from './gate.js';

const here = { commit: 'def456', machine: 'test cpu x2', date: '2026-12-02T17:00:00.000Z' };
const before = { commit: 'abc123', machine: 'test cpu x2', date: '2026-12-02T16:00:00.000Z' };

const row = (overrides: Partial<GateRow>): GateRow => ({
  method: 'selective',
  backbone: 'tiny',
  figure: 'step-ratio',
  unit: 'x standard',
  value: 2.9,
  baseline: 2.9,
  threshold: 0.15,
  verdict: 'pass',
  ...overrides,
});

describe('gateReport', () => {
  it('has exactly the documented fields, in order', () => {
    const report = gateReport(here, before, [row({})]);
    expect(Object.keys(report)).toEqual(['format', 'version', 'commit', 'machine', 'date', 'baseline', 'passed', 'rows']);
    expect(report).toMatchObject({ format: 'isnet-bench-gate', version: 1, commit: 'def456', machine: 'test cpu x2', date: here.date, baseline: before });
    expect(Object.keys(report.rows[0]!)).toEqual(['method', 'backbone', 'figure', 'unit', 'value', 'baseline', 'threshold', 'verdict']);
  });

  it('fails on a regression only: improved, new and unavailable figures pass', () => {
    expect(gateReport(here, before, [row({ verdict: 'improved' }), row({ verdict: 'new' }), row({ verdict: 'unavailable', value: null })]).passed).toBe(true);
    expect(gateReport(here, before, [row({}), row({ verdict: 'regression' })]).passed).toBe(false);
  });

  it('has a null baseline when there was none', () => {
    expect(gateReport(here, null, []).baseline).toBeNull();
  });
});

describe('gateTableRows', () => {
  it('shows each figure with its baseline, change, allowance and verdict; ratios with their spread', () => {
    const rows = gateTableRows(
      [
        row({ value: 3.8, verdict: 'regression' }),
        row({ figure: 'kernels', unit: 'kernels/step', value: 282, baseline: 282, threshold: 0 }),
        row({ figure: 'allocated', unit: 'bytes/step', value: 76092592, baseline: null, threshold: 0.01, verdict: 'new' }),
        row({ figure: 'instructions', unit: 'instructions/step', value: null, baseline: null, threshold: 0.05, verdict: 'unavailable' }),
      ],
      [
        { method: 'selective', backbone: 'tiny', figure: 'step-ratio', value: 3.8, spread: { q1: 3.6, q3: 4.05, n: 30 } },
        { method: 'selective', backbone: 'tiny', figure: 'instructions', value: null, reason: 'perf stat: instructions <not supported>' },
      ],
    );
    expect(rows).toEqual([
      ['backbone', 'method', 'figure', 'unit', 'value', 'baseline', 'change', 'allowed', 'verdict', 'detail'],
      ['tiny', 'selective', 'step-ratio', 'x standard', 'x3.800', 'x2.900', '+31.0%', '±15%', 'REGRESSION', 'IQR x3.600-x4.050, 30 pairs'],
      ['tiny', 'selective', 'kernels', 'kernels/step', '282', '282', '+0.0%', 'exact', 'pass', ''],
      ['tiny', 'selective', 'allocated', 'bytes/step', '76092592', '-', '', '±1%', 'new', ''],
      ['tiny', 'selective', 'instructions', 'instructions/step', '-', '-', '', '±5%', 'unavailable', 'perf stat: instructions <not supported>'],
    ]);
  });
});
