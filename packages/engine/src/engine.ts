import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendName, type BackendProbe } from './backend.js';
import { registerGradients } from './gradients/index.js';
import { registerTrainingKernels } from './kernels/index.js';

export interface EngineOptions {
  /** Force a backend; otherwise ISNET_BACKEND, otherwise the fastest that loads. */
  backend?: string;
  env?: NodeJS.ProcessEnv;
}

export interface EngineReport {
  backend: BackendName;
  reason: string;
  probes: BackendProbe[];
  /** Kernels this suite registered on the chosen backend (added, or replacing slow/wrong ones). */
  kernels: string[];
  /** Gradients this suite registered (missing second-order ones, and corrected ones). */
  gradients: string[];
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
  return {
    backend: choice.name,
    reason: choice.reason,
    probes: choice.probes,
    kernels,
    gradients,
    tfjsVersion: tf.version.tfjs,
  };
}
