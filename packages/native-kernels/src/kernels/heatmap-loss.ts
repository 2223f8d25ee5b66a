import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from '../native.js';
import { heapOffsets, heapView, requireFloat32, requireRank, requireShape } from './wasm-heap.js';

/**
 * A kernel of this suite's own: the ISNet heatmap loss of heatmaps [batch, maps, H, W, C]
 * under masks [batch, H, W, 1] (float32, 1 = foreground), with GWRP weights by descending
 * rank `decay` [H * W] and the attributes A, B, E, C1, C2 and form ('L2' | 'hybrid'), as
 * isnet-core's composed heatmapLoss defines it. Outputs: the total (batch mean of
 * A background + B foreground), the background and foreground batch means (scalars), and the
 * total's gradient with respect to the heatmaps. isnet-core runs it when it is registered.
 */
export const HEATMAP_LOSS_KERNEL = 'IsnetHeatmapLoss';

export interface HeatmapLossAttrs {
  A: number;
  B: number;
  E: number;
  C1: number;
  C2: number;
  form: 'L2' | 'hybrid';
}

const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const { heatmaps, masks, decay } = inputs as Record<'heatmaps' | 'masks' | 'decay', TensorInfo>;
  requireFloat32(HEATMAP_LOSS_KERNEL, { heatmaps, masks, decay });
  requireRank(HEATMAP_LOSS_KERNEL, 'heatmaps', heatmaps.shape, 5);
  const [batch, maps, height, width, channels] = heatmaps.shape as [number, number, number, number, number];
  requireShape(HEATMAP_LOSS_KERNEL, 'masks', masks.shape, [batch, height, width, 1]);
  requireShape(HEATMAP_LOSS_KERNEL, 'decay', decay.shape, [height * width]);
  const { A, B, E, C1, C2, form } = attrs as unknown as HeatmapLossAttrs;
  if (form !== 'L2' && form !== 'hybrid') throw new Error(`${HEATMAP_LOSS_KERNEL} (native kernels): form must be 'L2' or 'hybrid', got '${String(form)}'`);
  const wasm = backend as BackendWasm;
  const [total, background, foreground] = [0, 1, 2].map(() => wasm.makeOutput([], 'float32'));
  const gradient = wasm.makeOutput(heatmaps.shape, 'float32');
  nativeAddon().heatmapLoss(heapView(wasm), {
    ...heapOffsets(wasm, { heatmaps, masks, decay, gradient, total: total!, background: background!, foreground: foreground! }),
    batch,
    maps,
    pixels: height * width,
    channels,
    A,
    B,
    E,
    C1,
    C2,
    hybrid: form === 'hybrid' ? 1 : 0,
  });
  return [total!, background!, foreground!, gradient];
};

export const heatmapLossConfig: KernelConfig = { kernelName: HEATMAP_LOSS_KERNEL, backendName: 'wasm', kernelFunc };
