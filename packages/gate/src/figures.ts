import { z } from 'zod';

/**
 * The figures the gate compares. Kernel counts and bytes are counts of work, so they change
 * only when code does; the step ratio is a timing, robust to a uniformly slow machine because
 * both of its steps run in the same process, interleaved; instructions need `perf`.
 */
export const FIGURES = {
  kernels: { unit: 'kernels/step', what: 'kernels launched in one training step (tf.profile)' },
  allocated: { unit: 'bytes/step', what: 'bytes of the tensors the step allocates (sum of each kernel\'s net allocation, tf.profile)' },
  peak: { unit: 'bytes', what: 'peak tensor bytes during the step above those held before it (tf.profile)' },
  'step-ratio': { unit: 'x standard', what: "median of per-pair ratios of the method's CPU time per step to the standard classifier's, interleaved" },
  instructions: { unit: 'instructions/step', what: 'user-space instructions of the process per step (perf stat)' },
} as const;

export const FigureName = z.enum(Object.keys(FIGURES) as [keyof typeof FIGURES, ...(keyof typeof FIGURES)[]]);
export type FigureName = z.infer<typeof FigureName>;

export const VERDICTS = ['pass', 'regression', 'improved', 'unavailable', 'new'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * Relative tolerances per figure: a value above baseline x (1 + t) is a regression, below
 * baseline x (1 - t) an improvement. Kernel counts are exact by default.
 */
export const Thresholds = z.strictObject({
  kernels: z.number().min(0).default(0),
  allocated: z.number().min(0).default(0.01),
  peak: z.number().min(0).default(0.01),
  'step-ratio': z.number().min(0).default(0.2),
  instructions: z.number().min(0).default(0.05),
});
export type Thresholds = z.output<typeof Thresholds>;

/** One measured figure of one method on one backbone; value null when it could not be measured. */
export interface Figure {
  readonly method: string;
  readonly backbone: string;
  readonly figure: FigureName;
  readonly value: number | null;
  /** Step ratios: the lower and upper quartile of the per-pair ratios, and how many pairs. */
  readonly spread?: { readonly q1: number; readonly q3: number; readonly n: number };
  /** Why value is null. */
  readonly reason?: string;
}

/** A figure set against its baseline, as `gate --json` prints it. */
export interface GateRow {
  readonly method: string;
  readonly backbone: string;
  readonly figure: FigureName;
  readonly unit: string;
  readonly value: number | null;
  readonly baseline: number | null;
  readonly threshold: number;
  readonly verdict: Verdict;
}

/** The verdict of a value against its baseline with relative tolerance `tolerance`. */
export function verdict(value: number | null, baseline: number | null | undefined, tolerance: number): Verdict {
  if (value === null) return 'unavailable';
  if (baseline === null || baseline === undefined) return 'new';
  if (value > baseline * (1 + tolerance)) return 'regression';
  if (value < baseline * (1 - tolerance)) return 'improved';
  return 'pass';
}

const key = (f: Pick<Figure, 'method' | 'backbone' | 'figure'>) => `${f.backbone}\u0000${f.method}\u0000${f.figure}`;

/** Figures that are timings: they carry over to another machine only as far as its CPU behaves alike. */
export const TIMED_FIGURES: readonly FigureName[] = ['step-ratio', 'instructions'];

/**
 * Each measured figure with its baseline (matched by method, backbone and figure) and verdict.
 * With `timingsComparable` false (a baseline from another machine), timed figures are shown
 * against it but judged 'unavailable': another CPU's kernels can shift a ratio by more than any
 * useful tolerance, while counts and bytes still gate.
 */
export function compareFigures(measured: readonly Figure[], baseline: readonly Figure[], thresholds: Thresholds, timingsComparable = true): GateRow[] {
  const known = new Map(baseline.map((f) => [key(f), f.value]));
  return measured.map((f) => {
    const base = known.get(key(f));
    const judged = timingsComparable || !TIMED_FIGURES.includes(f.figure);
    return {
      method: f.method,
      backbone: f.backbone,
      figure: f.figure,
      unit: FIGURES[f.figure].unit,
      value: f.value,
      baseline: base ?? null,
      threshold: thresholds[f.figure],
      verdict: judged ? verdict(f.value, base, thresholds[f.figure]) : 'unavailable',
    };
  });
}

/**
 * Median and quartiles (linear interpolation between order statistics). Written here rather
 * than taken from a statistics package: three order statistics do not justify a dependency.
 */
export function quartiles(samples: readonly number[]): { q1: number; median: number; q3: number } {
  if (samples.length === 0) throw new RangeError('quartiles of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => {
    const position = p * (sorted.length - 1);
    const low = Math.floor(position);
    const high = Math.ceil(position);
    return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
  };
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) };
}
