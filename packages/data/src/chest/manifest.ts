import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { DataError, type DataErrorCode } from '../errors.js';
import { parseCsv } from './csv.js';

/** Splits a manifest row may ask for; 'ood' is chosen by site instead (`oodSites`). */
export const MANIFEST_SPLITS = ['train', 'validation', 'test'] as const;
export type ManifestSplit = (typeof MANIFEST_SPLITS)[number];

/** Columns every manifest has; 'mask' and 'split' are optional and other columns are ignored. */
const REQUIRED_COLUMNS = ['image', 'label', 'site'] as const;

export interface ManifestRow {
  /** Line number in the CSV (the header is line 1). */
  readonly row: number;
  /** Paths as written, relative to the manifest's directory. */
  readonly image: string;
  readonly mask: string | null;
  /** The same, resolved. */
  readonly imagePath: string;
  readonly maskPath: string | null;
  readonly label: string;
  readonly site: string;
  readonly split: ManifestSplit | null;
}

/**
 * Parses and checks a manifest CSV: header with columns image, label, site and optionally
 * mask and split (other columns are ignored); every path must stay inside the manifest's
 * directory; an image may be listed once; labels must be in `classNames` when given.
 * File contents are checked later, when the images are loaded.
 */
export function parseManifest(text: string, csvPath: string, classNames?: readonly string[]): ManifestRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new DataError('manifest-format', csvPath, 'empty manifest: expected a header line with columns image,label,site[,mask][,split]');
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new DataError('manifest-format', csvPath, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${header.fields.join(',')})`);
  }
  const column = (name: string) => columns.indexOf(name);
  const baseDir = dirname(resolve(csvPath));
  const rowOfImage = new Map<string, number>();
  return records.map(({ line, fields }) => {
    const fail = (code: DataErrorCode, problem: string): never => {
      throw new DataError(code, csvPath, problem, line);
    };
    if (fields.length !== columns.length) fail('manifest-format', `has ${fields.length} fields, the header has ${columns.length}`);
    const field = (name: string) => (column(name) >= 0 ? fields[column(name)].trim() : '');
    for (const name of REQUIRED_COLUMNS) if (field(name) === '') fail('manifest-format', `empty ${name}`);
    const image = field('image');
    const mask = field('mask') || null;
    const insideBase = (path: string, what: string) => {
      const resolved = resolve(baseDir, path);
      const fromBase = relative(baseDir, resolved);
      if (fromBase === '..' || fromBase.startsWith(`..${sep}`) || isAbsolute(fromBase)) fail('path-escapes', `${what} path '${path}' escapes the manifest's directory ${baseDir}`);
      return resolved;
    };
    const imagePath = insideBase(image, 'image');
    const maskPath = mask === null ? null : insideBase(mask, 'mask');
    const firstRow = rowOfImage.get(imagePath);
    if (firstRow !== undefined) fail('duplicate-row', `image '${image}' is already listed in row ${firstRow}`);
    rowOfImage.set(imagePath, line);
    const label = field('label');
    if (classNames && !classNames.includes(label)) fail('unknown-label', `image '${image}': unknown label '${label}' (known: ${classNames.join(', ')})`);
    const split = field('split') || null;
    if (split !== null && !(MANIFEST_SPLITS as readonly string[]).includes(split)) {
      fail('manifest-format', `image '${image}': split '${split}' is not one of ${MANIFEST_SPLITS.join(', ')} (leave it empty to assign at random; hold out sites with oodSites)`);
    }
    return { row: line, image, mask, imagePath, maskPath, label, site: field('site'), split: split as ManifestSplit | null };
  });
}
