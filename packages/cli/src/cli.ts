import { BackendError, wasmFailure } from '@isnet-bench/engine';
import { MethodConfigError, RunError, UnknownMethodError } from '@isnet-bench/harness';
import { COMMANDS } from './commands/index.js';
import { UsageError, type CliIO } from './io.js';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'isnet-bench: background-bias mitigation benchmarks (ISNet, Faster ISNet, baselines) on TensorFlow.js',
    '',
    'usage: isnet-bench <command> [options]    (isnet-bench <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'environment: ISNET_BACKEND=tensorflow|wasm|cpu forces a backend; ISNET_NATIVE=0 disables the native',
    '             CPU kernels (wasm); ISNET_NATIVE_THREADS=N sets their thread count',
  ].join('\n');
}

/** Runs one command line; returns the exit code (0 ok, 1 a check failed, 2 bad usage or input). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
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
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof BackendError || error instanceof RunError || error instanceof UnknownMethodError || error instanceof MethodConfigError || isParseArgsError(error)) {
      io.err(`isnet-bench ${name}: ${(error as Error).message}`);
      return 2;
    }
    const failure = wasmFailure(error);
    if (failure) {
      io.err(`isnet-bench ${name}: ${failure.message}`);
      return 1;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
