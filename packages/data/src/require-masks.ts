import { getSplit, type Dataset } from './dataset.js';
import { DataError } from './errors.js';

const LISTED = 10;

/**
 * For methods that need foreground masks (ISNet, RRR, ...): throws a DataError listing the
 * images (manifest row and file) of `splitNames` that have none. Other methods skip this.
 */
export function requireMasks(dataset: Dataset, splitNames: readonly string[]): void {
  const lacking: string[] = [];
  for (const name of splitNames) {
    const split = getSplit(dataset, name);
    split.hasMask.forEach((hasMask, i) => {
      if (hasMask) return;
      const origin = split.origins?.[i];
      lacking.push(origin ? `${name} row ${origin.row} (${origin.image})` : `${name} image ${i}`);
    });
  }
  if (lacking.length === 0) return;
  const more = lacking.length > LISTED ? `, and ${lacking.length - LISTED} more` : '';
  throw new DataError('missing-masks', dataset.source.location, `${lacking.length} image${lacking.length > 1 ? 's' : ''} without a mask, which this method needs: ${lacking.slice(0, LISTED).join(', ')}${more}`);
}
