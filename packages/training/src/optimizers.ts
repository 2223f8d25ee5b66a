import * as tf from '@tensorflow/tfjs';
import type { Tensor, Variable } from '@tensorflow/tfjs';
import { weightedSum } from '@isnet-bench/engine';
import type { OptimizerConfig } from './config.js';

/**
 * An optimiser over named variables, with its whole state in named variables so that a
 * checkpoint can store and restore it exactly (tf.train optimisers keep opaque state).
 * The update rules are PyTorch's (torch.optim.SGD / Adam), as in the authors' reference code.
 */
export interface Optimizer {
  readonly kind: OptimizerConfig['kind'];
  /** State by stable name: 'velocity/<variable>' (SGD); 'm/<variable>', 'v/<variable>', 'step' (Adam). */
  readonly stateVariables: Readonly<Record<string, Variable>>;
  /** One update with learning rate `lr`; `gradients` by variable name. A variable without a gradient is left alone, as in PyTorch. */
  apply(gradients: Readonly<Record<string, Tensor>>, lr: number): void;
  dispose(): void;
}

/** An optimiser for `variables` (stable name -> variable); its state starts at zero. */
export function createOptimizer(config: OptimizerConfig, variables: Readonly<Record<string, Variable>>): Optimizer {
  return config.kind === 'sgd' ? sgd(config, variables) : adam(config, variables);
}

type SgdConfig = Extract<OptimizerConfig, { kind: 'sgd' }>;
type AdamConfig = Extract<OptimizerConfig, { kind: 'adam' }>;

/** A non-trainable variable; tidy disposes the initial tensor (a variable keeps its own reference to the data). */
function stateVariable(initial: () => Tensor): Variable {
  return tf.tidy(() => tf.variable(initial(), false));
}

/** Zero-initialised state of the same shape as each variable. */
function zerosLike(prefix: string, variables: Readonly<Record<string, Variable>>): Record<string, Variable> {
  return Object.fromEntries(Object.entries(variables).map(([name, variable]) => [`${prefix}/${name}`, stateVariable(() => tf.zerosLike(variable))]));
}

/** g + weightDecay * w: PyTorch's L2 penalty, applied to the (already clipped) gradient. */
function withWeightDecay(gradient: Tensor, variable: Variable, weightDecay: number): Tensor {
  return weightDecay > 0 ? weightedSum(gradient, 1, variable, weightDecay) : gradient;
}

/**
 * v <- momentum v + g;  w <- w - lr (nesterov ? g + momentum v : v). The velocity holds
 * gradients, not steps, so a schedule's new rate applies at once (PyTorch, unlike TF's
 * MomentumOptimizer). Zero-initialised v gives PyTorch's first step v = g.
 */
function sgd(config: SgdConfig, variables: Readonly<Record<string, Variable>>): Optimizer {
  const { momentum, nesterov, weightDecay } = config;
  const stateVariables = momentum > 0 ? zerosLike('velocity', variables) : {};
  return {
    kind: 'sgd',
    stateVariables,
    apply(gradients, lr) {
      tf.tidy(() => {
        for (const [name, rawGradient] of Object.entries(gradients)) {
          const variable = variables[name];
          const gradient = withWeightDecay(rawGradient, variable, weightDecay);
          let direction = gradient;
          if (momentum > 0) {
            const velocity = stateVariables[`velocity/${name}`];
            velocity.assign(weightedSum(velocity, momentum, gradient, 1));
            direction = nesterov ? weightedSum(gradient, 1, velocity, momentum) : velocity;
          }
          variable.assign(weightedSum(variable, 1, direction, -lr));
        }
      });
    },
    dispose: () => tf.dispose(Object.values(stateVariables)),
  };
}

/**
 * m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
 * w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), with t the step count
 * (a variable too, so bias correction survives a resume).
 */
function adam(config: AdamConfig, variables: Readonly<Record<string, Variable>>): Optimizer {
  const { beta1, beta2, epsilon, weightDecay } = config;
  const step = stateVariable(() => tf.scalar(0, 'int32'));
  const stateVariables: Record<string, Variable> = { step, ...zerosLike('m', variables), ...zerosLike('v', variables) };
  return {
    kind: 'adam',
    stateVariables,
    apply(gradients, lr) {
      tf.tidy(() => {
        step.assign(step.add(tf.scalar(1, 'int32')));
        const t = step.toFloat();
        const stepSize = tf.div(lr, tf.sub(1, tf.pow(beta1, t)));
        const correction2Sqrt = tf.sqrt(tf.sub(1, tf.pow(beta2, t)));
        for (const [name, rawGradient] of Object.entries(gradients)) {
          const variable = variables[name];
          const gradient = withWeightDecay(rawGradient, variable, weightDecay);
          const m = stateVariables[`m/${name}`];
          const v = stateVariables[`v/${name}`];
          m.assign(weightedSum(m, beta1, gradient, 1 - beta1));
          v.assign(weightedSum(v, beta2, gradient.square(), 1 - beta2));
          const denominator = v.sqrt().div(correction2Sqrt).add(epsilon);
          variable.assign(variable.sub(m.div(denominator).mul(stepSize)));
        }
      });
    },
    dispose: () => tf.dispose(Object.values(stateVariables)),
  };
}
