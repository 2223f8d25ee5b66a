export { runCli } from './cli.js';
export { COMMANDS, type Command } from './commands/index.js';
export { processIO, UsageError, type CliIO } from './io.js';
