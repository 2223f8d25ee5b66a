import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { buildDataset, openDataset, type OpenedDataset } from '@isnet-bench/data';
import type { SuiteDataset } from './suite.js';

/** Where suites keep the datasets they build: ISNET_BENCH_DATA, else the user's cache folder. */
export function defaultDataCache(env: NodeJS.ProcessEnv = process.env): string {
  return env['ISNET_BENCH_DATA'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'isnet-bench', 'datasets');
}

/** JSON with object keys sorted, so equal values give equal text (and hashes). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function shortHash(value: unknown, length = 16): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);
}

/** The folder of a suite's dataset: its own, or the one in `cache` built from its (kind, options). */
export function suiteDatasetDir(entry: SuiteDataset, cache: string): string {
  return 'dir' in entry ? entry.dir : join(cache, `${entry.kind}-${shortHash({ kind: entry.kind, options: entry.options })}`);
}

/**
 * Opens a suite's dataset: a built folder as it is, or the one built from (kind, options),
 * built on first use into `cache/<kind>-<hash of the options>`. A build goes to a temporary
 * folder renamed into place when complete, so a killed build leaves nothing half-made.
 */
export async function openSuiteDataset(entry: SuiteDataset, cache: string, log: (message: string) => void): Promise<OpenedDataset> {
  const dir = suiteDatasetDir(entry, cache);
  if ('dir' in entry) return openDataset(dir);
  if (!existsSync(join(dir, 'dataset.json'))) {
    await mkdir(cache, { recursive: true });
    const building = `${dir}.building-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    log(`building ${entry.kind} ${canonicalJson(entry.options)} into ${dir}`);
    await buildDataset(entry.kind, entry.options, building, log);
    // Another process may have finished the same build first: keep its copy.
    if (existsSync(join(dir, 'dataset.json'))) await rm(building, { recursive: true, force: true });
    else {
      await rm(dir, { recursive: true, force: true });
      await rename(building, dir);
    }
  }
  return openDataset(dir);
}
