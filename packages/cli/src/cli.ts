import { COMMANDS } from './commands/index.js';
import { withErrorBoundary } from './errors.js';
import type { CliIO } from './io.js';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'isnet-bench: background-bias mitigation benchmarks (ISNet, Faster ISNet, baselines) on TensorFlow.js',
    '',
    'usage: isnet-bench <command> [options]    (isnet-bench <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'errors: one line on stderr; exit status 2 for a bad option, file or dataset, 1 for a failed check or',
    '        run; --verbose (anywhere on the command line) adds the stack trace',
    '',
    'environment: ISNET_BACKEND=tensorflow|wasm|cpu forces a backend; ISNET_NATIVE=0 disables the native',
    '             CPU kernels (wasm); ISNET_NATIVE_THREADS=N sets their thread count',
  ].join('\n');
}

/**
 * Runs one command line; returns the exit code (0 ok, 1 a check or the run failed, or a bug;
 * 2 bad usage or input). Errors never escape: each becomes one line on stderr (see errors.ts);
 * `--verbose` anywhere on the line is taken out before the command reads its options and adds
 * the stack trace.
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [name, ...args] = argv.filter((arg) => arg !== '--verbose');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`isnet-bench: unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  return withErrorBoundary(name, io, verbose, () => command.run(args, io));
}
