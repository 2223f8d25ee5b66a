import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes to a sibling temporary file, then renames it into place: a reader (or a crashed
 * build) sees either the old file, the complete new one, or none, never a truncated one.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}
