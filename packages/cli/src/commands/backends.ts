import { BACKEND_NAMES, probeBackend } from '@isnet-bench/engine';

/** The backends that load here, fastest first: the default set for checking commands. */
export async function availableBackends(): Promise<string[]> {
  const probes = await Promise.all(BACKEND_NAMES.map(probeBackend));
  return probes.filter((p) => p.available).map((p) => p.name);
}
