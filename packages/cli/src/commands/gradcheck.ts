import { DEFAULT_TOLERANCE, initEngine, runGradChecks, type GradCheckResult } from '@isnet-bench/engine';
import { availableBackends } from './backends.js';
import { parseFlags } from '../flags.js';
import { table, UsageError } from '../io.js';
import type { Command } from './command.js';

export const gradcheck: Command = {
  name: 'gradcheck',
  summary: 'check first- and second-order gradients of every op against finite differences',
  usage: `isnet-bench gradcheck [--backend B] [--json]

Compares the analytic first- and second-order gradients of every op the suite uses with
central finite differences (float32, random directions, relative tolerance ${DEFAULT_TOLERANCE}).
Exits 1 if any check fails.
  --backend B   check only this backend (default: every available one)
  --json        {"pass", "results": [{"op", "order", "backend", "relError", "pass"}]}`,
  async run(args, io) {
    const { values } = parseFlags({ args, options: { backend: { type: 'string' }, json: { type: 'boolean' } } });
    const backends = values.backend ? [values.backend] : await availableBackends();
    if (backends.length === 0) throw new UsageError('no TF.js backend is available');
    const results: GradCheckResult[] = [];
    for (const backend of backends) {
      await initEngine({ backend });
      results.push(...runGradChecks().results);
    }
    const pass = results.every((r) => r.pass);
    if (values.json) io.out(JSON.stringify({ pass, results }, null, 2));
    else {
      io.out(table([
        ['backend', 'op', 'order', 'rel. error', 'result'],
        ...results.map((r) => [r.backend, r.op, String(r.order), Number.isNaN(r.relError) ? '-' : r.relError.toExponential(2), r.pass ? 'pass' : `FAIL${r.error ? `: ${r.error}` : ''}`]),
      ]));
      io.out(`${results.filter((r) => r.pass).length} passed, ${results.filter((r) => !r.pass).length} failed (tolerance ${DEFAULT_TOLERANCE})`);
    }
    return pass ? 0 : 1;
  },
};
