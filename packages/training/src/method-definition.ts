import type { LayersModel, Variable } from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { Batch, Dataset } from '@isnet-bench/data';
import type { TrainResult, Validate } from './loop.js';
import type { Method } from './method.js';

/** What a method is built from: the data's shape, the run's seed and a factory for its backbone. */
export interface MethodContext {
  /** [height, width, channels] of one image. */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly seed: number;
  /** The backbone's layers LRP deep supervision may read, shallow to deep. */
  readonly supervisedLayers: readonly string[];
  /**
   * A new backbone with the run's seeded weights (the same on every call); a method owning
   * several models calls it once per model.
   */
  backbone(): LayersModel;
  /** Releases a model the method builds itself (e.g. a U-Net) with the backbones, when the run ends; returns it. */
  own?(model: LayersModel): LayersModel;
}

/** What a method's preparation may use besides its context; every stage it trains resumes in `dir`. */
export interface PreparationContext extends MethodContext {
  readonly dataset: Dataset;
  /** A folder of its own for checkpoints; a killed preparation continues from what it left there. */
  readonly dir: string;
  readonly log: (message: string) => void;
  readonly signal?: AbortSignal;
  /**
   * Trains the run's backbone as a standard (cross-entropy) classifier for `epochs` epochs
   * with the run's training options, in `dir/name`, resuming there; returns its state
   * variables by stable name, or undefined when the signal stopped it.
   */
  trainPlainClassifier(epochs: number, name: string): Promise<Record<string, Variable> | undefined>;
  /**
   * Trains any method (e.g. a first-stage segmenter) for `epochs` epochs with the run's
   * training options, in `dir/name`, resuming there, validated by `validate` (default: the
   * run's validation accuracy); completed is false when the signal stopped it.
   */
  trainMethod(method: Method, options: { epochs: number; name: string; validate?: Validate }): Promise<TrainResult>;
  /** One epoch of the run's training batches (its subset and batch cap); the caller disposes each. */
  trainingBatches(): Iterable<Batch>;
}

/** A preparation's outcome: the config to train with and what it found (stored with the results). */
export interface Preparation<Config> {
  readonly config: Config;
  readonly report: Record<string, unknown>;
}

/**
 * A method as the harness lists it: its name, what it is, where it comes from, its config
 * schema (with defaults) and how to build it. The harness, the CLI and the training loop read
 * nothing else about a method, so a new method is one definition.
 */
export interface MethodDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Registry name, e.g. 'selective'; also the `name` of the Method it creates. */
  readonly name: string;
  /** One line. */
  readonly description: string;
  /** The paper that introduced it (authors, year, title, venue). */
  readonly paper: string;
  /** Whether training reads the foreground masks. */
  readonly needsMasks: boolean;
  /**
   * The explainer (by its name) of the heatmaps the method's background attention is measured
   * on: what its Method's `explain` computes. The suite's methods all name the LRP-Flex heatmap
   * of the classifier that makes the test-time decision, so attention compares across methods.
   */
  readonly attentionExplainer: string;
  /** The method's own config; parsing fills in the defaults. */
  readonly config: Schema;
  create(config: z.output<Schema>, context: MethodContext): Method;
  /**
   * Work that must precede training and decides part of the config, e.g. the ISNets' C1/C2
   * tuning or a first training stage. Returns undefined when there is nothing to do (or the
   * signal stopped it: `context.signal.aborted` tells which).
   */
  prepare?(config: z.output<Schema>, context: PreparationContext): Promise<Preparation<z.output<Schema>> | undefined>;
}

/** Keeps a definition's config type while listing it among definitions of other methods. */
export function defineMethod<Schema extends z.ZodType>(definition: MethodDefinition<Schema>): MethodDefinition {
  return definition as unknown as MethodDefinition;
}
