import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaselineError, GateSettings, makeBaseline, parseBaseline, readBaseline, writeBaseline } from './baseline.js';
import { Thresholds } from './figures.js';

const valid = () =>
  makeBaseline({ commit: 'abc123', machine: 'test cpu x2', date: '2026-12-02T16:00:00.000Z' }, GateSettings.parse({}), Thresholds.parse({}), [
    { method: 'standard', backbone: 'tiny', figure: 'kernels', value: 101 },
    { method: 'selective', backbone: 'tiny', figure: 'step-ratio', value: 2.9, spread: { q1: 2.7, q3: 3.1, n: 30 } },
    { method: 'selective', backbone: 'tiny', figure: 'instructions', value: null, reason: 'perf stat: instructions <not supported>' },
  ]);

/** The one-line message parseBaseline throws for `input`. */
function problem(input: unknown): string {
  try {
    parseBaseline(input, 'speed-baseline.json');
  } catch (error) {
    expect(error).toBeInstanceOf(BaselineError);
    return (error as Error).message;
  }
  throw new Error('parseBaseline accepted the input');
}

describe('parseBaseline', () => {
  it('accepts a baseline as written, with every default filled in', () => {
    const baseline = JSON.parse(JSON.stringify(valid()));
    expect(parseBaseline(baseline, 'f.json')).toEqual(valid());
  });

  it('fills in omitted settings and thresholds', () => {
    const { settings: _s, thresholds: _t, ...rest } = JSON.parse(JSON.stringify(valid()));
    const parsed = parseBaseline({ ...rest, settings: {}, thresholds: { 'step-ratio': 0.2 } }, 'f.json');
    expect(parsed.settings).toEqual(GateSettings.parse({}));
    expect(parsed.thresholds).toMatchObject({ 'step-ratio': 0.2, kernels: 0 });
  });

  it('names the file and the field of a bad figure value', () => {
    const input = JSON.parse(JSON.stringify(valid()));
    input.figures[1].value = 'fast';
    const message = problem(input);
    expect(message).toMatch(/^speed-baseline\.json: field 'figures\.1\.value': /);
    expect(message).toContain("'fast'");
    expect(message).not.toContain('\n');
  });

  it('names an unknown figure with the known ones', () => {
    const input = JSON.parse(JSON.stringify(valid()));
    input.figures[0].figure = 'seconds';
    expect(problem(input)).toMatch(/^speed-baseline\.json: field 'figures\.0\.figure': .*kernels.*step-ratio/);
  });

  it('names a negative threshold', () => {
    const input = JSON.parse(JSON.stringify(valid()));
    input.thresholds['step-ratio'] = -0.1;
    expect(problem(input)).toMatch(/^speed-baseline\.json: field 'thresholds\.step-ratio': .*-0\.1/);
  });

  it('names an unknown field', () => {
    const input = { ...JSON.parse(JSON.stringify(valid())), tolerance: 0.1 };
    expect(problem(input)).toMatch(/^speed-baseline\.json: field 'tolerance': unknown field/);
  });

  it('refuses another format or version', () => {
    expect(problem({ ...JSON.parse(JSON.stringify(valid())), format: 'isnet-bench-gate' })).toMatch(/^speed-baseline\.json: field 'format'/);
    expect(problem({ ...JSON.parse(JSON.stringify(valid())), version: 2 })).toMatch(/^speed-baseline\.json: field 'version'/);
  });

  it('refuses a date that is not an ISO date-time', () => {
    expect(problem({ ...JSON.parse(JSON.stringify(valid())), date: 'yesterday' })).toMatch(/^speed-baseline\.json: field 'date'/);
  });
});

describe('readBaseline and writeBaseline', () => {
  it('read back what they wrote', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gate-')), 'baseline.json');
    await writeBaseline(file, valid());
    expect(await readBaseline(file)).toEqual(valid());
    expect((await readFile(file, 'utf8')).endsWith('}\n')).toBe(true);
  });

  it('say that a missing file is created with --update, and allow it when asked', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gate-')), 'none.json');
    await expect(readBaseline(file)).rejects.toThrow(new BaselineError(`${file}: no such baseline file (create it with --update)`));
    expect(await readBaseline(file, { missingOk: true })).toBeUndefined();
  });

  it('name a file that is not JSON', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gate-')), 'bad.json');
    await writeFile(file, '{"format": ');
    await expect(readBaseline(file)).rejects.toThrow(/^.*bad\.json: not JSON: /);
  });
});
