import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withoutTiming, type CellRecord } from '@isnet-bench/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

// The built command, as a user runs it (npm test builds first); redis-server from the system (.ci/run installs it).
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// run.test.ts's kill probe: two accuracy cells of two epochs of 8 steps with a checkpoint every 2
// steps, and a backbone's epoch timing: three jobs.
const suite = fileURLToPath(new URL('../../../fixtures/suites/kill-probe.json', import.meta.url));

/** A process whose stderr is kept, with a wait for a line of it. */
class Running {
  stderr = '';
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waits: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk;
      for (const wait of [...this.waits]) {
        const match = this.stderr.match(wait.pattern);
        if (match) {
          this.waits.splice(this.waits.indexOf(wait), 1);
          wait.resolve(match);
        }
      }
    });
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal }));
      // A program that cannot be started (not installed) ends at once, saying why.
      child.on('error', (error) => {
        this.stderr += `${error.message}\n`;
        resolve({ code: null, signal: null });
      });
    });
  }

  /** The first match of `pattern` in stderr, now or once it appears. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const match = this.stderr.match(pattern);
    return match ? Promise.resolve(match) : new Promise((resolve) => this.waits.push({ pattern, resolve }));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

const cli = (args: string[]) => new Running(spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));

/** A loopback port nothing listens on (redis-server cannot pick one itself). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** redis-server on `port`, its data in `dir` (append-only file: a restart keeps the queue). */
async function startRedis(port: number, dir: string): Promise<Running> {
  const redis = new Running(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.child.stdout!.on('data', () => redis.stdout.includes('Ready to accept connections') && resolve(true))),
    redis.exited.then(() => false),
  ]);
  if (!ready) throw new Error(`redis-server did not start (.ci/run installs it: apt-get install redis-server): ${redis.stdout}${redis.stderr}`);
  return redis;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const records = async (out: string) => (await readFile(join(out, 'results.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as CellRecord);

describe('isnet-bench run --queue with isnet-bench worker', () => {
  let root: string;
  let cache: string;
  let port: number;
  let redis: Running;
  const processes: Running[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'isnet-queue-cli-'));
    cache = join(root, 'cache');
    await mkdir(join(root, 'redis'));
    port = await freePort();
    redis = await startRedis(port, join(root, 'redis'));
  });

  afterAll(async () => {
    // The graceful stop has its test; here the workers and their cells' processes are simply ended.
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    const cells = processes.flatMap((p) => [...p.stderr.matchAll(/running in process (\d+)/g)].map((m) => Number(m[1])));
    for (const pid of cells.filter(isAlive)) process.kill(pid, 'SIGKILL');
    await redis?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('three workers, one killed with SIGKILL mid-cell and Redis restarted meanwhile: the records of a one-process run, each written once', async () => {
    const queue = `redis://127.0.0.1:${port}/0`;
    const out = join(root, 'queued');
    // The workers start (and wait for jobs) during the one-process run.
    const workers = [1, 2, 3].map(() => cli(['worker', '--queue', queue, '--out', out, '--data-cache', cache, '--stall-seconds', '3']));
    processes.push(...workers);
    const whole = cli(['run', suite, '--out', join(root, 'whole'), '--data-cache', cache]);
    processes.push(whole);
    expect((await whole.exited).code, whole.stderr.slice(-2000)).toBe(0);
    const expected = await records(join(root, 'whole'));
    const started = performance.now();
    const run = cli(['run', suite, '--out', out, '--data-cache', cache, '--queue', queue]);
    processes.push(run);

    // Kill a worker in its cell's second epoch (the first has left checkpoints in the shared folder).
    const killed = await Promise.race(workers.map((w) => w.waitFor(/^\[(cell-\w+)\] epoch 2\/2 batch 3\/8/m).then((match) => ({ worker: w, job: match[1]! }))));
    const childPid = Number((await killed.worker.waitFor(new RegExp(`^\\[${killed.job}\\] running in process (\\d+)`, 'm')))[1]);
    killed.worker.child.kill('SIGKILL');
    expect((await killed.worker.exited).signal).toBe('SIGKILL');
    // The cell's own process follows its worker at once (it must not train on beside its successor).
    for (let wait = 0; isAlive(childPid) && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(childPid)).toBe(false);

    // Redis restarts while the killed worker's cell waits for its stall to be noticed.
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    redis = await startRedis(port, join(root, 'redis'));

    const ended = await run.exited;
    const seconds = (performance.now() - started) / 1000;
    expect(ended.code, run.stderr.slice(-3000)).toBe(0);
    expect((await records(out)).map(withoutTiming)).toEqual(expected.map(withoutTiming));

    const survivors = workers.filter((w) => w !== killed.worker);
    const logs = workers.map((w, i) => `== worker ${i + 1}${w === killed.worker ? ' (killed)' : ''}\n${w.stderr}`).join('\n');
    // Another worker took the killed cell over and resumed it from the checkpoint.
    expect(logs).toMatch(new RegExp(`^\\[${killed.job}\\] .* \\(attempt 2\\)$`, 'm'));
    expect(logs).toMatch(new RegExp(`^\\[${killed.job}\\] resuming \\w+ from `, 'm'));
    // Each cell's record created once, by one worker.
    const written = (logs.match(/^\[[\w-]+\] cell (\w+): record written$/gm) ?? []).map((line) => line.split(' ')[2]!.slice(0, -1));
    const summary = logs.split('\n').filter((line) => !/ batch \d+\/\d+/.test(line)).join('\n');
    expect(written.sort(), summary).toEqual(expected.map((r) => r.id).sort());
    // The outage was reported in one line when it began and one when it ended, and nobody crashed.
    for (const p of [run, ...survivors]) {
      expect(p.stderr).toMatch(/^redis at redis:\/\/127\.0\.0\.1:\d+\/0 unreachable \(.+\); retrying with backoff/m);
      expect(p.stderr).toMatch(/^redis at redis:\/\/127\.0\.0\.1:\d+\/0 reachable again$/m);
    }
    expect(run.stderr).toMatch(/^\[\d-\d\/6\] done: epoch time on tiny: 4 cells/m);
    for (const worker of survivors) expect(await worker.stop()).toEqual({ code: 0, signal: null });
    console.log(`queue run with 3 workers (one killed) and a Redis restart: ${seconds.toFixed(1)} s`);
  }, 300_000);

  it('a worker pointed at another folder stops at once; a worker stopped mid-cell hands its cell back and the next one resumes it', async () => {
    const queue = `redis://127.0.0.1:${port}/1`;
    const out = join(root, 'stopped');
    const run = cli(['run', suite, '--out', out, '--data-cache', cache, '--queue', queue]);
    processes.push(run);
    await run.waitFor(/queued as 3 jobs/);
    const misplaced = cli(['worker', '--queue', queue, '--out', join(root, 'wrong'), '--data-cache', cache]);
    processes.push(misplaced);
    expect((await misplaced.exited).code).toBe(2);
    expect(misplaced.stderr.trimEnd().split('\n').at(-1)).toBe(`isnet-bench worker: ${join(root, 'wrong', 'suite.json')}: missing: --out must be the shared results folder of the run (isnet-bench run --queue writes suite.json there)`);
    expect(misplaced.stderr).not.toMatch(/running in process/);

    const first = cli(['worker', '--queue', queue, '--out', out, '--data-cache', cache]);
    processes.push(first);
    const job = (await first.waitFor(/^\[(cell-\w+)\] epoch 1\/2 batch 3\/8/m))[1]!;
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.stderr).toMatch(/^worker \S+: stopping; running cells stop after their current step/m);
    expect(first.stderr).not.toMatch(/ failed /);
    // All three jobs at once: the handed-back one among them, at once (no stall to wait for).
    const next = cli(['worker', '--queue', queue, '--out', out, '--data-cache', cache, '--concurrency', '3']);
    processes.push(next);
    await next.waitFor(new RegExp(`^\\[${job}\\] resuming \\w+ from `, 'm'));
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(run.stderr).toMatch(/^stopped: \d\/6 cells done; the same command continues$/m);
  }, 120_000);

  it('worker: --help, and a missing or bad --queue is one line naming it', async () => {
    const io = { stdout: [] as string[], stderr: [] as string[], out: (t: string) => io.stdout.push(t), err: (t: string) => io.stderr.push(t) };
    expect(await runCli(['worker', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^isnet-bench worker --queue redis:\/\/HOST:PORT\/DB --out DIR/);
    expect(await runCli(['worker', '--out', root], io)).toBe(2);
    expect(io.stderr.at(-1)).toBe('isnet-bench worker: give --queue redis://HOST:PORT/DB, where the run enqueued its cells');
    expect(await runCli(['worker', '--out', root, '--queue', 'http://x:1'], io)).toBe(2);
    expect(io.stderr.at(-1)).toBe("isnet-bench worker: --queue: expected a redis:// or rediss:// address, got 'http://x:1'");
    expect(await runCli(['run', suite, '--out', root, '--queue', 'redis://h:1/x'], io)).toBe(2);
    expect(io.stderr.at(-1)).toBe("isnet-bench run: --queue: the database (after the last /) must be a number >= 0, got 'x' in 'redis://h:1/x'");
    expect(await runCli(['run', suite, '--out', root, '--queue', 'redis://h:1/0', '--shard', '1/2'], io)).toBe(2);
    expect(io.stderr.at(-1)).toMatch(/^isnet-bench run: --shard and --queue: /);
  });
});
