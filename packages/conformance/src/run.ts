import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor5D } from '@tensorflow/tfjs';
import { heatmapLoss, isnetLoss } from '@isnet-bench/isnet-core';
import { explain, explainEveryClass, graphFromLayersModel, predictLogits, type LrpGraph } from '@isnet-bench/lrp';
import { nhwcToNchw, rebuildNetwork, toNhwc, type MappedParameter } from './build-model.js';
import type { Fixture, FixtureTensor, HeatmapCase, LossCase } from './fixture.js';

/** Pass bound: error relative to the largest expected magnitude of each tensor. */
export const RELATIVE_TOLERANCE = 1e-3;

export interface ConformanceResult {
  fixture: string;
  case: string;
  maxAbsError: number;
  maxRelError: number;
  pass: boolean;
}

export interface ConformanceReport {
  pass: boolean;
  results: ConformanceResult[];
}

function compare(fixture: string, label: string, actual: Tensor | number, expected: FixtureTensor | number): ConformanceResult {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual.dataSync());
  const e = typeof expected === 'number' ? [expected] : expected.data;
  const shape = typeof actual === 'number' ? [] : actual.shape;
  if (typeof expected !== 'number' && shape.join() !== expected.shape.join()) {
    throw new Error(`${fixture} ${label}: shape [${shape}] differs from the expected [${expected.shape}]`);
  }
  let maxAbsError = 0;
  let scale = 0;
  e.forEach((value, i) => {
    maxAbsError = Math.max(maxAbsError, Math.abs(a[i]! - value));
    scale = Math.max(scale, Math.abs(value));
  });
  const maxRelError = scale > 0 ? maxAbsError / scale : maxAbsError;
  return { fixture, case: label, maxAbsError, maxRelError, pass: maxRelError <= RELATIVE_TOLERANCE };
}

/** Runs every case of one fixture on the current backend. */
export function runFixture(fixture: Fixture, name: string): ConformanceResult[] {
  const { model, parameters } = rebuildNetwork(fixture);
  try {
    const graph = graphFromLayersModel(model);
    const x = toNhwc(fixture.input);
    const mask = toNhwc(fixture.mask);
    const results = [scoped(() => compare(name, 'logits (rebuilt network)', predictLogits(graph, x), fixture.logits))];
    fixture.cases.forEach((c, i) => {
      const label = `#${i} ${c.kind} (${describe(c)})`;
      if (c.kind === 'heatmap') results.push(scoped(() => runHeatmapCase(graph, x, c, name, label)));
      else results.push(...scoped(() => runLossCase(graph, parameters, x, mask, fixture.labels, c, name, label)));
    });
    tf.dispose([x, mask]);
    return results;
  } finally {
    model.dispose();
  }
}

/** Like tf.tidy, for functions that return plain values: every tensor they make is released. */
function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

function describe(c: HeatmapCase | LossCase): string {
  const common = `${c.quantity}, eps ${c.epsilon}, zb ${c.zb}`;
  return c.kind === 'heatmap' ? `${common}, classes ${c.explained.join(',')}` : `${c.heatmaps}, ${common}, ${c.foreground}, C1 ${c.C1}, C2 ${c.C2}`;
}

function lrpOptions(c: HeatmapCase | LossCase) {
  return { quantity: c.quantity, epsilon: c.epsilon, zb: c.zb, bounds: c.zbBounds, selectiveEpsilon: c.selectiveEps };
}

function runHeatmapCase(graph: LrpGraph, x: Tensor, c: HeatmapCase, name: string, label: string): ConformanceResult {
  const { heatmap } = explain(graph, x, { ...lrpOptions(c), classes: c.explained });
  return compare(name, `${label}: heatmap`, nhwcToNchw(heatmap), c.heatmap);
}

function runLossCase(graph: LrpGraph, parameters: MappedParameter[], x: Tensor, mask: Tensor, labels: number[], c: LossCase, name: string, label: string): ConformanceResult[] {
  let heatmaps: Tensor5D | undefined;
  let parts: { classification: number; heatmap: number } | undefined;
  const lossFn = () => {
    const { logits, maps } =
      c.heatmaps === 'all classes'
        ? (() => {
            const every = explainEveryClass(graph, x, lrpOptions(c));
            return { logits: every.logits, maps: every.heatmaps as Tensor5D };
          })()
        : (() => {
            const one = explain(graph, x, { ...lrpOptions(c), classes: c.explained as number[] });
            return { logits: one.logits, maps: tf.expandDims(one.heatmap, 1) as Tensor5D };
          })();
    heatmaps = tf.keep(maps);
    const hl = heatmapLoss(maps, mask, c);
    const loss = isnetLoss({ logits, labels: tf.tensor1d(labels, 'int32'), heatmapLoss: hl.total, P: c.P });
    parts = { classification: loss.classification.dataSync()[0]!, heatmap: hl.total.dataSync()[0]! };
    return loss.total as Scalar;
  };
  const { value, grads } = tf.variableGrads(lossFn, parameters.map((p) => p.variable));
  const results = [
    compare(name, `${label}: heatmaps`, tf.transpose(heatmaps!, [0, 1, 4, 2, 3]), c.heatmap),
    compare(name, `${label}: classification loss`, parts!.classification, c.classificationLoss),
    compare(name, `${label}: heatmap loss`, parts!.heatmap, c.heatmapLoss),
    compare(name, `${label}: total loss`, value.dataSync()[0]!, c.totalLoss),
  ];
  for (const [key, expected] of Object.entries(c.grads)) {
    const parameter = parameters.find((p) => p.name === key);
    if (!parameter) throw new Error(`${name} ${label}: gradient '${key}' names no parameter of the rebuilt network (${parameters.map((p) => p.name).join(', ')})`);
    results.push(compare(name, `${label}: grad ${key}`, parameter.toTorch(grads[parameter.variable.name]!), expected));
  }
  heatmaps!.dispose();
  return results;
}
