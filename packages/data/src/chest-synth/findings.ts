import type { Rng } from '../prng.js';
import { forEachPixel, smoothNoise, type Canvas } from './canvas.js';
import type { Chest } from './anatomy.js';

export const CHEST_SYNTH_CLASSES = ['normal', 'diffuse', 'patchy'] as const;
export type ChestSynthClass = (typeof CHEST_SYNTH_CLASSES)[number];

/**
 * The class evidence, painted strictly inside the lung mask: 'diffuse' is a haze over both
 * lungs, denser towards the bases, with fine reticular texture (like oedema or interstitial
 * disease); 'patchy' is a few focal consolidations (like pneumonia); 'normal' adds nothing.
 */
export function paintFindings(canvas: Canvas, chest: Chest, finding: ChestSynthClass, rng: Rng): void {
  const { size, pixels } = canvas;
  if (finding === 'diffuse') {
    const amplitude = rng.uniform(0.2, 0.3);
    const haze = smoothNoise(rng, size, 6);
    const reticulation = smoothNoise(rng, size, 24);
    forEachPixel(size, (_u, v, i) => {
      if (!chest.lungMask[i]) return;
      pixels[i] += amplitude * (0.5 + 0.5 * haze[i]) * (0.6 + 0.8 * Math.max(0, v - 0.3)) + 0.12 * (reticulation[i] - 0.5);
    });
  } else if (finding === 'patchy') {
    const patches = 2 + rng.int(4);
    for (let p = 0; p < patches; p++) {
      const lung = chest.lungs[rng.int(2)];
      // A centre uniformly inside the chosen lung's ellipse.
      const angle = 2 * Math.PI * rng.next();
      const radius = 0.8 * Math.sqrt(rng.next());
      const cu = lung.cx + radius * lung.rx * Math.cos(angle);
      const cv = lung.cy + radius * lung.ry * Math.sin(angle);
      const spread = rng.uniform(0.035, 0.07);
      const amplitude = rng.uniform(0.22, 0.35);
      forEachPixel(size, (u, v, i) => {
        if (chest.lungMask[i]) pixels[i] += amplitude * Math.exp(-((u - cu) ** 2 + (v - cv) ** 2) / (2 * spread * spread));
      });
    }
  }
}
