import type { Rng } from '../prng.js';
import { forEachPixel, type Canvas } from './canvas.js';
import type { ChestSynthClass } from './findings.js';
import { drawText, textExtent } from './font.js';

/** Burned-in tags whose presence depends on the class at the training sites. */
export const TAGS = ['PORTABLE', 'ER'] as const;
type Tag = (typeof TAGS)[number];

export interface SiteStyle {
  readonly name: string;
  /** True for the unseen hospital that forms the out-of-distribution test. */
  readonly heldOut: boolean;
  /** Probability of normal, diffuse, patchy. */
  readonly prevalence: readonly [number, number, number];
  readonly bitDepth: 8 | 16;
  /** Gray level of the air around the body. */
  readonly background: number;
  /** Exposure gradient added from top (-ramp/2) to bottom (+ramp/2); small where the lungs are. */
  readonly ramp: number;
  /** Standard deviation of the pixel noise. */
  readonly noise: number;
  /** Collimation frame as a fraction of the side, and its gray value. */
  readonly border: { readonly width: number; readonly value: number } | null;
  /** Laterality marker text and corner. */
  readonly marker: { readonly text: string; readonly corner: 'top-left' | 'top-right' | 'bottom-left' };
  /** Probability of each tag given the class. */
  readonly tagProbability: (finding: ChestSynthClass, tag: Tag) => number;
}

/**
 * Training sites correlate tags with the class: 'PORTABLE' (bedside imaging of the sickest
 * patients) marks most diffuse cases and 'ER' most patchy ones, and site A sees mostly normal
 * patients while site B sees mostly sick ones, so site style also predicts the class. The
 * held-out site C has its own style and tags that say nothing about the class.
 */
const trainingTags = (finding: ChestSynthClass, tag: Tag): number =>
  (finding === 'diffuse' && tag === 'PORTABLE') || (finding === 'patchy' && tag === 'ER') ? 0.85 : 0.05;

export const CHEST_SYNTH_SITES: readonly SiteStyle[] = [
  {
    name: 'site-a', heldOut: false, prevalence: [0.6, 0.2, 0.2], bitDepth: 8,
    background: 0.04, ramp: 0.08, noise: 0.02, border: null,
    marker: { text: 'R', corner: 'top-left' }, tagProbability: trainingTags,
  },
  {
    name: 'site-b', heldOut: false, prevalence: [0.2, 0.4, 0.4], bitDepth: 8,
    background: 0.12, ramp: -0.06, noise: 0.03, border: { width: 0.05, value: 0 },
    marker: { text: 'L', corner: 'top-right' }, tagProbability: trainingTags,
  },
  {
    name: 'site-c', heldOut: true, prevalence: [1 / 3, 1 / 3, 1 / 3], bitDepth: 16,
    background: 0, ramp: 0, noise: 0.015, border: { width: 0.03, value: 0.9 },
    marker: { text: 'PA', corner: 'bottom-left' }, tagProbability: () => 1 / 3,
  },
];

/**
 * Applies the site's exposure gradient, frame, marker, tags and noise; returns the tags drawn.
 * Sites differ in the background and in burned-in marks, not in how the lungs look, so a
 * classifier that looks only inside the lungs transfers to the held-out site.
 */
export function applySiteStyle(canvas: Canvas, site: SiteStyle, finding: ChestSynthClass, rng: Rng): Tag[] {
  const { size, pixels } = canvas;
  const frame = site.border ? Math.max(1, Math.round(site.border.width * size)) : 0;
  forEachPixel(size, (_u, v, i) => {
    pixels[i] += site.ramp * (v - 0.5);
  });
  if (site.border) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (x < frame || y < frame || x >= size - frame || y >= size - frame) pixels[y * size + x] = site.border.value;
      }
    }
  }
  const scale = Math.max(1, Math.round(size / 64));
  const pad = frame + 2 * scale;
  const marker = textExtent(site.marker.text, scale);
  const markerX = site.marker.corner === 'top-right' ? size - pad - marker.width : pad;
  const markerY = site.marker.corner === 'bottom-left' ? size - pad - marker.height : pad;
  drawText(canvas, site.marker.text, markerX, markerY, scale, 0.95);

  const tags = TAGS.filter((tag) => rng.next() < site.tagProbability(finding, tag));
  for (const tag of tags) {
    const extent = textExtent(tag, scale);
    // PORTABLE along the top edge, ER in the bottom-right corner: both well clear of the lungs.
    const x = tag === 'PORTABLE' ? Math.round((size - extent.width) / 2) : size - pad - extent.width;
    const y = tag === 'PORTABLE' ? pad : size - pad - extent.height;
    drawText(canvas, tag, x, y, scale, 0.95);
  }
  for (let i = 0; i < pixels.length; i++) pixels[i] += site.noise * rng.normal();
  return tags;
}
