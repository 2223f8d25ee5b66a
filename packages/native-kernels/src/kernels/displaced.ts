import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';

/** The 'wasm' kernels the native ones displaced, to fall back on and to restore. */
export const displaced = new Map<string, KernelConfig>();

const setUp = new Set<KernelConfig>();

/**
 * Runs the displaced 'wasm' kernel, for cases a native kernel leaves to it. A wasm kernel
 * binds its C function in a setup the backend runs only for kernels registered when it
 * initialises, so run it once here (running it twice is harmless).
 */
export const displacedKernel = (name: string): KernelFunc => (args) => {
  const kernel = displaced.get(name);
  if (!kernel) throw new Error(`no displaced 'wasm' ${name} kernel to fall back on: register the native kernels first`);
  if (kernel.setupFunc && !setUp.has(kernel)) {
    kernel.setupFunc(args.backend);
    setUp.add(kernel);
  }
  return kernel.kernelFunc(args);
};
