import { mergeResults, resultPaths } from '@isnet-bench/harness';
import { parseFlags } from '../flags.js';
import { UsageError } from '../io.js';
import { formatSummary } from '../summary.js';
import type { Command } from './command.js';

export const merge: Command = {
  name: 'merge',
  summary: "join the results folders of one suite's shards into one",
  usage: `isnet-bench merge DIR... --out DIR

Joins the results folders of runs of one suite (isnet-bench run --shard i/n) into --out: the
suite, each cell's record, results.jsonl and results.csv in the suite's cell order, as one
unsharded run writes them. A cell in two folders must have the same record there (wall-clock
times aside). Exits 1 when cells of the suite have no record in any folder (a shard missing
or unfinished), after writing what there is.`,
  async run(args, io) {
    const { values, positionals } = parseFlags({ args, allowPositionals: true, options: { out: { type: 'string' } } });
    if (positionals.length === 0) throw new UsageError('give the results folders to merge');
    if (!values.out) throw new UsageError('give --out DIR, the merged results folder');
    const { cells, records, missing } = await mergeResults(positionals, values.out);
    io.out(formatSummary(records));
    const paths = resultPaths(values.out);
    io.err(`merged ${records.length} of ${cells.length} cells from ${positionals.length} folders into ${paths.jsonl} and ${paths.csv}`);
    if (missing.length === 0) return 0;
    io.err(`missing ${missing.length} cells (a shard not run or not finished): ${missing.map((c) => `${c.id} ${c.label}`).join(', ')}`);
    return 1;
  },
};
