import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { quartiles, SLOWDOWN_ENV, type GateReport } from '@isnet-bench/gate';

// Does the gate catch a real slowdown every time, and never fail unchanged code? Runs the
// CI's gate command `--runs` times as it is and `--runs` times with one method slowed by the
// test-only injection, alternating (so a busy phase of the machine falls on both kinds),
// and counts exit codes and the figures that flagged. Each run is saved as it finishes;
// the same command continues an interrupted check.
const USAGE = `node benchmarks/gate-check/dist/main.js [--runs N] [--slowdown METHOD:FRACTION] [--out DIR] [-- GATE ARGS]

  --runs      runs of each kind (default 10)
  --slowdown  the injected slowdown (default selective:0.13: selective's step repeats its loss
              and gradients on 4 of its 32 images, about 30% more time on the tiny backbone)
  --out       default reports/<today>-gate-check (check.json and check.md)
  GATE ARGS   default: the CI's: --baseline benchmarks/speed-baseline.json --backbones tiny
              --methods selective,stochastic,original`;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        runs: { type: 'string', default: '10' },
        slowdown: { type: 'string', default: 'selective:0.13' },
        out: { type: 'string', default: `reports/${new Date().toISOString().slice(0, 10)}-gate-check` },
      },
    });
  } catch (error) {
    console.error(`gate-check: ${(error as Error).message}\n\n${USAGE}`);
    return process.exit(2);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`gate-check: --runs: expected a positive integer, got '${values.runs}'`);
  process.exit(2);
}
const slowedMethod = values.slowdown.split(':')[0]!;
const gateArgs = positionals.length ? positionals : ['--baseline', 'benchmarks/speed-baseline.json', '--backbones', 'tiny', '--methods', 'selective,stochastic,original'];

interface Run {
  readonly kind: 'unchanged' | 'slowed';
  readonly exitCode: number;
  readonly seconds: number;
  /** backbone/method/figure of every regression. */
  readonly flagged: string[];
  /** The slowed method's step ratio(s), by backbone. */
  readonly ratios: Record<string, number | null>;
  readonly report: GateReport;
}

const file = join(values.out, 'check.json');
const done: Run[] = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as { runs: Run[] }).runs : [];

function gate(kind: Run['kind']): Promise<Run> {
  const env = { ...process.env };
  if (kind === 'slowed') env[SLOWDOWN_ENV] = values.slowdown;
  else delete env[SLOWDOWN_ENV];
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(repo, 'packages/cli/dist/main.js'), 'gate', ...gateArgs, '--json'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) return reject(new Error(`gate exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
      const report = JSON.parse(stdout) as GateReport;
      const ratios = Object.fromEntries(report.rows.filter((r) => r.method === slowedMethod && r.figure === 'step-ratio').map((r) => [r.backbone, r.value]));
      const flagged = report.rows.filter((r) => r.verdict === 'regression').map((r) => `${r.backbone}/${r.method}/${r.figure}`);
      resolvePromise({ kind, exitCode: code, seconds: (performance.now() - started) / 1000, flagged, ratios, report });
    });
  });
}

const median = (xs: readonly number[]) => (xs.length ? quartiles(xs).median : null);

function summary(all: readonly Run[]) {
  const of = (kind: Run['kind']) => all.filter((r) => r.kind === kind);
  const count = (rs: readonly Run[], figure: string) => rs.filter((r) => r.flagged.some((f) => f.endsWith(`/${slowedMethod}/${figure}`))).length;
  const slowed = of('slowed');
  const unchanged = of('unchanged');
  const ratiosOf = (rs: readonly Run[]) => rs.flatMap((r) => Object.values(r.ratios).filter((v): v is number => v !== null));
  const first = all[0]?.report;
  return {
    commit: first?.commit ?? null,
    machine: first?.machine ?? null,
    baseline: first?.baseline ?? null,
    started: first?.date ?? null,
    gateArgs,
    slowdown: values.slowdown,
    slowed: {
      runs: slowed.length,
      exit1: slowed.filter((r) => r.exitCode === 1).length,
      flaggedByStepRatio: count(slowed, 'step-ratio'),
      flaggedByKernels: count(slowed, 'kernels'),
      flaggedByAllocated: count(slowed, 'allocated'),
      flaggedByPeak: count(slowed, 'peak'),
      otherMethodsFlagged: slowed.flatMap((r) => r.flagged.filter((f) => f.split('/')[1] !== slowedMethod)),
      medianRatio: median(ratiosOf(slowed)),
    },
    unchanged: {
      runs: unchanged.length,
      exit0: unchanged.filter((r) => r.exitCode === 0).length,
      flagged: unchanged.flatMap((r) => r.flagged),
      medianRatio: median(ratiosOf(unchanged)),
    },
    medianSecondsPerRun: median(all.map((r) => r.seconds)),
  };
}

function markdown(s: ReturnType<typeof summary>, all: readonly Run[]): string {
  const injected = s.slowed.medianRatio && s.unchanged.medianRatio ? `${((s.slowed.medianRatio / s.unchanged.medianRatio - 1) * 100).toFixed(0)}%` : 'n/a';
  return [
    `# Gate check: ${s.started ?? ''}`,
    '',
    `commit ${s.commit}; ${s.machine}; baseline ${s.baseline?.commit} (${s.baseline?.date})`,
    `gate ${s.gateArgs.join(' ')}; injected ${SLOWDOWN_ENV}=${s.slowdown} (median ${slowedMethod} ratio x${s.slowed.medianRatio?.toFixed(3)} vs x${s.unchanged.medianRatio?.toFixed(3)} unchanged: +${injected})`,
    '',
    `- slowed: ${s.slowed.exit1}/${s.slowed.runs} runs failed the gate; flagged by step-ratio ${s.slowed.flaggedByStepRatio}, kernels ${s.slowed.flaggedByKernels}, allocated ${s.slowed.flaggedByAllocated}, peak ${s.slowed.flaggedByPeak}; other methods flagged: ${s.slowed.otherMethodsFlagged.length ? s.slowed.otherMethodsFlagged.join(', ') : 'none'}`,
    `- unchanged: ${s.unchanged.exit0}/${s.unchanged.runs} runs passed; flagged: ${s.unchanged.flagged.length ? s.unchanged.flagged.join(', ') : 'none'}`,
    `- median ${s.medianSecondsPerRun?.toFixed(0)} s per gate run`,
    '',
    '| run | kind | exit | seconds | flagged | ratio |',
    '| --- | --- | --- | --- | --- | --- |',
    ...all.map((r, i) => `| ${i + 1} | ${r.kind} | ${r.exitCode} | ${r.seconds.toFixed(0)} | ${r.flagged.join(', ') || '-'} | ${Object.values(r.ratios).map((v) => (v === null ? '-' : `x${v.toFixed(3)}`)).join(', ')} |`),
    '',
  ].join('\n');
}

await mkdir(values.out, { recursive: true });
for (let i = done.length; i < 2 * runs; i++) {
  const kind = i % 2 === 0 ? 'unchanged' : 'slowed';
  const run = await gate(kind);
  done.push(run);
  const s = summary(done);
  await writeFile(file, `${JSON.stringify({ summary: s, runs: done }, null, 2)}\n`);
  await writeFile(join(values.out, 'check.md'), markdown(s, done));
  console.error(`run ${i + 1}/${2 * runs} ${kind}: exit ${run.exitCode} in ${run.seconds.toFixed(0)} s; flagged ${run.flagged.join(', ') || 'nothing'}; ${slowedMethod} ${Object.values(run.ratios).map((v) => `x${v?.toFixed(3)}`).join(', ')}`);
}
console.log(markdown(summary(done), done));
