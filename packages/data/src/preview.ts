import { writeFileAtomic } from './atomic-file.js';
import { pixelsPerImage, type Dataset, type DatasetSplit } from './dataset.js';
import { encodePng } from './png.js';
import { openDataset } from './store/open-dataset.js';

export interface PreviewOptions {
  /** Images per split (one row per split); default 8. */
  readonly perSplit?: number;
  /** Integer zoom; default: enough for about 96 pixels per tile. */
  readonly scale?: number;
}

const GAP = 2;
const BACKGROUND = [40, 40, 40] as const;
const MASK_OUTLINE = [0, 220, 0] as const;
const ARTIFACT_OUTLINE = [255, 40, 40] as const;

/**
 * Writes a PNG grid with one row per split (in the dataset's split order) of images spread
 * evenly through the split, the mask outline in green and recorded artifacts framed in red.
 */
export async function writePreview(dir: string, outPng: string, options: PreviewOptions = {}): Promise<{ width: number; height: number; bytes: number }> {
  const { width, height, rgb } = renderPreview(await openDataset(dir), options);
  const png = encodePng(width, height, 3, rgb);
  await writeFileAtomic(outPng, png);
  return { width, height, bytes: png.byteLength };
}

export function renderPreview(dataset: Dataset, options: PreviewOptions = {}): { width: number; height: number; rgb: Uint8Array } {
  const perSplit = options.perSplit ?? 8;
  const { height: imageHeight, width: imageWidth } = dataset.imageSize;
  const scale = options.scale ?? Math.max(1, Math.floor(96 / Math.max(imageHeight, imageWidth)));
  const tileWidth = imageWidth * scale;
  const tileHeight = imageHeight * scale;
  const splits = Object.values(dataset.splits);
  const width = perSplit * (tileWidth + GAP) + GAP;
  const height = splits.length * (tileHeight + GAP) + GAP;
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb.set(BACKGROUND, 3 * p);
  splits.forEach((split, row) => {
    for (let column = 0; column < Math.min(perSplit, split.count); column++) {
      const index = Math.floor((column * split.count) / Math.min(perSplit, split.count));
      const tile = { left: GAP + column * (tileWidth + GAP), top: GAP + row * (tileHeight + GAP) };
      drawTile(dataset, split, index, scale, (x, y, color) => rgb.set(color, 3 * ((tile.top + y) * width + tile.left + x)));
    }
  });
  return { width, height, rgb };
}

/**
 * Whether a pixel of an image scaled up `scale` times lies on its mask's outline: inside the
 * mask with a 4-neighbour outside it (one pixel wide at any scale).
 */
export function maskOutline(dataset: Pick<Dataset, 'imageSize'>, split: DatasetSplit, index: number, scale: number): (x: number, y: number) => boolean {
  const { height, width } = dataset.imageSize;
  const offset = index * pixelsPerImage(dataset);
  const inMask = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width * scale && y < height * scale && split.masks[offset + Math.floor(y / scale) * width + Math.floor(x / scale)] === 1;
  return (x, y) => inMask(x, y) && !(inMask(x - 1, y) && inMask(x + 1, y) && inMask(x, y - 1) && inMask(x, y + 1));
}

type Plot = (x: number, y: number, color: readonly number[]) => void;

function drawTile(dataset: Dataset, split: DatasetSplit, index: number, scale: number, plot: Plot): void {
  const { height, width } = dataset.imageSize;
  const offset = index * pixelsPerImage(dataset);
  const tileWidth = width * scale;
  const tileHeight = height * scale;
  const onOutline = maskOutline(dataset, split, index, scale);
  for (let y = 0; y < tileHeight; y++) {
    for (let x = 0; x < tileWidth; x++) {
      const gray = split.images[offset + Math.floor(y / scale) * width + Math.floor(x / scale)];
      plot(x, y, onOutline(x, y) ? MASK_OUTLINE : [gray, gray, gray]);
    }
  }
  if (split.artifactClass && split.artifactBox && split.artifactClass[index] >= 0) {
    const [bx, by, bw, bh] = split.artifactBox.subarray(4 * index, 4 * index + 4);
    // A one-pixel frame just outside the artifact, so the artifact itself stays visible.
    const left = bx * scale - 1;
    const top = by * scale - 1;
    const right = (bx + bw) * scale;
    const bottom = (by + bh) * scale;
    for (let y = top; y <= bottom; y++) {
      for (let x = left; x <= right; x++) {
        const onFrame = x === left || x === right || y === top || y === bottom;
        if (onFrame && x >= 0 && y >= 0 && x < tileWidth && y < tileHeight) plot(x, y, ARTIFACT_OUTLINE);
      }
    }
  }
}
