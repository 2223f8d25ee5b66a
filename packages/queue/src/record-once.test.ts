import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFile, recordText, RESULT_FORMAT, RESULT_VERSION, spread, type CellRecord } from '@isnet-bench/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordOnce } from './record-once.js';

const environment = { commit: 'abc', node: 'v20', tfjs: '4.22.0', backend: 'wasm', native: { ok: false, threads: null }, cpu: 'cpu', cores: 2, platform: 'linux x64' };
/** An epoch-time record as worker `n` would write it: its own wall-clock times, the same result otherwise. */
const recordBy = (n: number, images = 256): CellRecord => ({
  format: RESULT_FORMAT, version: RESULT_VERSION, id: 'c0ffee', suite: 's', kind: 'epoch-time', label: 'standard', method: 'standard', backbone: 'tiny', backboneOptions: {}, seed: 1,
  methodConfig: {}, dataset: { name: 'digits', fingerprint: 'f', classes: 2 }, environment,
  started: `2026-12-02T10:00:0${n}.000Z`, finished: `2026-12-02T10:01:0${n}.000Z`,
  epochTime: { classes: 2, images, batchSize: 32, stepsPerEpoch: 8, measuredSteps: 8, extrapolated: false, seconds: spread([1 + n, 2]), standardSeconds: 1 + n, overhead: 1 },
});

describe('createRecordOnce', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'isnet-record-once-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('of eight writers racing for one cell exactly one creates the record, whole; the others find the same result there', async () => {
    const out = join(root, 'race');
    const outcomes = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((n) => createRecordOnce(out, recordBy(n))));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'present')).toHaveLength(7);
    const winner = outcomes.indexOf('created');
    expect(await readFile(recordFile(out, 'c0ffee'), 'utf8')).toBe(recordText(recordBy(winner)));
    // No temporary file is left beside it.
    expect(await readdir(join(out, 'cells', 'c0ffee'))).toEqual(['record.json']);
  });

  it('a different result is reported and the first record kept; a record of an older format is replaced', async () => {
    const out = join(root, 'differs');
    expect(await createRecordOnce(out, recordBy(1))).toBe('created');
    expect(await createRecordOnce(out, recordBy(2, 512))).toBe('differs');
    expect(await readFile(recordFile(out, 'c0ffee'), 'utf8')).toBe(recordText(recordBy(1)));

    const old = join(root, 'old');
    await mkdir(join(old, 'cells', 'c0ffee'), { recursive: true });
    await writeFile(recordFile(old, 'c0ffee'), JSON.stringify({ ...recordBy(1), version: RESULT_VERSION - 1 }));
    expect(await createRecordOnce(old, recordBy(3))).toBe('replaced');
    expect(await readFile(recordFile(old, 'c0ffee'), 'utf8')).toBe(recordText(recordBy(3)));
    expect(await readdir(join(old, 'cells', 'c0ffee'))).toEqual(['record.json']);
  });
});
