import type { Rng } from '../prng.js';
import { dome, ellipseRadius2, forEachPixel, smoothNoise, type Canvas, type Ellipse } from './canvas.js';

export interface Chest {
  /** 1 inside the lung fields (heart excluded): the foreground mask. */
  readonly lungMask: Uint8Array;
  readonly lungs: readonly [Ellipse, Ellipse];
}

/**
 * Paints a frontal chest radiograph over the canvas's background: a torso whose soft tissue
 * is brighter where it is thicker, spine, rib arcs, a heart shadow, and two dark (air-filled)
 * lungs with faint vascular texture.
 * Position, size and lung shape vary per image so the lungs are not at fixed pixels.
 */
export function paintChest(canvas: Canvas, rng: Rng): Chest {
  const { size, pixels } = canvas;
  const cx = 0.5 + 0.015 * rng.normal();
  const scale = rng.uniform(0.92, 1.05);
  const torso: Ellipse = { cx, cy: 0.66, rx: 0.42 * scale, ry: 0.55 * scale };
  const lungY = 0.5 + 0.015 * rng.normal();
  const lung = (side: -1 | 1): Ellipse => ({
    cx: cx + side * 0.15 * scale + 0.01 * rng.normal(),
    cy: lungY + 0.01 * rng.normal(),
    rx: 0.115 * scale * rng.uniform(0.92, 1.08),
    ry: 0.23 * scale * rng.uniform(0.92, 1.08),
  });
  const lungs: [Ellipse, Ellipse] = [lung(-1), lung(1)];
  const heart: Ellipse = { cx: cx + 0.05 * scale, cy: 0.63, rx: 0.12 * scale * rng.uniform(0.9, 1.1), ry: 0.1 * scale };
  const texture = smoothNoise(rng, size, 12);
  const lungMask = new Uint8Array(size * size);

  forEachPixel(size, (u, v, i) => {
    const inNeck = Math.abs(u - cx) < 0.07 && v < 0.2;
    const tissue = dome(torso, u, v);
    if (tissue === 0 && !inNeck) return;
    let value = 0.3 + 0.25 * Math.max(tissue, inNeck ? 0.5 : 0);
    if (Math.abs(u - cx) < 0.03) value += 0.12;
    value += 0.05 * Math.pow(0.5 + 0.5 * Math.cos(2 * Math.PI * (v * 10 + 3 * (u - cx) ** 2)), 6);
    const air = Math.max(dome(lungs[0], u, v), dome(lungs[1], u, v));
    value -= 0.3 * Math.sqrt(air);
    value += 0.06 * air * texture[i];
    value += 0.22 * dome(heart, u, v);
    pixels[i] = value;
    if (air > 0 && ellipseRadius2(heart, u, v) >= 1) lungMask[i] = 1;
  });
  return { lungMask, lungs };
}
