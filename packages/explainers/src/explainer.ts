import type { Tensor } from '@tensorflow/tfjs';
import type { ExplainedClass, LrpGraph } from '@isnet-bench/lrp';

/** What an explainer reads of a network: its graph (an LrpClassifier is one). */
export interface ExplainedNetwork {
  readonly graph: LrpGraph;
}

/** Which heatmaps to make, and how the network runs while making them. */
export interface ExplainRequest {
  /**
   * Which class each image's heatmap explains: a rule ('label', 'lowest', 'highest', or a
   * function of the logits) or one class per image. Default 'label' (needs `labels`). Every-class
   * explainers take a list of classes (default: all); explainers of a class-free quantity ignore it.
   */
  readonly classes?: ExplainedClass;
  readonly labels?: number[] | Tensor;
  /** Batch norm with the batch's statistics (default false: running statistics, as at inference). */
  readonly training?: boolean;
  /** In training mode, also move batch norms' running statistics towards this batch's (default false). */
  readonly updateStatistics?: boolean;
}

/** An explainer's result; the caller owns (and disposes) every tensor. */
export interface Explanation {
  /** [batch, H, W, C] (one heatmap per image) or [batch, classes, H, W, C] (every class). */
  readonly heatmap: Tensor;
  /** [batch, classes]: the logits of the forward pass the heatmap explains. */
  readonly logits: Tensor;
  /** int32 [batch]: the class each heatmap explains, when it explains one. */
  readonly classes?: Tensor;
}

/**
 * A heatmap method: (network, images, which classes, training mode or not) -> heatmaps, as
 * differentiable tensors (a training loss may run through them). One contract for what
 * methods train on and what their background attention is measured on; metrics of the
 * heatmaps live elsewhere (@isnet-bench/evaluation).
 */
export interface Explainer<Result extends Explanation = Explanation> {
  /** Says what the heatmap is, with the settings that change it, e.g. 'lrp-flex(logit, epsilon=0.01, zb=[0,1])'. */
  readonly name: string;
  /** 'image': one heatmap per image [batch, H, W, C]; 'every-class': [batch, classes, H, W, C]. */
  readonly output: 'image' | 'every-class';
  explain(network: ExplainedNetwork, images: Tensor, request?: ExplainRequest): Result;
}

