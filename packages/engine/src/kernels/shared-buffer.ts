import * as tf from '@tensorflow/tfjs';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';

/** Returns x's own buffer under a new handle: tensors are immutable, so sharing is safe. */
function share(backend: KernelBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Identity that shares its input's buffer. The 'wasm' one copies it, and TF.js clones every
 * tensor a gradient saves: on an ISNet step that was ~300 full copies of activations.
 */
export function sharingIdentityConfig(backendName: string): KernelConfig {
  const stock = tf.getKernel('Identity', backendName);
  if (!stock) throw new Error(`no Identity kernel on '${backendName}' to wrap`);
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    return x.dtype === 'string' ? stock.kernelFunc(args) : share(args.backend as KernelBackend, x);
  };
  return { kernelName: 'Identity', backendName, kernelFunc };
}

/** Cast that shares the buffer when the dtype does not change (gradients cast float32 masks to float32). */
export function sharingCastConfig(backendName: string): KernelConfig {
  const stock = tf.getKernel('Cast', backendName);
  if (!stock) throw new Error(`no Cast kernel on '${backendName}' to wrap`);
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: string };
    return dtype === x.dtype && dtype !== 'string' ? share(args.backend as KernelBackend, x) : stock.kernelFunc(args);
  };
  return { kernelName: 'Cast', backendName, kernelFunc };
}
