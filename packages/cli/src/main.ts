#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIO } from './io.js';

// A reader that closed the pipe (`isnet-bench methods | head`) wants no more output: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

process.exitCode = await runCli(process.argv.slice(2), processIO);
