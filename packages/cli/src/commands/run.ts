import { parseFlags } from '../flags.js';
import { defaultDataCache, describeCell, parseShard, readSuite, resultPaths, runSuite } from '@isnet-bench/harness';
import { writeReport } from '@isnet-bench/report';
import { UsageError } from '../io.js';
import { startEngine, untilInterrupted } from '../session.js';
import { formatSummary } from '../summary.js';
import type { Command } from './command.js';

export const run: Command = {
  name: 'run',
  summary: 'run a benchmark suite (train, test, time) into a results folder; rerun the same command to resume',
  usage: `isnet-bench run SUITE.json --out DIR [--shard i/n] [--data-cache DIR] [--list] [--backend B] [--json]

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
  --list             print the cells (id, what, done or not) and exit
  --backend B        tensorflow | wasm | cpu
  --json             print the records as JSON lines instead of the summary tables
Suites: benchmarks/smoke.json (a minute or two), quick.json (the main job), class-scaling.json,
mnist-paper.json (the reference protocol); isnet-bench schema suite prints their JSON Schema.`,
  async run(args, io) {
    const { values, positionals } = parseFlags({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, shard: { type: 'string' }, 'data-cache': { type: 'string' }, list: { type: 'boolean' }, backend: { type: 'string' }, json: { type: 'boolean' } },
    });
    const [file, ...extra] = positionals;
    if (!file) throw new UsageError('give the suite file, e.g. isnet-bench run benchmarks/quick.json --out results/quick');
    if (extra.length) throw new UsageError(`one suite at a time; also got ${extra.map((e) => `'${e}'`).join(', ')}`);
    const { out } = values;
    if (!out) throw new UsageError('give --out DIR, the results folder');
    const shard = values.shard === undefined ? undefined : shardFlag(values.shard);
    const suite = await readSuite(file);
    const engine = await startEngine(values.backend, io);
    return untilInterrupted(io, 'the same command continues', async (signal) => {
      const result = await runSuite(suite, { out, shard, dataCache: values['data-cache'], engine, log: (m) => io.err(m), signal, plan: values.list });
      if (values.list) {
        for (const cell of result.cells) io.out(`${cell.id}  ${result.records.some((r) => r.id === cell.id) ? 'done' : '    '}  ${cell.kind.padEnd(10)}  ${describeCell(cell)}`);
        return 0;
      }
      io.out(values.json ? result.records.map((r) => JSON.stringify(r)).join('\n') : formatSummary(result.records));
      if (!result.completed) {
        io.err(`stopped: ${result.records.length}/${result.cells.length} cells done; the same command continues`);
        return 130;
      }
      const paths = resultPaths(out);
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
