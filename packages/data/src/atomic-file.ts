import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes to a sibling temporary file, then renames it into place: a reader (or a crashed
 * build) sees either the old file, the complete new one, or none, never a truncated one.
 * On failure the temporary file is removed, and a system error that names no file (Node's
 * ENOSPC from a write names none) or names the temporary one gets `path` = `file`, so the
 * message can say which file could not be written.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    const system = error as NodeJS.ErrnoException;
    if (typeof system?.code === 'string' && (system.path === undefined || system.path === temporary)) system.path = file;
    throw error;
  }
}
