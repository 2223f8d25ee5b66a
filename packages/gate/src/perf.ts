import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Whether `perf stat` can count this process's instructions, and why not. */
export type PerfStatus = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const EVENT = 'instructions:u';

/**
 * The instruction count in `perf stat -x,` output (CSV on stderr: value, unit, event, ...), or
 * the reason there is none: perf prints `<not supported>` or `<not counted>` in place of the
 * value where the machine (often a VM) exposes no hardware counters.
 */
export function parsePerfStat(output: string): { count: number } | { reason: string } {
  for (const line of output.split('\n')) {
    const fields = line.split(',');
    if (!fields[2]?.startsWith('instructions')) continue;
    const value = fields[0]!.trim();
    if (/^\d+$/.test(value)) return { count: Number(value) };
    return { reason: `perf stat: instructions ${value || 'not reported'}` };
  }
  const first = output.trim().split('\n')[0];
  return { reason: `perf stat: no instruction count${first ? ` (${first.slice(0, 120)})` : ''}` };
}

/** Runs perf on `true`, the cheapest command, to learn whether instructions can be counted. */
export function probePerf(): PerfStatus {
  const run = spawnSync('perf', ['stat', '-x,', '-e', EVENT, 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (run.error) return { ok: false, reason: (run.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'perf is not installed' : `perf: ${run.error.message}` };
  const parsed = parsePerfStat(run.stderr ?? '');
  return 'count' in parsed ? { ok: true } : { ok: false, reason: parsed.reason };
}

/**
 * User-space instructions of this process (all threads) while `work` runs, counted by a
 * `perf stat` attached to it. Attaching takes a moment, so perf gets `settleMs` before the work
 * starts; the idle event loop executes few instructions meanwhile.
 */
export async function countInstructions(work: () => void, settleMs = 300): Promise<{ count: number } | { reason: string }> {
  const perf = spawn('perf', ['stat', '-x,', '-e', EVENT, '-p', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  perf.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => perf.on('close', () => resolve()));
  await sleep(settleMs);
  try {
    work();
  } finally {
    perf.kill('SIGINT');
    await exited;
  }
  return parsePerfStat(stderr);
}
