import { z } from 'zod';

const count = z.number().int().min(0);
const lossParts = z.record(z.string(), z.number());

/** One finished epoch: training losses and timing, then the validation the caller supplied. */
export const epochSummarySchema = z.strictObject({
  /** 0-based. */
  epoch: count,
  lr: z.number(),
  batches: count,
  images: count,
  /** Mean total loss over the epoch's batches. */
  loss: z.number(),
  /** Mean of each loss part over the epoch's batches. */
  parts: lossParts,
  /** Wall-clock seconds of the training steps (batch assembly, forward, backward, update); validation and checkpoint writes excluded. */
  trainSeconds: z.number(),
  imagesPerSecond: z.number(),
  validation: z.strictObject({
    metric: z.number(),
    details: z.unknown(),
    seconds: z.number(),
    /** With checkpoint selection by loss: the method's mean validation loss and its parts (inference mode). */
    loss: z.strictObject({ total: z.number(), parts: lossParts }).optional(),
  }),
  /** Whether this epoch became the best so far (and was written as the 'best' checkpoint). */
  best: z.boolean(),
});

export type EpochSummary = z.output<typeof epochSummarySchema>;

/** What the loop accumulates within an epoch; checkpointed so a resumed epoch reports what an uninterrupted one would. */
export const epochProgressSchema = z.strictObject({
  batches: count,
  images: count,
  seconds: z.number(),
  lossSum: z.number(),
  partSums: lossParts,
  /** Exponential moving averages for step events; null before the epoch's first step. */
  average: z.strictObject({ loss: z.number(), parts: lossParts }).nullable(),
});

export type EpochProgress = z.output<typeof epochProgressSchema>;

/** The loss values of one step, read back from the backend. */
export interface StepValues {
  readonly loss: number;
  readonly parts: Readonly<Record<string, number>>;
  /** Global L2 norm of the gradients before clipping. */
  readonly gradientNorm: number;
}

// Weight of the past in the moving averages: about ten steps of memory, enough to smooth
// batch-to-batch noise without lagging behind the trend of an epoch.
const SMOOTHING = 0.9;

export function emptyProgress(): EpochProgress {
  return { batches: 0, images: 0, seconds: 0, lossSum: 0, partSums: {}, average: null };
}

export function recordStep(progress: EpochProgress, values: StepValues, images: number, seconds: number): void {
  progress.batches += 1;
  progress.images += images;
  progress.seconds += seconds;
  progress.lossSum += values.loss;
  for (const [name, value] of Object.entries(values.parts)) progress.partSums[name] = (progress.partSums[name] ?? 0) + value;
  const previous = progress.average;
  const smooth = (past: number | undefined, value: number) => (past === undefined ? value : SMOOTHING * past + (1 - SMOOTHING) * value);
  progress.average = {
    loss: smooth(previous?.loss, values.loss),
    parts: Object.fromEntries(Object.entries(values.parts).map(([name, value]) => [name, smooth(previous?.parts[name], value)])),
  };
}

/** Images per second, 0 before any time has passed (keeps summaries finite, hence JSON). */
export function throughput(images: number, seconds: number): number {
  return seconds > 0 ? images / seconds : 0;
}

/** Sent after every `logEvery`-th batch of an epoch and after its last batch; losses are moving averages. */
export interface StepEvent {
  readonly kind: 'step';
  /** 0-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** 0-based index of the batch just trained. */
  readonly batch: number;
  readonly batches: number;
  /** Steps done in the whole run. */
  readonly step: number;
  readonly lr: number;
  readonly loss: number;
  readonly parts: Readonly<Record<string, number>>;
  /** Of the batch just trained, before clipping. */
  readonly gradientNorm: number;
  /** Of this epoch so far. */
  readonly imagesPerSecond: number;
  /** Remaining training steps at this epoch's speed plus remaining validations at the last one's duration. */
  readonly etaSeconds: number;
}

export type EpochEvent = EpochSummary & { readonly kind: 'epoch'; readonly epochs: number };

export type ProgressEvent = StepEvent | EpochEvent;

/** One line for a terminal; epochs and batches shown 1-based. */
export function formatProgress(event: ProgressEvent): string {
  const losses = `loss ${formatLoss(event.loss, event.parts)}`;
  if (event.kind === 'step') {
    return [
      `epoch ${event.epoch + 1}/${event.epochs} batch ${event.batch + 1}/${event.batches}`,
      losses,
      `lr ${significant(event.lr)}`,
      `${Math.round(event.imagesPerSecond)} img/s`,
      `eta ${formatDuration(event.etaSeconds)}`,
    ].join(' | ');
  }
  return [
    `epoch ${event.epoch + 1}/${event.epochs} done`,
    losses,
    `${formatDuration(event.trainSeconds)}, ${Math.round(event.imagesPerSecond)} img/s`,
    `validation ${significant(event.validation.metric)}${event.validation.loss ? `, loss ${formatLoss(event.validation.loss.total, event.validation.loss.parts)}` : ''}${event.best ? ' (best)' : ''} in ${formatDuration(event.validation.seconds)}`,
  ].join(' | ');
}

function formatLoss(loss: number, parts: Readonly<Record<string, number>>): string {
  const named = Object.entries(parts).map(([name, value]) => `${name} ${significant(value)}`);
  return named.length > 0 ? `${significant(loss)} (${named.join(', ')})` : significant(loss);
}

function significant(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
