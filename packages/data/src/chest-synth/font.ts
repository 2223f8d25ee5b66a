import type { Canvas } from './canvas.js';

/** 3x5 bitmap glyphs for the letters of the burned-in markers (rows top to bottom). */
const GLYPHS: Record<string, readonly string[]> = {
  A: ['010', '101', '111', '101', '101'],
  B: ['110', '101', '110', '101', '110'],
  E: ['111', '100', '110', '100', '111'],
  L: ['100', '100', '100', '100', '111'],
  O: ['111', '101', '101', '101', '111'],
  P: ['111', '101', '111', '100', '100'],
  R: ['110', '101', '110', '101', '101'],
  T: ['111', '010', '010', '010', '010'],
};

/** Size in pixels of `text` drawn at `scale` (3 pixels per glyph plus 1 of spacing, 5 high). */
export function textExtent(text: string, scale: number): { width: number; height: number } {
  return { width: (4 * text.length - 1) * scale, height: 5 * scale };
}

/** Burns `text` into the canvas with its top-left corner at pixel (x, y). */
export function drawText(canvas: Canvas, text: string, x: number, y: number, scale: number, value: number): void {
  [...text].forEach((char, i) => {
    const glyph = GLYPHS[char];
    if (!glyph) throw new RangeError(`no glyph for '${char}'`);
    glyph.forEach((row, gy) => {
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = x + (4 * i + gx) * scale + dx;
            const py = y + gy * scale + dy;
            if (px >= 0 && py >= 0 && px < canvas.size && py < canvas.size) canvas.pixels[py * canvas.size + px] = value;
          }
        }
      });
    });
  });
}
