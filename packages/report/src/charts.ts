import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite chart to SVG in Node (a headless Vega View, renderer 'none'), so the
 * report carries its charts as inline SVG and needs no script or network to show them. Vega
 * escapes the text it writes (titles, legend labels) and labels every mark for screen readers
 * with its fields and values (aria-label).
 */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT = { font: 'system-ui, sans-serif', labelFontSize: 11, titleFontSize: 12 };
const CONFIG = { axis: { ...FONT, grid: true }, legend: { ...FONT, orient: 'right' as const }, view: { stroke: '#d5d9e0' }, point: { size: 55, filled: true } };

/** Every chart of a report colours the methods alike: `methods` lists them all, in the suite's order. */
function methodColor(methods: readonly string[], points: readonly { method: string }[]) {
  const domain = [...new Set([...methods, ...points.map((p) => p.method)])];
  const present = domain.filter((m) => points.some((p) => p.method === m));
  return { field: 'method', type: 'nominal' as const, title: 'method', scale: { domain }, legend: { values: present } };
}

/** Classes on a log scale, ticks at the class counts timed. */
function classesAxis(points: readonly EpochTimePoint[]) {
  return { field: 'classes', type: 'quantitative' as const, title: 'classes', scale: { type: 'log' as const }, axis: { values: [...new Set(points.map((p) => p.classes))] } };
}

export interface EpochTimePoint {
  readonly method: string;
  readonly backbone: string;
  readonly classes: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly overhead: number | null;
  /** 'measured' or 'extrapolated'. */
  readonly timed: string;
}

/** Epoch time against the number of classes, both log scales: median per method, min-max as a bar. */
export function epochTimeSpec(points: readonly EpochTimePoint[], methods: readonly string[]): TopLevelSpec {
  const x = classesAxis(points);
  const color = methodColor(methods, points);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Epoch time against the number of classes per method (log-log); bars span the fastest and slowest round',
    config: CONFIG,
    data: { values: points as unknown as Record<string, unknown>[] },
    width: 360,
    height: 280,
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x, y: { field: 'min', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'max' }, color } },
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y: { field: 'median', type: 'quantitative', scale: { type: 'log' } }, color, detail: { field: 'backbone' } } },
      {
        mark: { type: 'point', filled: true },
        encoding: {
          x,
          y: { field: 'median', type: 'quantitative', title: 'epoch time (s, median of rounds)', scale: { type: 'log' } },
          color,
          shape: { field: 'timed', type: 'nominal', title: 'epoch', scale: { domain: ['measured', 'extrapolated'], range: ['circle', 'triangle-up'] } },
          tooltip: [
            { field: 'method' },
            { field: 'backbone' },
            { field: 'classes', type: 'quantitative' },
            { field: 'median', type: 'quantitative', title: 'median s' },
            { field: 'min', type: 'quantitative', title: 'min s' },
            { field: 'max', type: 'quantitative', title: 'max s' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

/** The epoch time over the standard classifier's at the same class count, per method. */
export function overheadSpec(points: readonly EpochTimePoint[], methods: readonly string[]): TopLevelSpec {
  const x = classesAxis(points);
  const y = { field: 'overhead', type: 'quantitative', title: 'epoch time / standard classifier (×)', scale: { type: 'log' } } as const;
  const color = methodColor(methods, points);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: "Overhead: each method's epoch time over the standard classifier's at the same class count",
    config: CONFIG,
    data: { values: points.filter((p) => p.overhead !== null) as unknown as Record<string, unknown>[] },
    width: 360,
    height: 280,
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, detail: { field: 'backbone' } } },
      { mark: { type: 'point', filled: true }, encoding: { x, y, color, tooltip: [{ field: 'method' }, { field: 'backbone' }, { field: 'classes', type: 'quantitative' }, { field: 'overhead', type: 'quantitative', title: 'overhead ×' }] } },
    ],
  } as TopLevelSpec;
}

export interface SplitPoint {
  readonly method: string;
  readonly seed: number;
  readonly split: string;
  /** Percent. */
  readonly value: number;
}

/** A metric per test split and method: one dot per seed, the splits side by side in each method's row. */
export function splitMetricSpec(points: readonly SplitPoint[], metric: string, description: string, splits: readonly string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description,
    config: CONFIG,
    data: { values: points as unknown as Record<string, unknown>[] },
    width: 360,
    mark: { type: 'point', filled: true, size: 70 },
    encoding: {
      y: { field: 'method', type: 'nominal', title: 'method', sort: null },
      yOffset: { field: 'split', type: 'nominal', sort: splits as string[] },
      x: { field: 'value', type: 'quantitative', title: metric, scale: { domain: [0, 100] } },
      // Splits get their own palette, apart from the methods' colours.
      color: { field: 'split', type: 'nominal', title: 'test split', sort: splits as string[], scale: { scheme: 'dark2' } },
      shape: { field: 'split', type: 'nominal', sort: splits as string[] },
      tooltip: [{ field: 'method' }, { field: 'seed', type: 'quantitative' }, { field: 'split' }, { field: 'value', type: 'quantitative', title: metric }],
    },
    height: { step: 11, for: 'offset' },
  } as TopLevelSpec;
}

export interface TradeOffPoint {
  readonly method: string;
  readonly seed: number;
  /** Median training time per epoch, s. */
  readonly seconds: number;
  /** Percent. */
  readonly accuracy: number;
}

/** Accuracy on the split that matters most (OOD or unbiased) against the training time per epoch. */
export function tradeOffSpec(points: readonly TradeOffPoint[], split: string, methods: readonly string[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `Accuracy on the ${split} split against the training time per epoch`,
    config: CONFIG,
    data: { values: points as unknown as Record<string, unknown>[] },
    width: 360,
    height: 280,
    mark: { type: 'point', filled: true, size: 90 },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: 'training time per epoch (s, median)', scale: { type: 'log', nice: false, padding: 12 } },
      y: { field: 'accuracy', type: 'quantitative', title: `${split} accuracy (%)`, scale: { zero: false, padding: 12 } },
      color: methodColor(methods, points),
      tooltip: [{ field: 'method' }, { field: 'seed', type: 'quantitative' }, { field: 'seconds', type: 'quantitative', title: 'epoch s' }, { field: 'accuracy', type: 'quantitative', title: 'accuracy %' }],
    },
  } as TopLevelSpec;
}
