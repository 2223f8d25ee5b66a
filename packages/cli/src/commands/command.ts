import type { CliIO } from '../io.js';

/** One subcommand of `isnet-bench`: its help text and what it does; returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}
