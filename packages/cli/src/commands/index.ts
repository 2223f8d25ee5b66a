import type { Command } from './command.js';
import { bench } from './bench.js';
import { conformance } from './conformance.js';
import { data } from './data.js';
import { doctor } from './doctor.js';
import { evaluateCommand } from './evaluate.js';
import { gate } from './gate.js';
import { gradcheck } from './gradcheck.js';
import { merge } from './merge.js';
import { methods } from './methods.js';
import { report } from './report.js';
import { results } from './results.js';
import { run } from './run.js';
import { schema } from './schema.js';
import { trainCommand } from './train.js';
import { worker } from './worker.js';

export type { Command } from './command.js';

/** Every subcommand, in the order `isnet-bench --help` lists them. */
export const COMMANDS: Command[] = [run, worker, results, report, merge, methods, schema, data, trainCommand, evaluateCommand, bench, gate, doctor, gradcheck, conformance];
