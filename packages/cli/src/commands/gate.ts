import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@isnet-bench/data';
import { DEFAULT_BACKBONES, FIGURES, gateTableRows, runGate } from '@isnet-bench/gate';
import { METHOD_NAMES } from '@isnet-bench/harness';
import { BackboneName } from '@isnet-bench/models';
import { countFlag, parseFlags } from '../flags.js';
import { table, UsageError } from '../io.js';
import { startEngine } from '../session.js';
import type { Command } from './command.js';

function listFlag<T extends string>(flag: string, text: string | undefined, known: readonly T[], what: string): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim());
  const bad = items.find((item) => !(known as readonly string[]).includes(item));
  if (bad !== undefined) throw new UsageError(`--${flag}: unknown ${what} '${bad}'; ${what}s: ${known.join(', ')}`);
  return items as T[];
}

export const gate: Command = {
  name: 'gate',
  summary: 'CI regression gate on training speed: compare kernel counts, allocations and step-time ratios with a baseline',
  usage: `isnet-bench gate --baseline FILE [--update] [--json] [--out DIR] [--methods M,...] [--backbones B,...]
                   [--rounds N] [--backend B]

Measures, for each method and backbone, one training step (the training loop's step on a
synthetic batch, with the baseline's batch and shape) and compares with the baseline FILE:
${Object.entries(FIGURES).map(([name, f]) => `  ${name.padEnd(12)} ${f.what}`).join('\n')}
Kernel counts and bytes change only when code does; the step ratio is timed in CPU time (time
spent waiting for a core is not the step's) as interleaved pairs (standard, method) in one
process, so a busy machine slows both halves of a pair; the instruction count is
'unavailable' where perf cannot count (most VMs) and never fails.
A figure above its baseline by more than the baseline file's threshold is a regression.

  --baseline FILE  e.g. benchmarks/speed-baseline.json (thresholds and settings are kept in it)
  --update         write the measured figures as FILE's new baseline (keeps its thresholds)
  --methods        default: the baseline's (known: ${METHOD_NAMES.join(', ')});
                   the standard classifier is always measured: it is the ratios' reference
  --backbones      default: the baseline's, else ${DEFAULT_BACKBONES.join(',')}
  --rounds N       interleaved pairs per method (default: the baseline's)
  --json           print {format, version, commit, machine, date, baseline, passed, rows} instead of the table
  --out DIR        also write that JSON to DIR/gate.json
Exit status: 1 when a figure regressed, 0 otherwise (and after --update).`,
  async run(args, io) {
    const { values, positionals } = parseFlags({
      args,
      allowPositionals: true,
      options: {
        baseline: { type: 'string' },
        update: { type: 'boolean' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        methods: { type: 'string' },
        backbones: { type: 'string' },
        rounds: { type: 'string' },
        backend: { type: 'string' },
      },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'; give the baseline as --baseline FILE`);
    if (!values.baseline) throw new UsageError('give --baseline FILE, e.g. --baseline benchmarks/speed-baseline.json');
    const methods = listFlag('methods', values.methods, METHOD_NAMES, 'method');
    const backbones = listFlag('backbones', values.backbones, BackboneName.options, 'backbone');
    const rounds = countFlag('rounds', values.rounds);
    const engine = await startEngine(values.backend, io);
    const outcome = await runGate({
      baselineFile: values.baseline,
      update: values.update ?? false,
      engine,
      methods,
      backbones,
      rounds,
      allMethods: METHOD_NAMES,
      log: (message) => io.err(message),
    });
    if (!outcome) return 130;
    const { report, figures, machineMismatch } = outcome;
    if (machineMismatch) io.err(`note: ${machineMismatch}`);
    const json = JSON.stringify(report, null, 2);
    if (values.out) {
      await mkdir(values.out, { recursive: true });
      await writeFileAtomic(join(values.out, 'gate.json'), `${json}\n`);
    }
    if (values.json) io.out(json);
    else {
      io.out(`baseline ${values.baseline}: ${report.baseline ? `commit ${report.baseline.commit ?? 'unknown'}, ${report.baseline.date}` : 'none (created)'}`);
      io.out(table(gateTableRows(report.rows, figures)));
      const regressions = report.rows.filter((r) => r.verdict === 'regression');
      io.out(regressions.length ? `FAILED: ${regressions.length} regression(s): ${regressions.map((r) => `${r.backbone}/${r.method}/${r.figure}`).join(', ')}` : 'passed');
    }
    if (values.update) {
      io.err(`wrote ${values.baseline}`);
      return 0;
    }
    return report.passed ? 0 : 1;
  },
};
