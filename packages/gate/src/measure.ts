import * as tf from '@tensorflow/tfjs';
import type { Batch } from '@isnet-bench/data';
import { methodContext, parseMethodConfig, syntheticBatch } from '@isnet-bench/harness';
import type { BackboneName } from '@isnet-bench/models';
import { createTrainingStep, parseTrainConfig, type TrainingStep } from '@isnet-bench/training';
import type { GateSettings } from './baseline.js';
import { quartiles, type Figure } from './figures.js';
import { gateMethodDefinition } from './injected-slowdown.js';
import { countInstructions, type PerfStatus } from './perf.js';

export interface MeasureOptions {
  readonly backbones: readonly BackboneName[];
  /** Methods besides the standard classifier, which is always measured (it is the reference). */
  readonly methods: readonly string[];
  readonly settings: GateSettings;
  readonly perf: PerfStatus;
  readonly log?: (message: string) => void;
  readonly signal?: AbortSignal;
}

/** One method ready to step: the training loop's step on a fixed synthetic batch. */
interface Subject {
  readonly method: string;
  readonly context: ReturnType<typeof methodContext>;
  readonly step: TrainingStep;
  readonly batch: Batch;
  /** Steps per timed sample. */
  stepsPerSample: number;
  stepsRun: number;
}

function prepare(method: string, backbone: BackboneName, settings: GateSettings): Subject {
  const context = methodContext({ model: backbone, modelOptions: {}, seed: 1 }, { inputShape: settings.inputShape, classes: settings.classes });
  const definition = gateMethodDefinition(method);
  const instance = definition.create(parseMethodConfig(definition, {}), context);
  const config = parseTrainConfig({ checkpointDir: '-', seed: 1, batchSize: settings.batch });
  return { method, context, step: createTrainingStep(instance, config), batch: syntheticBatch(settings.batch, settings.inputShape, settings.classes), stepsPerSample: 1, stepsRun: 0 };
}

function runSteps(subject: Subject, steps: number): void {
  for (let i = 0; i < steps; i++) {
    const step = subject.stepsRun++;
    subject.step.run(subject.batch, { epoch: 0, epochs: 1, batchIndex: step, batches: step + 1, step }, 1e-3);
  }
}

function release(subject: Subject): void {
  subject.step.dispose();
  subject.batch.dispose();
  subject.context.dispose();
}

/**
 * Kernels, allocated and peak bytes of one step. Only registered kernels count: tf.profile
 * also lists custom-gradient scopes, whose outputs their inner kernels already allocated.
 */
async function profileStep(subject: Subject, backbone: string): Promise<Figure[]> {
  const before = tf.memory().numBytes;
  const profile = await tf.profile(() => runSteps(subject, 1));
  const backend = tf.getBackend();
  const kernels = profile.kernels.filter((k) => tf.getKernel(k.name, backend) !== undefined);
  const allocated = kernels.reduce((sum, k) => sum + k.bytesAdded, 0);
  const base = { method: subject.method, backbone };
  return [
    { ...base, figure: 'kernels', value: kernels.length },
    { ...base, figure: 'allocated', value: allocated },
    { ...base, figure: 'peak', value: Math.max(0, profile.peakBytes - before) },
  ];
}

async function instructionsPerStep(subject: Subject, backbone: string, perf: PerfStatus): Promise<Figure> {
  const base = { method: subject.method, backbone, figure: 'instructions' as const };
  if (!perf.ok) return { ...base, value: null, reason: perf.reason };
  const steps = subject.stepsPerSample;
  const counted = await countInstructions(() => runSteps(subject, steps));
  return 'count' in counted ? { ...base, value: Math.round(counted.count / steps) } : { ...base, value: null, reason: counted.reason };
}

/**
 * CPU time (user + system, all threads) per step over one sample. Not wall time: on a shared
 * machine a process waits for a core for as long as others run, which wall time would count
 * as the step's own; hence not tinybench either, which times wall clock only.
 */
function cpuMsPerStep(subject: Subject): number {
  const before = process.cpuUsage();
  runSteps(subject, subject.stepsPerSample);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / subject.stepsPerSample;
}

/**
 * A method's step ratio from interleaved pairs: each of `rounds` pairs times a sample of the
 * standard classifier's steps and one of the method's, back to back, alternating which goes
 * first (so neither always runs after the other's memory traffic); the figure is the median of
 * the per-pair ratios, which a burst of load moves only when it hits one half of a pair, and the
 * median discards those pairs. Each method's pairs run in a block of their own, with only the
 * standard classifier besides it alive, so the figure does not depend on which other methods
 * the gate measures.
 */
function stepRatio(standard: Subject, subject: Subject, backbone: string, options: MeasureOptions): Figure | undefined {
  const ratios: number[] = [];
  for (let round = 0; round < options.settings.rounds; round++) {
    const pair = round % 2 === 0 ? [standard, subject] : [subject, standard];
    const times = new Map(pair.map((s) => [s, cpuMsPerStep(s)] as const));
    ratios.push(times.get(subject)! / times.get(standard)!);
    if (options.signal?.aborted) return undefined;
  }
  const { q1, median, q3 } = quartiles(ratios);
  return { method: subject.method, backbone, figure: 'step-ratio', value: median, spread: { q1, q3, n: ratios.length } };
}

/** A method's step after warm-up, with its counted figures (kernels, bytes, instructions). */
async function prepareMeasured(method: string, backbone: BackboneName, options: MeasureOptions): Promise<{ subject: Subject; figures: Figure[] }> {
  const subject = prepare(method, backbone, options.settings);
  try {
    runSteps(subject, options.settings.warmupSteps);
    const stepMs = cpuMsPerStep(subject);
    subject.stepsPerSample = Math.max(1, Math.ceil(options.settings.minSampleMs / stepMs));
    const figures = [...(await profileStep(subject, backbone)), await instructionsPerStep(subject, backbone, options.perf)];
    options.log?.(`${backbone} ${method}: ~${stepMs.toFixed(1)} CPU ms per step, ${subject.stepsPerSample} step(s) per timed sample`);
    return { subject, figures };
  } catch (error) {
    release(subject);
    throw error;
  }
}

/** Every figure of every method (standard first) on every backbone; undefined when the signal stopped it. */
export async function measureFigures(options: MeasureOptions): Promise<Figure[] | undefined> {
  const figures: Figure[] = [];
  for (const backbone of options.backbones) {
    const standard = await prepareMeasured('standard', backbone, options);
    try {
      figures.push(...standard.figures);
      for (const method of options.methods.filter((m) => m !== 'standard')) {
        if (options.signal?.aborted) return undefined;
        const measured = await prepareMeasured(method, backbone, options);
        try {
          const ratio = stepRatio(standard.subject, measured.subject, backbone, options);
          if (!ratio) return undefined;
          figures.push(...measured.figures, ratio);
          options.log?.(`${backbone} ${method}: x${ratio.value!.toFixed(3)} the standard step (IQR x${ratio.spread!.q1.toFixed(3)}-x${ratio.spread!.q3.toFixed(3)}, ${ratio.spread!.n} pairs)`);
        } finally {
          release(measured.subject);
        }
      }
    } finally {
      release(standard.subject);
    }
  }
  return figures;
}
