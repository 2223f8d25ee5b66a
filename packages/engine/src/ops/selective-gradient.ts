import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';

/**
 * The gradient with respect to the logits z [B, K] of Selective ISNet's explained quantity
 * eta = log(p_c + e) - log(1 - p_c + e), p = softmax(z), c the class of each row given as a
 * one-hot float mask [B, K]: with h(p_c) = p_c / (p_c + e) + p_c / (1 - p_c + e),
 *   g_j = h(p_c) (mask_j - p_j).
 * Its derivative for an upstream G (ISNet training differentiates the heatmap once), with
 * <G, p> = sum_j G_j p_j and h'(p_c) = e / (p_c + e)^2 + (1 + e) / (1 - p_c + e)^2:
 *   d/dz_k = h'(p_c) p_c (mask_k - p_k) (G_c - <G, p>) - h(p_c) p_k (G_k - <G, p>).
 * Autodiff of eta's gradient put ~90 small ops on the tape and ~150 more in its derivative;
 * this is ~10 each way. The derivative is not differentiable again.
 */
export function selectiveGradient(logits: Tensor, mask: Tensor, epsilon: number): Tensor {
  return tf.customGrad(((z: Tensor, save: tf.GradSaveFunc) => {
    const p = tf.softmax(z);
    const pc = tf.sum(tf.mul(p, mask), -1, true);
    const h = tf.add(tf.div(pc, tf.add(pc, epsilon)), tf.div(pc, tf.sub(1 + epsilon, pc)));
    // (mask is saved too: the caller's scope may end before the backward pass runs.)
    save([p, pc, h, mask]);
    return {
      value: tf.mul(h, tf.sub(mask, p)),
      gradFunc: (g: Tensor, [sp, spc, sh, sm]: Tensor[]) => {
        const gp = tf.sum(tf.mul(g, sp!), -1, true);
        const gc = tf.sum(tf.mul(g, sm!), -1, true);
        const slope = tf.add(tf.div(epsilon, tf.square(tf.add(spc!, epsilon))), tf.div(1 + epsilon, tf.square(tf.sub(1 + epsilon, spc!))));
        const viaClass = tf.mul(tf.mul(tf.mul(slope, spc!), tf.sub(gc, gp)), tf.sub(sm!, sp!));
        return tf.sub(viaClass, tf.mul(tf.mul(sh!, sp!), tf.sub(g, gp)));
      },
    };
  }) as never)(logits) as Tensor;
}
