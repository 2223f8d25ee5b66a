import type { Tensor } from '@tensorflow/tfjs';
import { EVALUATION_LRP, explain, explainEveryClass } from '@isnet-bench/lrp';
import type { Explainer, Explanation } from './explainer.js';

/** LRP-Flex's rules: LRP-epsilon at ReLU-fed linear layers, z^B at the first (packages/lrp). */
export interface LrpRules {
  /** Default 0.01. */
  readonly epsilon?: number;
  /** The z^B rule at the first layer (default true) with input bounds (default [0, 1]). */
  readonly zb?: boolean;
  readonly bounds?: readonly [number, number];
}

export interface LrpFlexSettings extends LrpRules {
  /** 'logit': the explained class's logit (default); 'selective': Selective ISNet's eta_c. */
  readonly quantity?: 'logit' | 'selective';
  /** e_s of the selective quantity (default 0.01). */
  readonly selectiveEpsilon?: number;
  /** ReLU-ending layers whose relevance is also returned (LRP deep supervision). */
  readonly hiddenLayers?: readonly string[];
}

export interface LrpFlexExplanation extends Explanation {
  readonly classes: Tensor;
  /** Relevance at each of the settings' hiddenLayers, in order. */
  readonly hidden: Tensor[];
}

/** The rules as a name's settings, defaults filled in: 'epsilon=0.01, zb=[0,1]'. */
function rulesName(rules: LrpRules): string {
  const zb = (rules.zb ?? true) ? `zb=[${(rules.bounds ?? [0, 1]).join(',')}]` : 'no zb';
  return `epsilon=${rules.epsilon ?? 0.01}, ${zb}`;
}

/**
 * LRP-Flex, one heatmap per image of the explained class's quantity (the Faster ISNets'
 * heatmaps), in one modified backward pass over the batch: lrp's `explain`.
 */
export function lrpFlex(settings: LrpFlexSettings = {}): Explainer<LrpFlexExplanation> {
  const quantity = settings.quantity ?? 'logit';
  const selective = quantity === 'selective' ? `, e_s=${settings.selectiveEpsilon ?? 0.01}` : '';
  const hidden = settings.hiddenLayers?.length ? `, hidden=${settings.hiddenLayers.join('+')}` : '';
  return {
    name: `lrp-flex(${quantity}${selective}, ${rulesName(settings)}${hidden})`,
    output: 'image',
    explain(network, images, request = {}) {
      return explain(network.graph, images, {
        ...settings,
        bounds: settings.bounds && [settings.bounds[0], settings.bounds[1]],
        hiddenLayers: settings.hiddenLayers && [...settings.hiddenLayers],
        classes: request.classes,
        labels: request.labels,
        training: request.training,
        updateStatistics: request.updateStatistics,
      });
    },
  };
}

export interface EveryClassSettings extends LrpRules {
  /** At most this many classes stacked in one modified backward pass (default: all). */
  readonly classesPerPass?: number;
}

/**
 * LRP-Flex, one heatmap per class per image [batch, classes, H, W, C] (the original ISNet's
 * heatmaps): lrp's `explainEveryClass`. The request's classes, when given, are the list of
 * classes explained (the same for every image).
 */
export function lrpFlexEveryClass(settings: EveryClassSettings = {}): Explainer {
  return {
    name: `lrp-flex-every-class(logit, ${rulesName(settings)})`,
    output: 'every-class',
    explain(network, images, request = {}) {
      const { classes } = request;
      if (classes !== undefined && !Array.isArray(classes)) throw new Error('the every-class LRP-Flex explainer takes a list of classes (number[]), not a per-image choice');
      const { logits, heatmaps } = explainEveryClass(network.graph, images, {
        ...settings,
        bounds: settings.bounds && [settings.bounds[0], settings.bounds[1]],
        classList: classes,
        training: request.training,
        updateStatistics: request.updateStatistics,
      });
      return { heatmap: heatmaps, logits };
    },
  };
}

/**
 * The heatmap every method's background attention is measured on (docs/protocol.md): the
 * LRP-Flex heatmap of the logit of the predicted class, of the classifier that makes the
 * test-time decision, with the evaluation rules (LRP-epsilon 0.01, z^B on [0, 1]); so
 * attention is comparable across methods whatever heatmap each trains on.
 */
export const ATTENTION_EXPLAINER = lrpFlex(EVALUATION_LRP);
