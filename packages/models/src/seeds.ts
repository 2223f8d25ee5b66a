import * as tf from '@tensorflow/tfjs';

/**
 * The seed of one layer's initializer, from the model seed and the layer's name. Deriving it
 * from the name (rather than a counter) keeps a layer's weights unchanged when layers are
 * added elsewhere, and gives every layer distinct random streams: with one shared seed, two
 * kernels of one shape would start identical.
 */
export function layerSeed(seed: number, layerName: string): number {
  // FNV-1a over the name, seeded with the model seed, then the murmur3 finalizer to spread
  // nearby seeds (1, 2, ...) over the whole 32-bit range.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < layerName.length; i++) h = Math.imul(h ^ layerName.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** He-normal: keeps activation variance through the ReLU layers (He et al., 2015). */
export const reluKernel = (seed: number, layerName: string) => tf.initializers.heNormal({ seed: layerSeed(seed, layerName) });

/** Glorot-uniform for the linear logit layer (no ReLU follows it, so no factor 2 of He). */
export const logitKernel = (seed: number, layerName: string) => tf.initializers.glorotUniform({ seed: layerSeed(seed, layerName) });
