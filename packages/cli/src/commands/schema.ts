import { parseFlags } from '../flags.js';
import { suiteJsonSchema } from '@isnet-bench/harness';
import { UsageError } from '../io.js';
import type { Command } from './command.js';

const SCHEMAS: Record<string, () => unknown> = { suite: suiteJsonSchema };

export const schema: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of suite files (for editors and validators)',
  usage: `isnet-bench schema suite

Prints the JSON Schema (draft 2020-12) of suite files, each method's config included.
benchmarks/suite.schema.json holds it; suite files name it in "$schema" so editors complete them.`,
  async run(args, io) {
    const { positionals } = parseFlags({ args, allowPositionals: true, options: {} });
    const [name] = positionals;
    const make = name ? SCHEMAS[name] : undefined;
    if (!make) throw new UsageError(`which schema: ${Object.keys(SCHEMAS).join(', ')} (got '${name ?? ''}')`);
    io.out(`${JSON.stringify(make(), null, 2)}\n`);
    return 0;
  },
};
