import type { Dataset, DatasetSplit } from '../dataset.js';
import { DataError, silentLog, type Log } from '../errors.js';
import { deriveSeed, Rng } from '../prng.js';
import { drawArtifact, growBox, makeBiasScheme, placeArtifact, type BiasScheme, type BiasType } from './artifacts.js';
import type { DigitSource, LabelledImages } from './digit-source.js';
import { fillBox, foregroundMask, type MaskKind } from './foreground-mask.js';

export interface BiasedDigitsOptions {
  readonly seed: number;
  readonly bias: BiasType;
  /** Fraction of train/validation/test images that carry their own class's artifact; the rest carry none. */
  readonly biasStrength: number;
  readonly mask: MaskKind;
  /** Foreground threshold as a fraction of full intensity. */
  readonly maskThreshold: number;
  readonly maskDilation: number;
  /** Gap in pixels kept between mask and artifact. */
  readonly maskMargin: number;
  readonly artifactSize: number;
  readonly trainCount: number;
  readonly validationCount: number;
  readonly testCount: number;
}

/**
 * The splits of a biased digit dataset. train, validation and test (iid) follow the biased
 * training distribution; unbiased and confounding reuse the test images without an artifact
 * and with the artifact of a different, uniformly chosen class.
 */
export const BIASED_DIGIT_SPLITS = ['train', 'validation', 'test', 'unbiased', 'confounding'] as const;

type ArtifactMode = 'biased' | 'none' | 'confounding';

export function buildBiasedDigits(source: DigitSource, options: BiasedDigitsOptions, log: Log = silentLog): Dataset {
  const { seed, trainCount, validationCount, testCount } = options;
  if (trainCount + validationCount > source.train.count) {
    throw new DataError('invalid-options', source.location, `trainCount + validationCount = ${trainCount + validationCount} exceeds the ${source.train.count} training images of ${source.name}`);
  }
  if (testCount > source.test.count) {
    throw new DataError('invalid-options', source.location, `testCount ${testCount} exceeds the ${source.test.count} test images of ${source.name}`);
  }
  const { height, width } = source;
  const scheme = makeBiasScheme(options.bias, options.artifactSize, options.maskMargin, source.classNames.length, height, width);
  // Validation is a random (seeded) part of the training file; the test splits share one subset of the test file.
  const trainOrder = new Rng(deriveSeed(seed, 'train-validation')).permutation(source.train.count);
  const trainIndices = sorted(trainOrder.subarray(0, trainCount));
  const validationIndices = sorted(trainOrder.subarray(trainCount, trainCount + validationCount));
  const testIndices = sorted(new Rng(deriveSeed(seed, 'test-subset')).permutation(source.test.count).subarray(0, testCount));

  const builder = new SplitBuilder(source, options, scheme, log);
  const splits: Record<(typeof BIASED_DIGIT_SPLITS)[number], DatasetSplit> = {
    train: builder.build('train', source.train, trainIndices, 'biased'),
    validation: builder.build('validation', source.train, validationIndices, 'biased'),
    test: builder.build('test', source.test, testIndices, 'biased'),
    unbiased: builder.build('unbiased', source.test, testIndices, 'none'),
    confounding: builder.build('confounding', source.test, testIndices, 'confounding'),
  };
  return {
    kind: 'biased-digits',
    source: { name: source.name, location: source.location },
    options: { ...options },
    seed,
    classNames: source.classNames,
    imageSize: { height, width, channels: 1 },
    bias: scheme,
    splits,
  };
}

class SplitBuilder {
  constructor(
    private readonly source: DigitSource,
    private readonly options: BiasedDigitsOptions,
    private readonly scheme: BiasScheme,
    private readonly log: Log,
  ) {}

  build(name: string, from: LabelledImages, indices: Uint32Array, mode: ArtifactMode): DatasetSplit {
    const { height, width } = this.source;
    const classCount = this.source.classNames.length;
    const pixels = height * width;
    const count = indices.length;
    const rng = new Rng(deriveSeed(this.options.seed, 'split', name));
    // Exactly round(strength * count) images are biased, chosen at random, so the fraction is exact.
    const isBiased = new Uint8Array(count);
    if (mode === 'biased') {
      for (const i of rng.permutation(count).subarray(0, Math.round(this.options.biasStrength * count))) isBiased[i] = 1;
    }
    const maskOptions = { kind: this.options.mask, threshold: Math.round(this.options.maskThreshold * 255), dilation: this.options.maskDilation };
    const split = {
      count,
      images: new Uint8Array(count * pixels),
      masks: new Uint8Array(count * pixels),
      hasMask: new Uint8Array(count).fill(1),
      labels: new Uint8Array(count),
      artifactClass: new Int8Array(count).fill(-1),
      artifactBox: new Uint8Array(count * 4),
    };
    let withArtifact = 0;
    for (let i = 0; i < count; i++) {
      const sourceIndex = indices[i];
      const label = from.labels[sourceIndex];
      const image = split.images.subarray(i * pixels, (i + 1) * pixels);
      const mask = split.masks.subarray(i * pixels, (i + 1) * pixels);
      image.set(from.images.subarray(sourceIndex * pixels, (sourceIndex + 1) * pixels));
      split.labels[i] = label;
      // The mask comes from the clean image, then is cleared around the artifact so that a
      // method penalising attention outside the mask always penalises the artifact.
      foregroundMask(image, height, width, maskOptions, mask);
      const artifactClass = mode === 'confounding' ? (label + 1 + rng.int(classCount - 1)) % classCount : isBiased[i] ? label : -1;
      if (artifactClass < 0) continue;
      const box = placeArtifact(this.scheme, artifactClass, rng, height, width);
      drawArtifact(image, width, box, this.scheme.classIntensity[artifactClass]);
      fillBox(mask, width, growBox(box, this.scheme.margin, height, width), 0);
      split.artifactClass[i] = artifactClass;
      split.artifactBox.set([box.x, box.y, box.width, box.height], i * 4);
      withArtifact++;
    }
    this.log(`${name}: ${count} images, ${withArtifact} with an artifact`);
    return split;
  }
}

function sorted(indices: Uint32Array): Uint32Array {
  return Uint32Array.from(indices).sort();
}
