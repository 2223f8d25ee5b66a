import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs';

// Resize gradients are linear in dy; the adjoint of "adjoint of resize" is the resize itself,
// from the original image size to dy's size. The original images only give a shape.

interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

function resizeGradGrad(kernelName: string, resize: (x: Tensor4D, size: [number, number], a: ResizeAttrs) => Tensor): GradConfig {
  return {
    kernelName,
    inputsToSave: ['images', 'dy'],
    gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [images, dy] = saved as [Tensor4D, Tensor4D];
      const size: [number, number] = [dy.shape[1], dy.shape[2]];
      return {
        dy: () => resize(ddx as Tensor4D, size, attrs as unknown as ResizeAttrs),
        images: () => tf.zerosLike(images),
      };
    },
  };
}

export const resizeBilinearGradGradConfig = resizeGradGrad('ResizeBilinearGrad', (x, size, a) =>
  tf.image.resizeBilinear(x, size, a.alignCorners, a.halfPixelCenters),
);

export const resizeNearestNeighborGradGradConfig = resizeGradGrad('ResizeNearestNeighborGrad', (x, size, a) =>
  tf.image.resizeNearestNeighbor(x, size, a.alignCorners, a.halfPixelCenters),
);
