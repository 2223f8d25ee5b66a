import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { DataError, type DataErrorCode } from '../errors.js';
import { encodePng } from '../png.js';
import { requireMasks } from '../require-masks.js';
import { temporaryDirectory } from '../test-support/fixtures.js';
import { loadManifestDataset } from './load-manifest-dataset.js';

const SIZE = 16;
const gradient8 = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => i);
const gradient16 = Uint16Array.from(gradient8, (v) => v * 257);
const lungMask = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => (i % SIZE >= 4 && i % SIZE < 12 ? 255 : 0));

/** A manifest directory with an 8-bit PNG, a 16-bit PNG and a JPEG over two sites. */
async function manifestDirectory(rows: string[], extraFiles: Record<string, Uint8Array> = {}): Promise<string> {
  const dir = await temporaryDirectory();
  const rgba = new Uint8Array(SIZE * SIZE * 4);
  gradient8.forEach((v, i) => rgba.set([v, v, v, 255], 4 * i));
  const files: Record<string, Uint8Array> = {
    'img/a.png': encodePng(SIZE, SIZE, 1, gradient8),
    'img/b.png': encodePng(SIZE, SIZE, 1, gradient16),
    'img/c.jpg': jpeg.encode({ width: SIZE, height: SIZE, data: rgba }, 95).data,
    'mask/a.png': encodePng(SIZE, SIZE, 1, lungMask),
    ...extraFiles,
  };
  for (const [file, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), bytes);
  }
  await writeFile(join(dir, 'manifest.csv'), `${rows.join('\n')}\n`);
  return join(dir, 'manifest.csv');
}

const HEADER = 'image,mask,label,site,split';

async function expectManifestError(csv: string, code: DataErrorCode, row: number, pattern: RegExp, options = {}): Promise<void> {
  const error = await loadManifestDataset(csv, options).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  expect((error as DataError).code).toBe(code);
  expect((error as DataError).message.startsWith(`${csv}, row ${row}: `)).toBe(true);
  expect((error as DataError).message).toMatch(pattern);
}

describe('loadManifestDataset', () => {
  it('decodes 8-bit PNG, 16-bit PNG and JPEG, resizes images and masks, and holds out a site', async () => {
    const csv = await manifestDirectory([HEADER, 'img/a.png,mask/a.png,sick,h1,train', 'img/b.png,,healthy,h1,test', 'img/c.jpg,,sick,h2,']);
    const dataset = await loadManifestDataset(csv, { size: 8, oodSites: ['h2'] });
    expect(dataset.classNames).toEqual(['healthy', 'sick']);
    expect(dataset.siteNames).toEqual(['h1', 'h2']);
    expect(Object.fromEntries(Object.entries(dataset.splits).map(([name, split]) => [name, split.count]))).toEqual({ train: 1, validation: 0, test: 1, ood: 1 });
    const { train, test, ood } = dataset.splits;
    // 8-bit and 16-bit versions of one gradient give the same bytes; 2x2 area averages.
    expect(Array.from(train.images)).toEqual(Array.from(test.images));
    expect(Math.abs(train.images[9] - (34 + 35 + 50 + 51) / 4)).toBeLessThanOrEqual(0.5);
    for (let p = 0; p < 64; p++) expect(Math.abs(ood.images[p] - train.images[p])).toBeLessThan(4);
    expect(Array.from(train.masks.subarray(0, 16))).toEqual([0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    expect([train.hasMask[0], test.hasMask[0]]).toEqual([1, 0]);
    expect(ood.origins).toEqual([{ row: 4, image: 'img/c.jpg', mask: null }]);
    expect(ood.sites![0]).toBe(1);
  });

  it('requireMasks names the rows without a mask', async () => {
    const csv = await manifestDirectory([HEADER, 'img/a.png,mask/a.png,sick,h1,train', 'img/b.png,,healthy,h1,train', 'img/c.jpg,,sick,h1,test']);
    const dataset = await loadManifestDataset(csv, { size: 8 });
    expect(() => requireMasks(dataset, ['train', 'test'])).toThrow(
      `${csv}: 2 images without a mask, which this method needs: train row 3 (img/b.png), test row 4 (img/c.jpg)`,
    );
    expect(() => requireMasks(dataset, ['validation'])).not.toThrow();
  });

  it('names a missing image or mask file', async () => {
    await expectManifestError(await manifestDirectory([HEADER, 'img/a.png,,x,h1,', 'img/nope.png,,x,h1,']), 'missing-file', 3, /image 'img\/nope.png' not found/);
    await expectManifestError(await manifestDirectory([HEADER, 'img/a.png,mask/nope.png,x,h1,']), 'missing-file', 2, /mask 'mask\/nope.png' not found/);
  });

  it('names an unreadable image', async () => {
    const csv = await manifestDirectory([HEADER, 'img/bad.png,,x,h1,'], { 'img/bad.png': new TextEncoder().encode('not an image') });
    await expectManifestError(csv, 'unreadable-image', 2, /image 'img\/bad.png' is unreadable: not a PNG or JPEG file/);
  });

  it('rejects non-binary and mis-sized masks', async () => {
    const gray = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => [0, 128, 255][i % 3]);
    const notBinary = await manifestDirectory([HEADER, 'img/a.png,mask/gray.png,x,h1,'], { 'mask/gray.png': encodePng(SIZE, SIZE, 1, gray) });
    await expectManifestError(notBinary, 'mask-not-binary', 2, /mask 'mask\/gray.png' is not binary: it has gray levels 128 and 255 besides 0/);
    const small = await manifestDirectory([HEADER, 'img/a.png,mask/small.png,x,h1,'], { 'mask/small.png': encodePng(4, 4, 1, new Uint8Array(16)) });
    await expectManifestError(small, 'mask-size', 2, /mask 'mask\/small.png' is 4x4, its image 'img\/a.png' is 16x16/);
  });

  it('rejects unknown labels, duplicate rows and paths escaping the manifest directory', async () => {
    const labels = await manifestDirectory([HEADER, 'img/a.png,,normal,h1,', 'img/b.png,,pneumonia,h1,']);
    await expectManifestError(labels, 'unknown-label', 3, /image 'img\/b.png': unknown label 'pneumonia' \(known: normal, covid\)/, { classNames: ['normal', 'covid'] });
    const duplicate = await manifestDirectory([HEADER, 'img/a.png,,x,h1,', 'img/b.png,,x,h1,', './img/a.png,,y,h2,']);
    await expectManifestError(duplicate, 'duplicate-row', 4, /image '.\/img\/a.png' is already listed in row 2/);
    const escaping = await manifestDirectory([HEADER, 'img/a.png,,x,h1,', '../outside.png,,x,h1,']);
    await expectManifestError(escaping, 'path-escapes', 3, /image path '..\/outside.png' escapes the manifest's directory/);
    const absolute = await manifestDirectory([HEADER, 'img/a.png,/etc/passwd,x,h1,']);
    await expectManifestError(absolute, 'path-escapes', 2, /mask path '\/etc\/passwd' escapes/);
  });

  it('rejects malformed manifests and unknown held-out sites', async () => {
    const noSite = await manifestDirectory(['image,label', 'img/a.png,x']);
    await expect(loadManifestDataset(noSite)).rejects.toThrow(`${noSite}: missing column site (header: image,label)`);
    await expectManifestError(await manifestDirectory([HEADER, 'img/a.png,,x,h1']), 'manifest-format', 2, /has 4 fields, the header has 5/);
    await expectManifestError(await manifestDirectory([HEADER, 'img/a.png,,x,h1,ood']), 'manifest-format', 2, /split 'ood' is not one of train, validation, test/);
    const csv = await manifestDirectory([HEADER, 'img/a.png,,x,h1,']);
    await expect(loadManifestDataset(csv, { oodSites: ['h9'] })).rejects.toThrow(`${csv}: oodSites names 'h9', which no row has (sites: h1)`);
    await expect(loadManifestDataset(csv, { size: 3 })).rejects.toThrow(/invalid options: size: Too small/);
  });
});
