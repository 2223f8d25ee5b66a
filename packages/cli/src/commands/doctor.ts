import { initEngine, runGradChecks } from '@isnet-bench/engine';
import { parseFlags } from '../flags.js';
import { table } from '../io.js';
import type { Command } from './command.js';

export const doctor: Command = {
  name: 'doctor',
  summary: 'report Node, the TF.js backends, registered kernels and second-order gradient status',
  usage: `isnet-bench doctor [--backend B] [--json]

Reports the Node.js version, every TF.js backend and why it is (not) available, the backend
chosen and why, the kernels and gradients this suite registers, and the second-order
gradient check of every op the suite uses on the chosen backend.
  --backend B   tensorflow | wasm | cpu (default: ISNET_BACKEND, else the fastest available)
  --json        machine-readable output`,
  async run(args, io) {
    const { values } = parseFlags({ args, options: { backend: { type: 'string' }, json: { type: 'boolean' } } });
    const engine = await initEngine({ backend: values.backend });
    const secondOrder = runGradChecks([2]);
    const report = { node: process.version, ...engine, secondOrder };
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    io.out(`node        ${report.node}`);
    io.out(`tfjs        ${engine.tfjsVersion}`);
    io.out(`backend     ${engine.backend} (${engine.reason})`);
    io.out(table([['backend', 'available', 'detail'], ...engine.probes.map((p) => [p.name, p.available ? 'yes' : 'no', p.detail])]));
    io.out(`native      ${engine.native.ok ? `in use: ${engine.native.threads} threads, ${engine.native.microKernel} micro-kernel` : `not used: ${engine.native.reason}`}`);
    io.out(`kernels     ${engine.kernels.join(', ')}`);
    io.out(`gradients   ${engine.gradients.join(', ')}`);
    const failed = secondOrder.results.filter((r) => !r.pass);
    io.out(`second order: ${secondOrder.results.length - failed.length}/${secondOrder.results.length} ops pass on ${engine.backend}`);
    for (const r of failed) io.out(`  FAIL ${r.op}: ${r.error ?? `relative error ${r.relError.toExponential(2)}`}`);
    return 0;
  },
};
