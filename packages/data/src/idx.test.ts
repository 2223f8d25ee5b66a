import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { encodeIdx, parseIdx, readIdxFile } from './idx.js';
import { temporaryDirectory } from './test-support/fixtures.js';

const images = { dims: [3, 2, 4], data: Uint8Array.from({ length: 24 }, (_, i) => i * 10) };

async function expectDataError(promise: Promise<unknown>, file: string, pattern: RegExp): Promise<void> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  const { message } = error as DataError;
  expect(message.startsWith(`${file}: `)).toBe(true);
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
}

describe('IDX reader', () => {
  it('round-trips raw and gzip files', async () => {
    const dir = await temporaryDirectory();
    const bytes = encodeIdx(images);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 8, 3]);
    await writeFile(join(dir, 'raw'), bytes);
    await writeFile(join(dir, 'zipped.gz'), gzipSync(bytes));
    for (const file of ['raw', 'zipped.gz']) {
      const read = await readIdxFile(join(dir, file), { rank: 3, itemShape: [2, 4] });
      expect(read.dims).toEqual([3, 2, 4]);
      expect(Array.from(read.data)).toEqual(Array.from(images.data));
    }
  });

  it('rejects a truncated file, naming the file and the sizes', async () => {
    const dir = await temporaryDirectory();
    const file = join(dir, 'train-images-idx3-ubyte');
    await writeFile(file, encodeIdx(images).subarray(0, 30));
    await expectDataError(readIdxFile(file), file, /truncated: header says 3x2x4 = 24 data bytes, file has 14/);
    await writeFile(file, encodeIdx(images).subarray(0, 10));
    await expectDataError(readIdxFile(file), file, /truncated header: rank 3 needs 16 bytes, file has 10/);
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array([...encodeIdx(images), 1, 2]);
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(/x.idx: 2 trailing bytes after the 3x2x4 data/);
  });

  it('rejects a wrong magic number and unsupported data types', async () => {
    const dir = await temporaryDirectory();
    const file = join(dir, 'labels.idx');
    const bytes = encodeIdx(images);
    bytes[0] = 0x1a;
    await writeFile(file, bytes);
    await expectDataError(readIdxFile(file), file, /wrong magic number 0x1a000803/);
    const floats = encodeIdx(images);
    floats[2] = 0x0d;
    expect(() => parseIdx(floats, 'f.idx')).toThrow(/data type 0x0d \(float32\) is not supported/);
  });

  it('rejects wrong dimensions', () => {
    const bytes = encodeIdx(images);
    expect(() => parseIdx(bytes, 'a.idx', { rank: 1 })).toThrow(/a.idx: has 3 dimensions, expected 1/);
    expect(() => parseIdx(bytes, 'a.idx', { itemShape: [28, 28] })).toThrow(/a.idx: items are 2x4, expected 28x28/);
    const empty = encodeIdx({ dims: [1], data: new Uint8Array(1) });
    empty[7] = 0;
    expect(() => parseIdx(empty, 'e.idx')).toThrow(/empty dimension/);
  });

  it('reports unreadable and corrupt gzip files', async () => {
    const dir = await temporaryDirectory();
    await expectDataError(readIdxFile(join(dir, 'missing')), join(dir, 'missing'), /cannot read/);
    const file = join(dir, 'bad.gz');
    await writeFile(file, gzipSync(encodeIdx(images)).subarray(0, 20));
    await expectDataError(readIdxFile(file), file, /corrupt gzip stream/);
  });
});
