import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readResults, ResultsError, type CellRecord, type SuiteDataset } from '@isnet-bench/harness';

/** The verdicts of the CI speed gate (DIR/gate.json), as `isnet-bench gate` writes them. */
export interface GateFile {
  readonly format: 'isnet-bench-gate';
  readonly version: 1;
  readonly commit: string | null;
  readonly machine: string | null;
  readonly baseline: { readonly commit: string | null; readonly machine: string | null };
  readonly passed: boolean;
  readonly rows: readonly {
    readonly method: string;
    readonly backbone: string;
    readonly figure: string;
    readonly unit: string;
    readonly value: number | null;
    readonly baseline: number | null;
    readonly threshold: number | null;
    readonly verdict: 'pass' | 'regression' | 'improved' | 'unavailable' | 'new';
  }[];
}

/** What a report is made from: a results folder of `isnet-bench run`. */
export interface ResultsFolder {
  readonly dir: string;
  readonly records: readonly CellRecord[];
  /** suite.json as the run wrote it (absent in folders made by hand). */
  readonly suite?: { readonly name?: string; readonly description?: string; readonly file?: string; readonly datasets?: Record<string, SuiteDataset> };
  readonly gate?: GateFile;
}

export async function readResultsFolder(dir: string): Promise<ResultsFolder> {
  const records = await readResults(dir);
  const suite = await readJson(join(dir, 'suite.json')) as ResultsFolder['suite'];
  const gate = await readJson(join(dir, 'gate.json'));
  if (gate !== undefined && ((gate as GateFile).format !== 'isnet-bench-gate' || (gate as GateFile).version !== 1 || !Array.isArray((gate as GateFile).rows))) {
    throw new ResultsError(`${join(dir, 'gate.json')}: not an isnet-bench-gate file of version 1`);
  }
  return { dir, records, suite, gate: gate as GateFile | undefined };
}

async function readJson(file: string): Promise<unknown> {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ResultsError(`${file}: not JSON: ${(error as Error).message}`);
  }
}
