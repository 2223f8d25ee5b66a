import { startWorker } from '@isnet-bench/queue';
import { countFlag, parseFlags } from '../flags.js';
import { UsageError } from '../io.js';
import type { Command } from './command.js';

export const worker: Command = {
  name: 'worker',
  summary: 'take cells of suites run with --queue from Redis and run them, until stopped',
  usage: `isnet-bench worker --queue redis://HOST:PORT/DB --out DIR [--concurrency N] [--data-cache DIR] [--backend B] [--stall-seconds S]

Takes the cells that 'isnet-bench run SUITE --out DIR --queue URL' enqueued and runs each in
its own process, writing checkpoints and the cell's record into DIR/cells/<id>/. DIR is the
run's results folder as this machine mounts it (shared by all workers and the run command).
Start one worker per machine (or --concurrency N per machine with N cells at a time); it runs
until Ctrl-C or SIGTERM, which stop its cells after their current step with a checkpoint and
hand them back to the queue.

A worker that dies (kill -9, a crash, a machine lost) loses nothing: after --stall-seconds its
cells go to another worker, which resumes them from their last checkpoint in DIR; a cell's
record is created once whoever finishes it. Redis may restart or be unreachable for a while:
workers reconnect with backoff and carry on (run Redis with appendonly yes so that a restart
keeps the queue).

  --queue URL          the Redis database the run enqueued on (redis://HOST:PORT/DB)
  --out DIR            the shared results folder of the run
  --concurrency N      cells at a time (default 1; each trains on all the cores the engine uses)
  --data-cache DIR     where this machine keeps built datasets (default as for isnet-bench run)
  --backend B          tensorflow | wasm | cpu
  --stall-seconds S    a worker silent this long is presumed dead and its cells move on (default 30)`,
  async run(args, io) {
    const { values } = parseFlags({
      args,
      options: { queue: { type: 'string' }, out: { type: 'string' }, concurrency: { type: 'string' }, 'data-cache': { type: 'string' }, backend: { type: 'string' }, 'stall-seconds': { type: 'string' } },
    });
    if (!values.queue) throw new UsageError('give --queue redis://HOST:PORT/DB, where the run enqueued its cells');
    if (!values.out) throw new UsageError("give --out DIR, the run's shared results folder");
    const running = await startWorker({
      queue: values.queue,
      out: values.out,
      concurrency: countFlag('concurrency', values.concurrency),
      dataCache: values['data-cache'],
      backend: values.backend,
      stallSeconds: countFlag('stall-seconds', values['stall-seconds']),
      log: (m) => io.err(m),
    });
    const stop = () => void running.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      await running.stopped;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return 0;
  },
};
