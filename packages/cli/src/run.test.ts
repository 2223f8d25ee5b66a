import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@isnet-bench/data';
import { withoutTiming, type CellRecord } from '@isnet-bench/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

// The built command, as a user runs it (npm test builds first).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const smoke = fileURLToPath(new URL('../../../benchmarks/smoke.json', import.meta.url));
// Two methods, two epochs of 8 steps with a checkpoint every 2 steps, and the epoch timing:
// every kind of moment a kill can land on, in a few seconds per run.
const suite = fileURLToPath(new URL('../../../fixtures/suites/kill-probe.json', import.meta.url));

interface Invocation {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  seconds: number;
}

/** Runs `isnet-bench args...`; with `killAtLine`, sends SIGKILL once stderr has that many lines of progress. */
function invoke(args: string[], killAtLine?: number): Promise<Invocation> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
      if (killAtLine !== undefined && stderr.split('\n').length > killAtLine) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

const records = async (out: string) => (await readFile(join(out, 'results.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as CellRecord);

// The two end-to-end runs train and time real models: on a busy 2-core machine with the pure-wasm
// kernels they need more than the default two minutes.
describe('isnet-bench run', () => {
  let root: string;
  let cache: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'isnet-run-cli-'));
    cache = join(root, 'cache');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('killed with SIGKILL at three random moments of its work and rerun, ends with the records of an uninterrupted run; no epoch is trained twice', async () => {
    const whole = await invoke(['run', suite, '--out', join(root, 'whole'), '--data-cache', cache]);
    expect(whole.stderr).toContain('6 cells; results in');
    expect(whole.code).toBe(0);
    const expected = await records(join(root, 'whole'));
    expect(expected).toHaveLength(6);
    const io = { stdout: [] as string[], stderr: [] as string[], out: (t: string) => io.stdout.push(t), err: (t: string) => io.stderr.push(t) };
    expect(await runCli(['results', join(root, 'whole'), '--markdown'], io)).toBe(0);
    const lines = io.stdout.join('\n').split('\n');
    const standard = expected.find((r) => r.kind === 'accuracy' && r.label === 'standard')!;
    expect(lines).toContain(`| standard | digits | tiny | 1 | ${(100 * standard.evaluation!.splits['test']!.accuracy!).toFixed(1)} | ${(100 * standard.evaluation!.splits['unbiased']!.accuracy!).toFixed(1)} | ${(100 * standard.evaluation!.splits['confounding']!.accuracy!).toFixed(1)} | ${(100 * standard.evaluation!.splits['test']!.backgroundAttention!).toFixed(1)} | ${(100 * standard.evaluation!.splits['unbiased']!.backgroundAttention!).toFixed(1)} | ${(100 * standard.evaluation!.splits['confounding']!.backgroundAttention!).toFixed(1)} | ${standard.training!.epochSeconds.median.toFixed(1)} |`);
    expect(lines.filter((l) => /^\| (standard|selective) \| tiny \| /.test(l))).toHaveLength(2);

    const out = join(root, 'killed');
    const rng = new Rng(2026);
    const logs: string[] = [];
    // A moment is a line of progress (a training step, an epoch, an evaluated split, a timing
    // round), drawn within the first third of the uninterrupted run's lines, so that each run
    // is still at work when it is killed.
    const progress = whole.stderr.split('\n').length;
    expect(progress).toBeGreaterThan(60);
    for (let kill = 0; kill < 3; kill++) {
      const at = 2 + rng.int(Math.floor(progress / 3));
      const run = await invoke(['run', suite, '--out', out, '--data-cache', cache], at);
      logs.push(run.stderr);
      if (run.signal !== 'SIGKILL') expect.fail(`run ${kill + 1} finished before its kill at line ${at} (of ${progress} in a whole run)`);
    }
    const last = await invoke(['run', suite, '--out', out, '--data-cache', cache]);
    logs.push(last.stderr);
    expect(last.code).toBe(0);
    expect((await records(out)).map(withoutTiming)).toEqual(expected.map(withoutTiming));

    // An epoch's end is logged after its checkpoint: across all runs, at most once per cell and epoch.
    const epochEnds = logs.join('\n').match(/^\[\d\/6\] epoch \d\/2 done/gm) ?? [];
    const possible = ['[1/6] epoch 1/2 done', '[1/6] epoch 2/2 done', '[2/6] epoch 1/2 done', '[2/6] epoch 2/2 done'];
    expect(epochEnds.filter((line) => !possible.includes(line))).toEqual([]);
    expect(new Set(epochEnds).size).toBe(epochEnds.length);
    expect(epochEnds.length).toBeGreaterThanOrEqual(2);
    // The kills landed in training: a later run continued a cell from its checkpoint.
    expect(logs.join('\n')).toMatch(/^\[\d\/6\] resuming \w+ from /m);
  }, 300_000);

  it('runs benchmarks/smoke.json end to end: every cell recorded, the results files and the summary tables', async () => {
    const out = join(root, 'smoke');
    const run = await invoke(['run', smoke, '--out', out, '--data-cache', cache]);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const list = await records(out);
    expect(list.map((r) => `${r.kind}:${r.label}${r.epochTime ? `@${r.epochTime.classes}` : ''}`)).toEqual([
      'accuracy:standard', 'accuracy:selective', 'accuracy:stochastic', 'accuracy:original',
      ...['standard', 'selective', 'stochastic', 'original'].flatMap((m) => [2, 10, 30].map((c) => `epoch-time:${m}@${c}`)),
    ]);
    for (const record of list.filter((r) => r.kind === 'accuracy')) {
      expect(Object.keys(record.evaluation!.splits)).toEqual(['test', 'unbiased', 'confounding']);
      expect(record.evaluation!.splits['test']!.count).toBe(256);
      expect(record.training).toMatchObject({ epochs: 1, trainImages: 512, steps: 8 });
    }
    const csv = (await readFile(join(out, 'results.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv).toHaveLength(1 + 4 * 3 + 12);
    expect(run.stdout).toMatch(/^method +dataset +backbone +seed +test acc %/m);
    expect(run.stdout).toMatch(/^original +tiny +[\d.]+ \(x[\d.]+\) +[\d.]+\*? \(x[\d.]+\) +[\d.]+\*? \(x[\d.]+\)$/m);
  }, 300_000);

  it('--list shows the cells of the smoke suite without running them', async () => {
    const io = { stdout: [] as string[], stderr: [] as string[], out: (t: string) => io.stdout.push(t), err: (t: string) => io.stderr.push(t) };
    expect(await runCli(['run', smoke, '--out', join(root, 'listed'), '--data-cache', cache, '--list'], io)).toBe(0);
    expect(io.stdout).toHaveLength(4 + 4 * 3);
    expect(io.stdout[0]).toMatch(/^[0-9a-f]{16} {8}accuracy {4}standard on tiny, mnist-position, seed 1$/);
  });
});
