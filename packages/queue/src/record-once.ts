import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { canonicalJson, readRecords, recordFile, recordText, withoutTiming, type CellRecord } from '@isnet-bench/harness';
import type { RecordOutcome } from './jobs.js';

/**
 * Writes a cell's record unless the cell has one: written whole to a temporary file, then
 * hard-linked to record.json, which fails if record.json exists. The link is atomic (also on
 * NFS), so of two workers that ran the same cell (one presumed dead after a stall) exactly one
 * creates the record and readers never see half a file; the other learns whether its result
 * was the same (wall-clock times aside). A record of another format version is replaced.
 */
export async function createRecordOnce(out: string, record: CellRecord): Promise<RecordOutcome> {
  const file = recordFile(out, record.id);
  await mkdir(dirname(file), { recursive: true });
  // Unique across machines sharing the folder: process ids alone are not.
  const temporary = `${file}.${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, recordText(record));
  try {
    await link(temporary, file);
    return 'created';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const existing = (await readRecords(out, [record])).get(record.id);
    if (!existing) {
      await rename(temporary, file);
      return 'replaced';
    }
    return canonicalJson(withoutTiming(existing)) === canonicalJson(withoutTiming(record)) ? 'present' : 'differs';
  } finally {
    await rm(temporary, { force: true });
  }
}
