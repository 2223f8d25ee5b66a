import { readResults } from '@isnet-bench/harness';
import { parseFlags } from '../flags.js';
import { UsageError } from '../io.js';
import { formatSummary } from '../summary.js';
import type { Command } from './command.js';

export const results: Command = {
  name: 'results',
  summary: "print a results folder's tables (text or Markdown), made from its records",
  usage: `isnet-bench results DIR [--markdown]

Reads DIR/results.jsonl (written by isnet-bench run) and prints the tables the run ended with:
accuracy and background attention per test split, epoch time per class count.
  --markdown   Markdown tables (the README's are made this way)`,
  async run(args, io) {
    const { values, positionals } = parseFlags({ args, allowPositionals: true, options: { markdown: { type: 'boolean' } } });
    const [dir, ...extra] = positionals;
    if (!dir || extra.length) throw new UsageError('give one results folder, e.g. isnet-bench results results/quick');
    io.out(formatSummary(await readResults(dir), values.markdown ? 'markdown' : 'text'));
    return 0;
  },
};
