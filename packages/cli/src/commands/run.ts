import { parseFlags } from '../flags.js';
import { defaultDataCache, describeCell, parseShard, readSuite, resultPaths, runSuite } from '@isnet-bench/harness';
import { runSuiteOnQueue, type QueueRunResult } from '@isnet-bench/queue';
import { writeReport } from '@isnet-bench/report';
import { UsageError } from '../io.js';
import { startEngine, untilInterrupted } from '../session.js';
import { formatSummary } from '../summary.js';
import type { Command } from './command.js';

export const run: Command = {
  name: 'run',
  summary: 'run a benchmark suite (train, test, time) into a results folder; rerun the same command to resume',
  usage: `isnet-bench run SUITE.json --out DIR [--shard i/n | --queue redis://HOST:PORT/DB] [--data-cache DIR] [--list] [--backend B] [--json]

Validates the suite (every method's config against its schema) before anything runs, builds
its datasets on first use (cached by their options), then runs its cells: accuracy cells train
each method on each dataset, backbone and seed and test the best validation checkpoint;
epoch-time cells time training epochs per method and class count. Writes
  DIR/results.jsonl   one versioned record per cell (see the README)
  DIR/results.csv     one row per cell and test split
  DIR/report.html     the HTML report (isnet-bench report --help)
  DIR/cells/<id>/     each cell's checkpoints and record
A run stopped at any point (Ctrl-C, kill -9, a crash) continues with the same command: finished
cells are not redone and a cell in training resumes from its last checkpoint.

  --out DIR          the results folder (created)
  --data-cache DIR   where built datasets are kept (default ${defaultDataCache()};
                     ISNET_BENCH_DATA sets it too)
  --shard i/n        run only the i-th of n shares of the cells (a backbone's epoch timing stays in
                     one share); isnet-bench merge joins the shards' folders into one
  --queue URL        run the cells on workers instead (isnet-bench worker --help): enqueue them on
                     this Redis database, wait for the records in DIR (a folder the workers share)
                     with progress, then write the results files; rerunning continues
  --list             print the cells (id, what, done or not) and exit
  --backend B        tensorflow | wasm | cpu
  --json             print the records as JSON lines instead of the summary tables
Suites: benchmarks/smoke.json (a minute or two), quick.json (the main job), class-scaling.json,
mnist-paper.json (the reference protocol); isnet-bench schema suite prints their JSON Schema.`,
  async run(args, io) {
    const { values, positionals } = parseFlags({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, shard: { type: 'string' }, queue: { type: 'string' }, 'data-cache': { type: 'string' }, list: { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' } },
    });
    const [file, ...extra] = positionals;
    if (!file) throw new UsageError('give the suite file, e.g. isnet-bench run benchmarks/quick.json --out results/quick');
    if (extra.length) throw new UsageError(`one suite at a time; also got ${extra.map((e) => `'${e}'`).join(', ')}`);
    const { out } = values;
    if (!out) throw new UsageError('give --out DIR, the results folder');
    const shard = values.shard === undefined ? undefined : shardFlag(values.shard);
    if (shard && values.queue) throw new UsageError('--shard and --queue: a queue shares the cells out itself; give one of them');
    const suite = await readSuite(file);
    const { queue } = values;
    // On a queue the workers train; this process only enqueues and collects.
    const engine = queue ? undefined : await startEngine(values.backend, io);
    return untilInterrupted(io, 'the same command continues', async (signal) => {
      const options = { out, dataCache: values['data-cache'], log: (m: string) => io.err(m), signal, plan: values.list };
      const result = queue ? await runSuiteOnQueue(suite, { ...options, queue }) : await runSuite(suite, { ...options, shard, engine: engine! });
      if (values.list) {
        for (const cell of result.cells) io.out(`${cell.id}  ${result.records.some((r) => r.id === cell.id) ? 'done' : '    '}  ${cell.kind.padEnd(10)}  ${describeCell(cell)}`);
        return 0;
      }
      io.out(values.json ? result.records.map((r) => JSON.stringify(r)).join('\n') : formatSummary(result.records));
      const { failed = [] } = result as Partial<QueueRunResult>;
      for (const { cell, reason } of failed) io.err(`failed: ${describeCell(cell)}: ${reason}`);
      if (failed.length) {
        io.err(`${result.records.length}/${result.cells.length} cells done, ${failed.length} failed; fix the cause and rerun the same command (it retries them)`);
        return 1;
      }
      if (!result.completed) {
        io.err(`stopped: ${result.records.length}/${result.cells.length} cells done; the same command continues`);
        return 130;
      }
      const paths = resultPaths(out);
      // The report's heatmaps run the trained models here, also after a queue run.
      if (!engine) await startEngine(values.backend, io);
      const report = await writeReport(out, { dataCache: values['data-cache'] ?? defaultDataCache(), log: (m) => io.err(m) });
      io.err(`${result.cells.length} cells; results in ${paths.jsonl} and ${paths.csv}, report in ${report.file}`);
      return 0;
    });
  },
};

function shardFlag(text: string) {
  try {
    return parseShard(text);
  } catch (error) {
    throw new UsageError(`--shard: ${(error as Error).message}`);
  }
}
