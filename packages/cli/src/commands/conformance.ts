import { initEngine } from '@isnet-bench/engine';
import { loadFixture, RELATIVE_TOLERANCE, runFixture, type ConformanceResult } from '@isnet-bench/conformance';
import { basename } from 'node:path';
import { parseFlags } from '../flags.js';
import { table, UsageError } from '../io.js';
import { availableBackends } from './backends.js';
import type { Command } from './command.js';

export const conformance: Command = {
  name: 'conformance',
  summary: "check LRP heatmaps, ISNet losses and weight gradients against the authors' reference fixtures",
  usage: `isnet-bench conformance FILE... [--backend B] [--json]

Rebuilds each 'isnet-conformance/1' fixture's network in TF.js, checks its logits, then every
case: heatmaps per epsilon / z^B / quantity, the ISNet losses and the gradient of the total loss
with respect to every weight (second order through the LRP pass). A case passes when its
maximum error relative to the largest expected magnitude is <= ${RELATIVE_TOLERANCE}. Exits 1 if any fails.
  --backend B   run on this backend only (default: every available one)
  --json        {"pass", "results": [{"fixture", "case", "backend", "maxAbsError", "maxRelError", "pass"}]}`,
  async run(args, io) {
    const { values, positionals } = parseFlags({ args, allowPositionals: true, options: { backend: { type: 'string' }, json: { type: 'boolean' } } });
    if (positionals.length === 0) throw new UsageError('give at least one fixture file');
    const fixtures = positionals.map((path) => ({ name: basename(path, '.json'), fixture: loadFixture(path) }));
    const backends = values.backend ? [values.backend] : await availableBackends();
    const results: Array<ConformanceResult & { backend: string }> = [];
    for (const backend of backends) {
      await initEngine({ backend });
      for (const { name, fixture } of fixtures) results.push(...runFixture(fixture, name).map((r) => ({ ...r, backend })));
    }
    const pass = results.every((r) => r.pass);
    if (values.json) io.out(JSON.stringify({ pass, results }, null, 2));
    else {
      io.out(table([
        ['backend', 'fixture', 'case', 'max abs', 'max rel', 'result'],
        ...results.map((r) => [r.backend, r.fixture, r.case, r.maxAbsError.toExponential(2), r.maxRelError.toExponential(2), r.pass ? 'PASS' : 'FAIL']),
      ]));
      io.out(`${results.filter((r) => r.pass).length} passed, ${results.filter((r) => !r.pass).length} failed (relative tolerance ${RELATIVE_TOLERANCE})`);
    }
    return pass ? 0 : 1;
  },
};
