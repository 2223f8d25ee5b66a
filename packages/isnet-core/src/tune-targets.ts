import * as tf from '@tensorflow/tfjs';
import type { Tensor5D } from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Method, MethodContext, PreparationContext, Preparation } from '@isnet-bench/training';
import { HeatmapSumStats } from './tuning.js';

/** The config key of the ISNets' C1/C2 tuning. */
export const TuneEpochs = z
  .number()
  .int()
  .min(0)
  .default(0)
  .describe('C1/C2 tuning (docs/heatmap-loss.md): epochs of the standard classifier before its heatmaps are measured; 0 = train with loss.C1 and loss.C2 as given');

/** What tuning reads and rewrites in an ISNet's config. */
export interface TunableConfig {
  readonly tuneEpochs: number;
  readonly loss: { readonly C1: number; readonly C2: number };
  readonly deepSupervision?: { readonly layers: string[]; readonly targets?: { C1: number; C2: number }[] };
}

/**
 * The ISNets' preparation: train the plain classifier for `tuneEpochs` epochs, record over one
 * epoch of the run's training images the total |H| of each heatmap the method will optimise
 * (the method built on the plain weights), and set C1 = max(mu/5, mu - 3 sigma),
 * C2 = min(25 C1, mu + 3 sigma) for the input heatmap and each supervised layer.
 */
export async function tuneTargets<Config extends TunableConfig>(
  config: Config,
  context: PreparationContext,
  create: (config: Config, context: MethodContext) => Method,
): Promise<Preparation<Config> | undefined> {
  if (config.tuneEpochs === 0) return undefined;
  const { log } = context;
  const probe = create(config, context);
  if (!probe.tuningHeatmaps) throw new Error(`method '${probe.name}' has no tuning heatmaps: give loss.C1 and loss.C2 instead of tuneEpochs`);
  log(`tuning C1/C2: ${config.tuneEpochs} epochs of the standard classifier`);
  const plain = await context.trainPlainClassifier(config.tuneEpochs, 'tune');
  if (!plain) return undefined;
  for (const [name, variable] of Object.entries(plain)) probe.stateVariables[name]!.assign(variable);
  const stats: HeatmapSumStats[] = [];
  let batchIndex = 0;
  for (const batch of context.trainingBatches()) {
    try {
      const maps = tf.tidy(() => probe.tuningHeatmaps!(batch, { epoch: 0, batchIndex }));
      for (const [i, map] of maps.entries()) await (stats[i] ??= new HeatmapSumStats()).add(map as Tensor5D);
      tf.dispose(maps);
    } finally {
      batch.dispose();
    }
    if (++batchIndex % 20 === 0) log(`[tune] heatmap statistics: batch ${batchIndex}`);
  }
  const [input, ...hidden] = stats.map((s) => s.tuned());
  log(`tuned C1 ${input!.C1.toPrecision(4)}, C2 ${input!.C2.toPrecision(4)} (mu ${input!.mu.toPrecision(4)}, sigma ${input!.sigma.toPrecision(4)})`);
  const tuned: Config = {
    ...config,
    loss: { ...config.loss, C1: input!.C1, C2: input!.C2 },
    ...(config.deepSupervision && hidden.length ? { deepSupervision: { ...config.deepSupervision, targets: hidden.map(({ C1, C2 }) => ({ C1, C2 })) } } : {}),
  };
  return { config: tuned, report: { input: input!, ...(hidden.length ? { hidden } : {}) } };
}
