import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { BatchIterator, buildDataset, openDataset } from '@isnet-bench/data';
import { initEngine } from '@isnet-bench/engine';

// A 64-image batch with masks from real MNIST (position bias), on the backend training uses.
// Compare with a training step (tens to hundreds of ms): the iterator must be negligible.
const dir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'isnet-iterator-')));
const built = process.argv[2] === undefined;
if (built) await buildDataset('mnist-bias', { bias: 'position' }, dir);
const engine = await initEngine();
const dataset = await openDataset(dir);
const iterator = new BatchIterator(dataset, 'train', { batchSize: 64, seed: 1 });
let index = 0;
const bench = new Bench({ iterations: 500, warmupIterations: 20, time: 0 });
bench.add('64-image batch with masks', () => {
  const batch = iterator.batch(0, index++ % iterator.batchesPerEpoch);
  batch.images.dataSync();
  batch.dispose();
});
await bench.run();
const latency = (bench.tasks[0]!.result as { latency?: { p50?: number; p99?: number } }).latency;
console.log(`backend ${engine.backend}: median ${latency?.p50?.toFixed(3)} ms, p99 ${latency?.p99?.toFixed(3)} ms per 64-image batch`);
if (built) await rm(dir, { recursive: true, force: true });
