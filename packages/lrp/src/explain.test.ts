import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { checkGradient, initEngine, lrpScaled, seededRandom, uniform, type GradCheckCase } from '@isnet-bench/engine';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, explainEveryClass } from './explain.js';
import { graphFromLayersModel, UnsupportedLayerError, type LrpGraph } from './from-layers-model.js';
import { predictLogits, runGraph } from './forward.js';
import { applyLinear, type LrpNode } from './nodes.js';

const values = (t: Tensor) => Array.from(t.dataSync());

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe.each(['cpu', 'wasm'])('LRP-Flex on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it('gives x * w for a linear model (eps 0, no z^B)', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 3, useBias: false })] });
    const x = tf.tensor4d([1, 2, 3, 4, 0.5, -1, 2, 0], [2, 2, 2, 1]);
    const { heatmap } = explain(graphFromLayersModel(model), x, { epsilon: 0, zb: false, classes: [2, 0] });
    const w = model.layers[1]!.getWeights()[0]!.arraySync() as number[][];
    const expected = [1, 2, 3, 4].map((v, i) => v * w[i]![2]!).concat([0.5, -1, 2, 0].map((v, i) => v * w[i]![0]!));
    values(heatmap).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
  });

  it('conserves the explained logit in a bias-free ReLU net as eps -> 0', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: 'relu', useBias: false }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 5, activation: 'relu', useBias: false }),
        tf.layers.dense({ units: 3, useBias: false }),
      ],
    });
    const x = uniform([2, 6, 6, 2], seededRandom(1), 0, 1);
    const { heatmap, logits } = explain(graphFromLayersModel(model), x, { epsilon: 1e-9, zb: false, classes: 'highest' });
    const totals = values(tf.sum(heatmap, [1, 2, 3]));
    const explained = values(tf.max(logits, -1));
    totals.forEach((t, i) => expect(t).toBeCloseTo(explained[i]!, 4));
  });

  it("explains the lowest logit with classes 'lowest' (Selective ISNet as trained)", () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [3, 3, 1] }), tf.layers.dense({ units: 4, activation: 'relu' }), tf.layers.dense({ units: 6 })] });
    const graph = graphFromLayersModel(model);
    const x = uniform([5, 3, 3, 1], seededRandom(2), 0, 1);
    const { classes, heatmap } = explain(graph, x, { quantity: 'selective', classes: 'lowest', zb: false });
    expect(values(classes)).toEqual(values(tf.argMin(predictLogits(graph, x), -1)));
    const byHand = explain(graph, x, { quantity: 'selective', classes: values(classes), zb: false });
    expect(maxAbsDiff(heatmap, byHand.heatmap)).toBe(0);
  });

  it('gives the same heatmap for a fused-ReLU conv and separate ReLU layers', () => {
    const fused = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    const separate = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same' }),
        tf.layers.reLU(),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2 }),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    separate.setWeights(fused.getWeights());
    const x = uniform([2, 6, 6, 1], seededRandom(3), 0, 1);
    for (const zb of [false, true]) {
      const a = explain(graphFromLayersModel(fused), x, { zb, classes: [0, 2] }).heatmap;
      const b = explain(graphFromLayersModel(separate), x, { zb, classes: [0, 2] }).heatmap;
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    }
  });

  it('names an unsupported layer and why', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'tanh' })] });
    expect(() => graphFromLayersModel(model)).toThrow(UnsupportedLayerError);
    expect(() => graphFromLayersModel(model)).toThrow(/layer '[^']+' \(Dense\): activation 'tanh' is not supported/);
  });

  it('leaks no tensors over repeated calls', () => {
    const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 3 })] });
    const graph = graphFromLayersModel(model);
    const x = uniform([2, 5, 5, 1], seededRandom(4), 0, 1);
    const run = () => {
      const { logits, heatmap, hidden, classes } = explain(graph, x, { classes: 'highest', quantity: 'selective' });
      tf.dispose([logits, heatmap, ...hidden, classes]);
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/**
 * A 3-layer ReLU MLP whose weights are the check's inputs, and an ISNet-style loss of its
 * heatmap. The loss's weight gradient is second order through the LRP pass. `forwardRelu`
 * replaces the forward ReLUs (to plant the trap).
 */
function threeLayerCase(forwardRelu: (z: Tensor) => Tensor = tf.relu): GradCheckCase {
  const weights: Tensor[] = [];
  const dense = (i: number, relu: boolean): LrpNode => ({
    name: `d${i}`,
    className: 'Dense',
    inputs: [i === 0 ? 'input' : `d${i - 1}`],
    endsWithRelu: relu,
    run: ([x]) => {
      const z = applyLinear({ kind: 'dense', kernel: () => weights[i] as tf.Tensor2D }, x!, weights[i]!);
      return relu ? forwardRelu(z) : z;
    },
    backward: (dy) => [tf.matMul(dy, weights[i]!, false, true)],
  });
  const graph: LrpGraph = { input: 'input', output: 'd2', nodes: [dense(0, true), dense(1, true), dense(2, false)] };
  const random = seededRandom(5);
  const x = uniform([4, 6], random, 0, 1);
  const background = tf.tensor2d([[1, 1, 0, 0, 0, 0]]);
  const loss = (...w: Tensor[]): Scalar => {
    weights.splice(0, 3, ...w);
    const { heatmap } = explain(graph, x, { zb: false, classes: [0, 1, 2, 0], epsilon: 0.1 });
    return tf.sum(tf.mul(tf.square(heatmap), background)) as Scalar;
  };
  return {
    op: 'ISNet-style loss of a 3-layer ReLU net',
    inputs: (r) => [uniform([6, 5], r, -0.5, 0.5), uniform([5, 4], r, -0.5, 0.5), uniform([4, 3], r, -0.5, 0.5)],
    f: loss,
    delta: 1e-3,
  };
}

describe('the trap: LRP scaling only inside the heatmap pass', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('weight gradients of a heatmap loss agree with finite differences', () => {
    const result = checkGradient(threeLayerCase(), 1);
    expect(result.error).toBeUndefined();
    expect(result.relError).toBeLessThan(1e-2);
  });

  it('a forward ReLU with the LRP-scaled gradient gets them wrong (the check can fail)', () => {
    // The defect known as the trap (docs/lrp-flex.md): the training loss's backward pass through the
    // forward ReLUs takes the LRP-scaled derivative instead of the true one.
    const scaledRelu = tf.customGrad(((z: Tensor, save: tf.GradSaveFunc) => {
      save([z]);
      return { value: tf.relu(z), gradFunc: (dy: Tensor, [input]: Tensor[]) => lrpScaled(dy, input!, 0.1) };
    }) as never) as (z: Tensor) => Tensor;
    const test = threeLayerCase(scaledRelu);
    const errorAt = (seed: number) => {
      const w = test.inputs(seededRandom(seed));
      const exact = tf.grads((...ws: Tensor[]) => test.f(...ws))(w);
      // Along the first layer's weights only, where the error of the trap shows most.
      const direction = w.map((t, i) => (i === 0 ? uniform(t.shape, seededRandom(seed + 100)) : tf.zerosLike(t)));
      const analytic = exact.reduce((sum, g, i) => sum + tf.sum(tf.mul(g, direction[i]!)).dataSync()[0]!, 0);
      const step = (sign: number) => test.f(...w.map((t, i) => tf.add(t, tf.mul(direction[i]!, sign * 1e-3)))).dataSync()[0]!;
      const numeric = (step(1) - step(-1)) / 2e-3;
      return Math.abs(analytic - numeric) / Math.abs(numeric);
    };
    const errors = [1, 2, 3, 4, 5].map(errorAt);
    expect(Math.max(...errors)).toBeGreaterThan(0.05);
  });
});

describe('hidden-layer relevance', () => {
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
  });

  it('reads the first ReLU as a hidden layer while z^B also starts there', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'first' }),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'second' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3 }),
      ],
    });
    const graph = graphFromLayersModel(model);
    const x = uniform([2, 6, 6, 1], seededRandom(8), 0, 1);
    const withZb = explain(graph, x, { classes: [0, 1], zb: true, hiddenLayers: ['first', 'second'] });
    const withoutZb = explain(graph, x, { classes: [0, 1], zb: false, hiddenLayers: ['first', 'second'] });
    expect(withZb.hidden.map((h) => h.shape)).toEqual([[2, 6, 6, 3], [2, 2, 2, 4]]);
    // Hidden relevance does not depend on the first-layer rule.
    withZb.hidden.forEach((h, i) => expect(maxAbsDiff(h, withoutZb.hidden[i]!)).toBeLessThan(1e-6));
  });
});

describe.each(['cpu', 'wasm'])('the z^B rule on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  it('matches the rule computed by hand (dense first layer, bounds [-1, 2])', () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [4], units: 3, activation: 'relu', biasInitializer: 'randomNormal', name: 'first' }), tf.layers.dense({ units: 2 })],
    });
    const [low, high, eps] = [-1, 2, 0.01];
    const x = uniform([3, 4], seededRandom(5), -1, 2);
    const graph = graphFromLayersModel(model);
    const { heatmap, hidden } = explain(graph, x, { classes: [0, 1, 1], bounds: [low, high], epsilon: eps, hiddenLayers: ['first'] });
    const [w, b] = model.layers[0]!.getWeights().map((t) => t.arraySync()) as [number[][], number[]];
    const xs = x.arraySync() as number[][];
    const r1 = hidden[0]!.arraySync() as number[][];
    const expected = xs.map((xi, n) =>
      xi.map((_, i) => {
        let h = 0;
        for (let j = 0; j < 3; j++) {
          const plus = (v: number) => Math.max(v, 0);
          const minus = (v: number) => Math.min(v, 0);
          let z = b[j]! - low * plus(b[j]!) - high * minus(b[j]!);
          for (let k = 0; k < 4; k++) z += xi[k]! * w[k]![j]! - low * plus(w[k]![j]!) - high * minus(w[k]![j]!);
          z += z >= 0 ? eps : -eps;
          h += (r1[n]![j]! / z) * (xi[i]! * w[i]![j]! - low * plus(w[i]![j]!) - high * minus(w[i]![j]!));
        }
        return h;
      }),
    );
    (heatmap.arraySync() as number[][]).forEach((row, n) => row.forEach((v, i) => expect(v).toBeCloseTo(expected[n]![i]!, 5)));
  });

  it('gives the same heatmap through a transposed convolution as through the padded generic path', () => {
    const conv = { filters: 3, kernelSize: 3, activation: 'relu' as const, kernelInitializer: tf.initializers.randomNormal({ seed: 3 }), biasInitializer: tf.initializers.randomNormal({ seed: 4 }) };
    const head = () => [tf.layers.flatten(), tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 5 }) })];
    const same = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [5, 5, 1], padding: 'same', ...conv }), ...head()] });
    const padded = tf.sequential({ layers: [tf.layers.zeroPadding2d({ inputShape: [5, 5, 1], padding: 1 }), tf.layers.conv2d({ padding: 'valid', ...conv }), ...head()] });
    const x = uniform([2, 5, 5, 1], seededRandom(6), 0, 1);
    for (const bounds of [[0, 1], [-0.5, 1.5]] as [number, number][]) {
      const direct = explain(graphFromLayersModel(same), x, { classes: [0, 1], bounds }).heatmap;
      const generic = explain(graphFromLayersModel(padded), x, { classes: [0, 1], bounds }).heatmap;
      expect(maxAbsDiff(direct, generic)).toBeLessThan(1e-5 * Math.max(1, tf.max(tf.abs(generic)).dataSync()[0]!));
    }
  });
});

/** Small networks covering every layer type the graph converts, with batch statistics where they couple images. */
const everyClassNetworks: Record<string, () => tf.LayersModel> = {
  // Batch norm in the first block (folded by z^B, training statistics per class elsewhere).
  'conv, batch norm, strided conv, flatten, dense': () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [5, 5, 1], filters: 3, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.randomNormal({ seed: 11 }) }),
        tf.layers.batchNormalization({ gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 12 }) }),
        tf.layers.reLU(),
        tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 13 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 14 }) }),
      ],
    }),
  'padding, residual add, max and average pooling, concatenation, batch norm, dropout, global pooling': () => {
    const init = (seed: number) => ({ kernelInitializer: tf.initializers.randomNormal({ seed, stddev: 0.6 }), biasInitializer: tf.initializers.randomUniform({ minval: -0.1, maxval: 0.2, seed: seed + 50 }) });
    const input = tf.input({ shape: [6, 6, 2] });
    const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
    const padded = apply(tf.layers.zeroPadding2d({ padding: 1 }), input);
    const first = apply(tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', ...init(21) }), padded);
    const second = apply(tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', ...init(22) }), first);
    // Max pooling before the ReLU: no ties among zeros, where finite differences would
    // straddle a switch of the pooling's winner.
    const residual = apply(tf.layers.add(), [first, second]);
    const relu = (x: tf.SymbolicTensor) => apply(tf.layers.reLU(), x);
    const pooled = apply(tf.layers.concatenate(), [relu(apply(tf.layers.maxPooling2d({ poolSize: 2 }), residual)), relu(apply(tf.layers.averagePooling2d({ poolSize: 2 }), residual))]);
    const mixed = apply(tf.layers.conv2d({ filters: 4, kernelSize: 1, ...init(23) }), pooled);
    const normalised = apply(tf.layers.batchNormalization({ gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: 24 }) }), mixed);
    const active = apply(tf.layers.dropout({ rate: 0.5 }), apply(tf.layers.activation({ activation: 'relu' }), normalised));
    const hidden = apply(tf.layers.dense({ units: 5, activation: 'relu', ...init(25) }), apply(tf.layers.globalAveragePooling2d({}), active));
    return tf.model({ inputs: input, outputs: apply(tf.layers.dense({ units: 3, ...init(26) }), hidden) });
  },
  'flatten, dense first layer, reshape': () =>
    tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1] }),
        tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 31 }) }),
        tf.layers.reshape({ targetShape: [2, 2, 2] }),
        tf.layers.conv2d({ filters: 3, kernelSize: 2, activation: 'relu', kernelInitializer: tf.initializers.randomNormal({ seed: 32 }) }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 33 }) }),
      ],
    }),
};

describe.each(['cpu', 'wasm'])('every-class heatmaps on %s', (backend) => {
  beforeAll(async () => {
    await initEngine({ backend });
  });

  const cases = Object.keys(everyClassNetworks).flatMap((network) => [true, false].flatMap((zb) => [true, false].map((training) => ({ network, zb, training }))));

  it.each(cases)('one class-stacked backward pass gives the maps and weight gradients of one explain per class: $network (z^B $zb, training $training)', ({ network, zb, training }) => {
    const model = everyClassNetworks[network]!();
    const graph = graphFromLayersModel(model);
    const x = uniform([2, ...(model.inputs[0]!.shape.slice(1) as number[])], seededRandom(15), 0, 1);
    const weights = model.trainableWeights.map((w) => w.read() as tf.Variable);
    // Weighted, so that every class's map and every pixel count differently.
    const weighting = uniform([2, 2, ...x.shape.slice(1)], seededRandom(16), 0.5, 1.5);
    const loss = (maps: Tensor) => tf.sum(tf.mul(weighting, tf.square(maps))) as Scalar;
    const options = { zb, training, classList: [2, 0] };

    let stacked: Tensor | undefined;
    const stackedGrads = tf.variableGrads(() => {
      const every = explainEveryClass(graph, x, options);
      stacked = tf.keep(every.heatmaps);
      return loss(every.heatmaps);
    }, weights);
    let separate: Tensor | undefined;
    const separateGrads = tf.variableGrads(() => {
      const maps = options.classList.map((c) => explain(graph, x, { zb, training, classes: [c, c] }).heatmap);
      separate = tf.keep(tf.stack(maps, 1));
      return loss(separate);
    }, weights);

    const scale = Math.max(1e-3, tf.max(tf.abs(separate!)).dataSync()[0]!);
    expect(stacked!.shape).toEqual([2, 2, ...x.shape.slice(1)]);
    expect(maxAbsDiff(stacked!, separate!) / scale).toBeLessThan(1e-5);
    // Outside a gradient computation, and one class per pass: the same.
    expect(maxAbsDiff(explainEveryClass(graph, x, options).heatmaps, separate!) / scale).toBeLessThan(1e-5);
    expect(maxAbsDiff(explainEveryClass(graph, x, { ...options, classesPerPass: 1 }).heatmaps, separate!) / scale).toBeLessThan(1e-5);
    const withGradient = weights.filter((w) => separateGrads.grads[w.name]);
    // The heatmaps do not depend on the last layer's bias: no gradient either way.
    expect(withGradient.length).toBeGreaterThan(weights.length / 2);
    for (const w of weights.filter((w) => !separateGrads.grads[w.name])) expect(stackedGrads.grads[w.name], w.name).toBeFalsy();
    for (const w of withGradient) {
      const expected = separateGrads.grads[w.name]!;
      const magnitude = tf.max(tf.abs(expected)).dataSync()[0]!;
      expect(stackedGrads.grads[w.name], w.name).toBeDefined();
      expect(maxAbsDiff(stackedGrads.grads[w.name]!, expected) / Math.max(magnitude, 1e-3), w.name).toBeLessThan(1e-4);
    }
  });

  it.each(Object.keys(everyClassNetworks))("each layer's backward is TF.js's gradient of its forward, for one batch and for class-stacked copies: %s", (network) => {
    const model = everyClassNetworks[network]!();
    const graph = graphFromLayersModel(model);
    const x = uniform([2, ...(model.inputs[0]!.shape.slice(1) as number[])], seededRandom(18), 0, 1);
    for (const training of [true, false]) {
      const ctx = { training, batchStatistics: new Map() };
      const outputs = runGraph(graph, x, ctx);
      graph.nodes.forEach((node, n) => {
        const inputs = node.inputs.map((name) => outputs.get(name)!);
        const y = outputs.get(node.name)!;
        const copies = [0, 1].map((c) => uniform(y.shape, seededRandom(100 * n + c), -1, 1));
        // (+ 0: an identity layer hands its input back, which tf.grads cannot differentiate.)
        const autodiff = copies.map((dy) => tf.grads((...xs: Tensor[]) => tf.add(node.run(xs, { training }), 0))(inputs, dy));
        // backward takes the gradient at the output of everything but the closing ReLU.
        const beforeRelu = (dy: Tensor) => (node.endsWithRelu ? tf.mul(dy, tf.step(y)) : dy);
        const single = node.backward(beforeRelu(copies[0]!), inputs, ctx);
        const stacked = node.backward(tf.concat(copies.map(beforeRelu)), inputs, ctx);
        inputs.forEach((input, i) => {
          const expected = autodiff.map((g) => g[i]!);
          const scale = Math.max(1e-3, tf.max(tf.abs(expected[0]!)).dataSync()[0]!);
          const label = `${node.name} (${node.className}), input ${i}, training ${training}`;
          expect(maxAbsDiff(single[i]!, expected[0]!) / scale, label).toBeLessThan(1e-5);
          expect(stacked[i]!.shape, label).toEqual([2 * input.shape[0]!, ...input.shape.slice(1)]);
          expect(maxAbsDiff(stacked[i]!, tf.concat(expected)) / scale, label).toBeLessThan(1e-5);
        });
      });
    }
  });

  // Batch statistics with z^B are detached in the rule (as in the reference), which finite
  // differences of the whole function do not see: z^B is checked in inference mode.
  it.each(Object.keys(everyClassNetworks).flatMap((network) => [{ network, zb: false, training: true }, { network, zb: true, training: false }]))(
    'a heatmap loss has the input gradient finite differences give (second order through the stacked pass): $network (z^B $zb, training $training)',
    ({ network, zb, training }) => {
      const model = everyClassNetworks[network]!();
      const graph = graphFromLayersModel(model);
      const shape = [2, ...(model.inputs[0]!.shape.slice(1) as number[])];
      const weighting = uniform([2, 2, ...shape.slice(1)], seededRandom(19), 0.5, 1.5);
      const result = checkGradient(
        {
          op: `heatmap loss of ${network}`,
          inputs: (r) => [uniform(shape, r, 0.1, 0.9)],
          // A large epsilon keeps the LRP ratio y / (y + eps) smooth at the step's scale.
          f: (x) => tf.sum(tf.mul(weighting, tf.square(explainEveryClass(graph, x!, { zb, training, epsilon: 0.5, classList: [2, 0] }).heatmaps))) as Scalar,
          // Small enough that no pre-activation changes sign within a step.
          delta: 3e-4,
        },
        1,
      );
      expect(result.error).toBeUndefined();
      expect(result.relError).toBeLessThanOrEqual(result.tolerance);
    },
  );

  it('leaks no tensors outside a gradient computation', () => {
    const model = everyClassNetworks['padding, residual add, max and average pooling, concatenation, batch norm, dropout, global pooling']!();
    const graph = graphFromLayersModel(model);
    const x = uniform([2, 6, 6, 2], seededRandom(17), 0, 1);
    const run = () => {
      const { logits, heatmaps } = explainEveryClass(graph, x, { training: true, classesPerPass: 2 });
      tf.dispose([logits, heatmaps]);
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
  });
});
