import * as tf from '@tensorflow/tfjs';
import { loadNativeKernels, registerNativeKernels, unregisterNativeKernels, type NativeStatus } from '@isnet-bench/native-kernels';
import { chooseBackend, type BackendName, type BackendProbe } from './backend.js';
import { registerGradients } from './gradients/index.js';
import { registerTrainingKernels } from './kernels/index.js';

export interface EngineOptions {
  /** Force a backend; otherwise ISNET_BACKEND, otherwise the fastest that loads. */
  backend?: string;
  env?: NodeJS.ProcessEnv;
  /** Use the native CPU kernels on 'wasm' when they load (default true; ISNET_NATIVE=0 disables). */
  native?: boolean;
}

export interface EngineReport {
  backend: BackendName;
  reason: string;
  probes: BackendProbe[];
  /** Kernels this suite registered on the chosen backend (added, or replacing slow/wrong ones). */
  kernels: string[];
  /** Gradients this suite registered (missing second-order ones, and corrected ones). */
  gradients: string[];
  /** The native kernel set: in use (with its threads and micro-kernel), or why not. */
  native: NativeStatus;
  tfjsVersion: string;
}

// Production mode: no debug-mode checks, and no advertisement for tfjs-node on every run
// (the engine reports the backend choice itself).
tf.env().set('PROD', true);

// Gradients are global to TF.js: register them as soon as the engine is imported, so that
// no code path can differentiate twice with the stock (wrong) gradients.
const gradients = registerGradients();

/** Chooses the backend, registers the kernels it lacks for training, and reports. */
export async function initEngine(options: EngineOptions = {}): Promise<EngineReport> {
  const choice = await chooseBackend(options.backend, options.env);
  const kernels = registerTrainingKernels(choice.name);
  const native = useNativeKernels(choice.name, options.native ?? true);
  return {
    backend: choice.name,
    reason: choice.reason,
    probes: choice.probes,
    kernels: native.ok ? [...kernels, ...nativeNames.map((n) => `${n} (native)`)] : kernels,
    gradients,
    native,
    tfjsVersion: tf.version.tfjs,
  };
}

let nativeNames: string[] = [];

/**
 * The native kernels replace wasm's convolutions and matmuls (and the engine's composed
 * ones, so they must register after them). Never fatal: without them, wasm kernels remain.
 */
function useNativeKernels(backend: BackendName, wanted: boolean): NativeStatus {
  if (!wanted) {
    if (nativeNames.length) unregisterNativeKernels();
    nativeNames = [];
    return { ok: false, reason: 'disabled by option' };
  }
  if (backend !== 'wasm') return { ok: false, reason: `native kernels serve the 'wasm' backend, not '${backend}'` };
  const status = loadNativeKernels();
  if (status.ok && nativeNames.length === 0) nativeNames = registerNativeKernels();
  return status;
}
