import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@isnet-bench/data';
import { expandCells, type Cell, type CellDataset } from './cells.js';
import { canonicalJson } from './dataset-cache.js';
import { readResults, ResultsError, withoutTiming, type CellRecord } from './record.js';
import type { Suite } from './suite.js';
import { recordFile, recordsInOrder, recordText, resultPaths, writeResults } from './suite-run.js';

export interface MergeOutcome {
  readonly cells: readonly Cell[];
  readonly records: readonly CellRecord[];
  /** Cells of the suite that no folder has a record of. */
  readonly missing: readonly Cell[];
}

async function readSuiteOf(dir: string): Promise<Suite & { shard?: unknown }> {
  const file = resultPaths(dir).suite;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Suite & { shard?: unknown };
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ResultsError(`${file}: ${missing ? "missing: not a results folder of 'isnet-bench run'" : `cannot read as JSON: ${(error as Error).message}`}`);
  }
}

/** What makes two folders' suites the same: everything but where the file was and the shard. */
const identity = ({ file: _file, shard: _shard, ...suite }: Suite & { shard?: unknown }) => canonicalJson(suite);

/**
 * Joins the results folders of one suite's runs (its shards) into `out`: the suite, each
 * cell's record and the results files, in the suite's cell order, as one unsharded run would
 * have written them. A cell recorded in two folders must agree there (wall-clock times aside).
 */
export async function mergeResults(dirs: readonly string[], out: string): Promise<MergeOutcome> {
  if (dirs.length === 0) throw new ResultsError('give at least one results folder to merge');
  const suites = await Promise.all(dirs.map(readSuiteOf));
  const { shard: _shard, ...suite } = suites[0]!;
  suites.forEach((other, i) => {
    if (identity(other) !== identity(suite)) throw new ResultsError(`${resultPaths(dirs[i]!).suite}: suite '${other.name}' differs from the one in ${dirs[0]} ('${suite.name}'): merge only the shards of one suite`);
  });
  const records = new Map<string, CellRecord>();
  for (const [i, dir] of dirs.entries()) {
    for (const record of await readResults(dir)) {
      const seen = records.get(record.id);
      if (seen && canonicalJson(withoutTiming(seen)) !== canonicalJson(withoutTiming(record))) {
        throw new ResultsError(`${resultPaths(dir).jsonl}: cell ${record.id} (${record.label}) differs from its record in ${dirs.slice(0, i).join(', ')}`);
      }
      if (!seen) records.set(record.id, record);
    }
  }
  // Dataset identities from the records; a dataset no record names gets none, so its cells show as missing.
  const datasets: Record<string, CellDataset> = Object.fromEntries(Object.keys(suite.datasets).map((name) => [name, { name, fingerprint: '' }]));
  for (const record of records.values()) datasets[record.dataset.name] = { name: record.dataset.name, fingerprint: record.dataset.fingerprint };
  const cells = expandCells(suite, datasets);
  const strays = [...records.values()].filter((r) => !cells.some((c) => c.id === r.id));
  if (strays.length) throw new ResultsError(`${dirs.join(', ')}: ${strays.length} records are not cells of suite '${suite.name}' as it stands (e.g. ${strays[0]!.id}, ${strays[0]!.label})`);

  await mkdir(join(out, 'cells'), { recursive: true });
  await writeFileAtomic(resultPaths(out).suite, `${JSON.stringify(suite, null, 2)}\n`);
  for (const cell of cells) {
    const record = records.get(cell.id);
    if (!record) continue;
    await mkdir(resultPaths(out).cell(cell.id), { recursive: true });
    await writeFileAtomic(recordFile(out, cell.id), recordText(record));
  }
  await writeResults(out, cells, records);
  return { cells, records: recordsInOrder(cells, records), missing: cells.filter((c) => !records.has(c.id)) };
}
