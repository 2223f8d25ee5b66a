import * as tf from '@tensorflow/tfjs';

/** The TF.js backends this suite can run on, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The environment variable that overrides the automatic backend choice. */
export const BACKEND_ENV = 'ISNET_BACKEND';

export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** Why it is (not) available: the package that provides it, or the load error. */
  detail: string;
}

export class BackendError extends Error {
  override name = 'BackendError';
}

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

const probes = new Map<BackendName, Promise<BackendProbe>>();

/**
 * Loads the package that registers a backend. tfjs-node(-gpu) are optional dependencies
 * whose install step downloads libtensorflow, so they are often present but unloadable.
 */
export function probeBackend(name: BackendName): Promise<BackendProbe> {
  let probe = probes.get(name);
  if (!probe) {
    probe = loadBackendPackage(name);
    probes.set(name, probe);
  }
  return probe;
}

async function loadBackendPackage(name: BackendName): Promise<BackendProbe> {
  if (name === 'cpu') return { name, available: true, detail: 'built into @tensorflow/tfjs' };
  const candidates = name === 'wasm' ? ['@tensorflow/tfjs-backend-wasm'] : ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
  const failures: string[] = [];
  for (const pkg of candidates) {
    try {
      await import(pkg);
      if (tf.findBackendFactory(name)) return { name, available: true, detail: `from ${pkg}` };
      failures.push(`${pkg} loaded but registered no '${name}' backend`);
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(pkg);
      failures.push(`${pkg}: ${missing ? 'not installed' : firstLine(error)}`);
    }
  }
  return { name, available: false, detail: failures.join('; ') };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 200);
}

export interface BackendChoice {
  name: BackendName;
  /** Why this backend was chosen (forced by option, by environment, or the fastest available). */
  reason: string;
  probes: BackendProbe[];
}

/**
 * Chooses and initialises the backend: the option, else ISNET_BACKEND, else the fastest one
 * that loads and initialises. A forced backend that cannot be used is an error, never a
 * silent fallback, because benchmark figures would then describe another backend.
 */
export async function chooseBackend(requested?: string, env: NodeJS.ProcessEnv = process.env): Promise<BackendChoice> {
  const forcedBy = requested ? 'option' : env[BACKEND_ENV] ? `environment ${BACKEND_ENV}` : undefined;
  const forced = requested ?? env[BACKEND_ENV];
  if (forced !== undefined && !isBackendName(forced)) {
    throw new BackendError(`unknown backend '${forced}' (from ${forcedBy}); choose one of: ${BACKEND_NAMES.join(', ')}`);
  }
  const probesDone = await Promise.all(BACKEND_NAMES.map(probeBackend));
  const order = forced ? [forced] : BACKEND_NAMES;
  const failures: string[] = [];
  for (const name of order) {
    const probe = probesDone.find((p) => p.name === name)!;
    if (!probe.available) {
      failures.push(`${name}: ${probe.detail}`);
      continue;
    }
    const ok = await tf.setBackend(name).catch(() => false);
    if (!ok) {
      failures.push(`${name}: failed to initialise`);
      continue;
    }
    await tf.ready();
    const skipped = failures.length ? ` (not available: ${failures.join('; ')})` : '';
    const reason = forced ? `forced by ${forcedBy}` : `fastest available${skipped}`;
    return { name, reason, probes: probesDone };
  }
  const usable = probesDone.filter((p) => p.available).map((p) => p.name);
  throw new BackendError(
    `backend '${forced}' (forced by ${forcedBy}) cannot be used: ${failures.join('; ')}; available: ${usable.join(', ') || 'none'}`,
  );
}
