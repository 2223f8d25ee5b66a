import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { initEngine, type EngineReport } from '@isnet-bench/engine';
import { ATTENTION_EXPLAINER } from '@isnet-bench/explainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutTiming, type CellRecord } from './record.js';
import { parseSuite } from './suite.js';
import { resultPaths, runSuite, type SuiteRunResult } from './suite-run.js';
import { mergeResults } from './merge.js';

const suite = parseSuite(
  {
    name: 'resume-probe',
    datasets: { digits: { kind: 'mnist-bias', options: { bias: 'position', trainCount: 256, validationCount: 64, testCount: 96 } } },
    methods: [{ method: 'standard' }, { method: 'selective', config: { tuneEpochs: 1 } }],
    backbones: ['tiny'],
    accuracy: { train: { epochs: 2, batchSize: 32, checkpointEvery: 3 }, evaluation: { batchSize: 48 } },
    timing: { dataset: 'digits', classes: [2, 12], epochImages: 64, batchSize: 32, rounds: 2, warmupSteps: 1 },
  },
  'resume-probe.json',
);

describe('runSuite (real MNIST, tiny subset)', () => {
  let root: string;
  let engine: EngineReport;
  let dataCache: string;
  /** The uninterrupted, unsharded run every other run is compared with. */
  let whole: SuiteRunResult;
  const messages: string[] = [];

  beforeAll(async () => {
    engine = await initEngine({ backend: 'wasm' });
    root = await mkdtemp(join(tmpdir(), 'isnet-suite-'));
    dataCache = join(root, 'cache');
    whole = await runSuite(suite, { out: join(root, 'whole'), dataCache, engine, log: (m) => messages.push(m) });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const readJsonl = async (out: string) => (await readFile(resultPaths(out).jsonl, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as CellRecord);

  it('runs every cell once, writes the results files, and a second run redoes nothing; a stopped run resumes to the same records', async () => {
    const out = join(root, 'whole');
    expect(whole.completed).toBe(true);
    expect(whole.cells.map((c) => `${c.kind}:${c.label}`)).toEqual([
      'accuracy:standard', 'accuracy:selective',
      'epoch-time:standard', 'epoch-time:standard', 'epoch-time:selective', 'epoch-time:selective',
    ]);
    const records = await readJsonl(out);
    expect(records).toEqual(JSON.parse(JSON.stringify(whole.records)));
    const selective = records[1]!;
    expect(selective.prepared).toMatchObject({ input: { C1: expect.any(Number), C2: expect.any(Number) } });
    expect(selective.methodConfig).toMatchObject({ loss: { C1: (selective.prepared as { input: { C1: number } }).input.C1 } });
    expect(Object.keys(selective.evaluation!.splits)).toEqual(['test', 'unbiased', 'confounding']);
    expect(selective.training).toMatchObject({ epochs: 2, trainImages: 256, steps: 16 });
    expect(selective.environment).toMatchObject({ backend: 'wasm', cores: expect.any(Number) });
    // Each accuracy record names the heatmap its attention was measured on; timing records measure none.
    expect(records.map((r) => r.explainer)).toEqual([ATTENTION_EXPLAINER.name, ATTENTION_EXPLAINER.name, undefined, undefined, undefined, undefined]);
    const timed = records.filter((r) => r.kind === 'epoch-time');
    for (const record of timed) {
      expect(record.epochTime).toMatchObject({ images: 64, stepsPerEpoch: 2, measuredSteps: 2, extrapolated: false });
      expect(record.epochTime!.seconds.samples).toHaveLength(2);
      expect(record.epochTime!.overhead).toBeCloseTo(record.epochTime!.seconds.median / record.epochTime!.standardSeconds!, 12);
    }
    expect(timed.filter((r) => r.method === 'standard').map((r) => r.epochTime!.overhead)).toEqual([1, 1]);
    const csv = parse(await readFile(resultPaths(out).csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(2 * 3 + 4);

    const jsonlTime = (await stat(resultPaths(out).jsonl)).mtimeMs;
    const again: string[] = [];
    const second = await runSuite(suite, { out, dataCache, engine, log: (m) => again.push(m) });
    expect(again[0]).toMatch(/6 cells, 6 done, 0 to run/);
    expect(again.some((m) => /epoch \d\/\d/.test(m) || /timing round/.test(m))).toBe(false);
    expect(second.records).toEqual(whole.records);
    expect((await stat(resultPaths(out).jsonl)).mtimeMs).toBeGreaterThanOrEqual(jsonlTime);

    // Stop during the second cell's training (after its tuning), then continue.
    const stoppedOut = join(root, 'stopped');
    const controller = new AbortController();
    const log: string[] = [];
    const first = await runSuite(suite, {
      out: stoppedOut,
      dataCache,
      engine,
      signal: controller.signal,
      log: (m) => {
        log.push(m);
        if (m.startsWith('[2/6] epoch 1/2 batch')) controller.abort();
      },
    });
    expect(first.completed).toBe(false);
    expect(first.records.map((r) => r.label)).toEqual(['standard']);
    const rest: string[] = [];
    const resumed = await runSuite(suite, { out: stoppedOut, dataCache, engine, log: (m) => rest.push(m) });
    expect(resumed.completed).toBe(true);
    expect(rest.some((m) => m.includes('resuming selective'))).toBe(true);
    expect(rest.some((m) => m.includes('tuning C1/C2'))).toBe(false);
    expect(resumed.records.map(withoutTiming)).toEqual(whole.records.map(withoutTiming));
  });
  it('three shards merged equal the unsharded run cell for cell (timing aside); the epoch timing stays in one shard', async () => {
    const shards = [1, 2, 3].map((index) => join(root, `shard-${index}`));
    const runs = [];
    for (const [i, out] of shards.entries()) runs.push(await runSuite(suite, { out, dataCache, engine, shard: { index: i + 1, count: 3 } }));
    expect(runs.map((r) => r.cells.length).reduce((a, b) => a + b, 0)).toBe(whole.cells.length);
    expect(runs.filter((r) => r.cells.some((c) => c.kind === 'epoch-time')).map((r) => r.cells.filter((c) => c.kind === 'epoch-time').length)).toEqual([4]);
    const merged = await mergeResults(shards, join(root, 'merged'));
    expect(merged.missing).toEqual([]);
    expect(merged.records.map(withoutTiming)).toEqual(whole.records.map(withoutTiming));
    const csv = (out: string) => parse(readFileSync(resultPaths(out).csv, 'utf8'), { columns: true }) as Record<string, string>[];
    const timingColumns = ['epochSecondsMedian', 'epochSecondsMin', 'epochSecondsMax', 'overheadVsStandard', 'finished'];
    const stable = (rows: Record<string, string>[]) => rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !timingColumns.includes(key))));
    expect(stable(csv(join(root, 'merged')))).toEqual(stable(csv(join(root, 'whole'))));
    // A missing shard shows as missing cells, and a merged folder resumes like a run's.
    const partial = await mergeResults(shards.slice(0, 2), join(root, 'partial'));
    expect(partial.missing.length + partial.records.length).toBe(whole.cells.length);
    const resumed = await runSuite(suite, { out: join(root, 'merged'), dataCache, engine, plan: true });
    expect(resumed.completed).toBe(true);
    await expect(mergeResults([join(root, 'whole'), join(root, 'cache')], join(root, 'bad'))).rejects.toThrow(/suite\.json: missing: not a results folder/);
  });
});