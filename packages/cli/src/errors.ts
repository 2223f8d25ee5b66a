import { inspect } from 'node:util';
import { ZodError } from 'zod';
import { FixtureError } from '@isnet-bench/conformance';
import { BaselineError } from '@isnet-bench/gate';
import { DataError, describeIssues } from '@isnet-bench/data';
import { BackendError, wasmFailure } from '@isnet-bench/engine';
import { MethodConfigError, ResultsError, RunError, SuiteError, UnknownMethodError } from '@isnet-bench/harness';
import { IsnetParamsError } from '@isnet-bench/isnet-core';
import { QueueError } from '@isnet-bench/queue';
import { CheckpointError, TrainConfigError, TrainingDivergedError } from '@isnet-bench/training';
import { UsageError, type CliIO } from './io.js';

/**
 * Errors that are the user's to fix (a flag, a file, a dataset, a config, the machine's setup):
 * their messages already name the flag, file or value, so they are printed as they are.
 */
export const USER_ERRORS = [UsageError, BackendError, DataError, RunError, UnknownMethodError, MethodConfigError, SuiteError, ResultsError, TrainConfigError, CheckpointError, IsnetParamsError, FixtureError, QueueError, BaselineError] as const;

/** What a Node system error (fs) means to the user, by its code. */
const SYSTEM_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many levels of symbolic links',
  ENOTEMPTY: 'the folder is not empty',
};

/** What the failed system call was doing, for the message. */
const SYSTEM_ACTIONS: Record<string, string> = {
  mkdir: 'cannot create the folder',
  open: 'cannot open',
  read: 'cannot read',
  write: 'cannot write',
  rename: 'cannot write',
  copyfile: 'cannot write',
  unlink: 'cannot remove',
  rmdir: 'cannot remove',
  rm: 'cannot remove',
  scandir: 'cannot list',
  stat: 'cannot read',
  lstat: 'cannot read',
};

/** How the command line reports an error: one line (without the `isnet-bench <command>: ` prefix) and the exit status. */
export interface ErrorReport {
  readonly message: string;
  /** 2: a user error (bad usage or input); 1: a failure of the run itself, or a bug. */
  readonly status: 1 | 2;
  /** True for an error no mapping knows: most likely a bug. */
  readonly internal: boolean;
}

/**
 * The one place that decides how an error reaches the user: the error classes of the packages
 * (USER_ERRORS), zod errors (field by field), parseArgs errors and Node system errors with a
 * `code` and `path` are user errors (status 2); a diverged training run or a wasm trap is a
 * failure (status 1); anything else is an internal error (status 1, asks for a report).
 */
export function describeError(error: unknown): ErrorReport {
  const user = (message: string): ErrorReport => ({ message: oneLine(message), status: 2, internal: false });
  if (USER_ERRORS.some((type) => error instanceof type)) return user((error as Error).message);
  if (error instanceof ZodError) return user(`invalid input: ${describeIssues(error.issues, {})}`);
  if (isParseArgsError(error)) return user((error as Error).message);
  const system = systemErrorMessage(error);
  if (system) return user(system);
  if (error instanceof TrainingDivergedError) return { message: oneLine(error.message), status: 1, internal: false };
  const failure = wasmFailure(error);
  if (failure) return { message: oneLine(failure.message), status: 1, internal: false };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `internal error: ${oneLine(message) || (error as Error)?.name || 'unknown'} (please report it with --verbose output)`, status: 1, internal: true };
}

/**
 * `FILE: cannot write: no space left on the device` for a Node system error whose code is a
 * user's problem; `file` names the file when the error does not (errors of read and write
 * calls name none).
 */
export function systemErrorMessage(error: unknown, file?: string): string | undefined {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  const path = (error as NodeJS.ErrnoException | undefined)?.path ?? file;
  // The suite creates folders with { recursive: true }: EEXIST from mkdir means a file is in the way.
  const problem = code === 'EEXIST' ? (syscall === 'mkdir' ? 'a file of that name exists' : 'it already exists') : typeof code === 'string' ? SYSTEM_PROBLEMS[code] : undefined;
  if (!problem) return undefined;
  const action = syscall ? SYSTEM_ACTIONS[syscall] : undefined;
  return `${path ?? '(the system did not name the file)'}: ${action ? `${action}: ` : ''}${problem}`;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' ');

/**
 * Runs a command inside the error boundary: any error becomes one line on stderr,
 * `isnet-bench <command>: <message>`, and an exit status; with `verbose` the error's stack
 * (and causes) follows.
 */
export async function withErrorBoundary(command: string, io: CliIO, verbose: boolean, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    const report = describeError(error);
    io.err(`isnet-bench ${command}: ${report.message}`);
    if (verbose) io.err(inspect(error, { depth: 4 }));
    return report.status;
  }
}
