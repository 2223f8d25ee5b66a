// Builds the native addon with node-gyp; run by npm as this package's install script.
// It never fails the install: where no compiler or Node headers are available the addon is
// simply missing, loadNativeKernels() reports why, and callers keep the plain wasm kernels.
// The node-gyp output is kept in build/build-failure.log, since npm hides the output of
// install scripts that succeed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.env.ISNET_NATIVE === '0') {
  console.log('@isnet-bench/native-kernels: not built (ISNET_NATIVE=0)');
  process.exit(0);
}

// npm hands its bundled node-gyp to lifecycle scripts; outside npm, use one on the PATH.
const nodeGyp = process.env.npm_config_node_gyp;
const command = nodeGyp ? process.execPath : 'node-gyp';
const args = [...(nodeGyp ? [nodeGyp] : []), 'rebuild', '--jobs=max'];

// node-gyp downloads Node's headers unless told where they are. Installs of Node from a
// distribution package or the official tarball ship them under <prefix>/include/node; there is
// no network access to download them in CI.
const prefix = join(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);

const result = spawnSync(command, args, { cwd: packageDir, encoding: 'utf8' });
const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
process.stdout.write(output);
if (result.status !== 0) {
  const log = join(packageDir, 'build', 'build-failure.log');
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `$ ${command} ${args.join(' ')}\n${output}`);
  console.warn(
    `@isnet-bench/native-kernels: the native addon could not be built (see ${log}); ` +
      'the wasm backend will run without the native kernels.',
  );
}
