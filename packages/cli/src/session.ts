import { initEngine, type EngineReport } from '@isnet-bench/engine';
import type { CliIO } from './io.js';

/** Prepares TensorFlow.js for a command that trains, and says which backend it runs on. */
export async function startEngine(backend: string | undefined, io: CliIO): Promise<EngineReport> {
  const engine = await initEngine({ backend });
  io.err(`backend ${engine.backend}${engine.native.ok ? ` + native kernels (${engine.native.threads} threads)` : ''}`);
  return engine;
}

/** Runs long work whose signal Ctrl-C aborts (it stops after the current step, with a checkpoint). */
export async function untilInterrupted<T>(io: CliIO, howToContinue: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => {
    io.err(`stopping after this step (a checkpoint is written; ${howToContinue})`);
    controller.abort();
  };
  process.once('SIGINT', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}
