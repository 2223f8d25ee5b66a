import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

async function gate(args: string[]): Promise<{ code: number; stdout: string; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(['gate', ...args], { out: (t) => stdout.push(t), err: (t) => stderr.push(t) });
  return { code, stdout: stdout.join('\n'), stderr };
}

/** A baseline with a small config, so that the command runs in seconds; its figures as given. */
async function baselineFile(figures: unknown[] = []): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'gate-cli-')), 'speed-baseline.json');
  const settings = { batch: 4, inputShape: [12, 12, 1], classes: 3, warmupSteps: 1, rounds: 2, minSampleMs: 1, nativeThreads: 1 };
  await writeFile(file, JSON.stringify({ format: 'isnet-bench-speed-baseline', version: 1, commit: null, machine: 'test', date: '2026-12-02T16:00:00.000Z', settings, thresholds: {}, figures }));
  return file;
}

describe('isnet-bench gate: usage', () => {
  it('--help prints the usage, with every figure', async () => {
    const { code, stdout } = await gate(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^isnet-bench gate --baseline FILE \[--update\] \[--json\] \[--out DIR\]/);
    for (const figure of ['kernels', 'allocated', 'peak', 'step-ratio', 'instructions']) expect(stdout).toContain(figure);
  });

  it('refuses a bad option, a missing baseline flag, unknown methods and backbones and a bad round count with one line each', async () => {
    const cases: [string[], RegExp][] = [
      [['--baseline', 'x.json', '--fast'], /^isnet-bench gate: Unknown option '--fast'; options: --baseline X, --update/],
      [[], /^isnet-bench gate: give --baseline FILE/],
      [['--baseline', 'x.json', '--methods', 'selectve'], /^isnet-bench gate: --methods: unknown method 'selectve'; methods: standard, selective/],
      [['--baseline', 'x.json', '--backbones', 'tiny,huge'], /^isnet-bench gate: --backbones: unknown backbone 'huge'; backbones: tiny, small/],
      [['--baseline', 'x.json', '--rounds', '0'], /^isnet-bench gate: --rounds: expected a positive integer, got '0'/],
      [['x.json'], /^isnet-bench gate: unexpected argument 'x.json'; give the baseline as --baseline FILE/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await gate(args);
      expect(code).toBe(2);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toMatch(message);
    }
  });

  it('names the baseline file and the bad field in one line', async () => {
    const file = await baselineFile([{ method: 'standard', backbone: 'tiny', figure: 'kernels', value: 'many' }]);
    const { code, stderr } = await gate(['--baseline', file, '--backend', 'wasm']);
    expect(code).toBe(2);
    expect(stderr.at(-1)).toMatch(new RegExp(`^isnet-bench gate: ${file.replaceAll('.', '\\.')}: field 'figures\\.0\\.value': expected a number`));
  });

  it('says how to create a missing baseline', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gate-cli-')), 'none.json');
    const { code, stderr } = await gate(['--baseline', file, '--backend', 'wasm']);
    expect(code).toBe(2);
    expect(stderr.at(-1)).toBe(`isnet-bench gate: ${file}: no such baseline file (create it with --update)`);
  });
});

describe('isnet-bench gate on a tiny config', () => {
  it('creates a baseline with --update, passes against it, and fails (exit 1) on a figure above it', async () => {
    const file = await baselineFile();
    const out = join(await mkdtemp(join(tmpdir(), 'gate-out-')), 'report');
    const args = ['--baseline', file, '--methods', 'selective', '--backbones', 'tiny', '--backend', 'wasm'];

    const created = await gate([...args, '--update', '--json', '--out', out]);
    expect(created.code).toBe(0);
    const report = JSON.parse(created.stdout);
    expect(JSON.parse(await readFile(join(out, 'gate.json'), 'utf8'))).toEqual(report);
    expect(Object.keys(report)).toEqual(['format', 'version', 'commit', 'machine', 'date', 'baseline', 'passed', 'rows']);
    expect(report.rows.map((r: { verdict: string }) => r.verdict)).toEqual(expect.arrayContaining(['new', 'unavailable']));
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored.settings.batch).toBe(4);
    expect(stored.figures.map((f: { method: string; figure: string }) => `${f.method}/${f.figure}`)).toEqual(
      expect.arrayContaining(['standard/kernels', 'selective/kernels', 'selective/step-ratio']),
    );

    // Counts repeat exactly; the ratio's tolerance is opened wide so that no timing is asserted.
    await writeFile(file, JSON.stringify({ ...stored, thresholds: { ...stored.thresholds, 'step-ratio': 100 } }));
    const again = await gate(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/tiny\s+selective\s+kernels\s+kernels\/step\s+(\d+)\s+\1\s+\+0\.0%\s+exact\s+pass/);
    expect(again.stdout.split('\n').at(-1)).toBe('passed');

    // A baseline one kernel below today's: today's step launches one kernel more than it did.
    const kernels = stored.figures.find((f: { method: string; figure: string }) => f.method === 'selective' && f.figure === 'kernels');
    kernels.value -= 1;
    await writeFile(file, JSON.stringify({ ...stored, thresholds: { ...stored.thresholds, 'step-ratio': 100 } }));
    const regressed = await gate(args);
    expect(regressed.code).toBe(1);
    expect(regressed.stdout).toMatch(/tiny\s+selective\s+kernels\s+.*REGRESSION/);
    expect(regressed.stdout.split('\n').at(-1)).toBe('FAILED: 1 regression(s): tiny/selective/kernels');
  });
});
