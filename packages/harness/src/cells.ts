import type { DiagnosticsSettings } from './run-spec.js';
import { parseTrainConfig, type TrainConfig } from '@isnet-bench/training';
import type { BackboneName } from '@isnet-bench/models';
import { shortHash } from './dataset-cache.js';
import type { Suite, SuiteMethod } from './suite.js';

/** What a cell's dataset contributes to its identity: the suite's name for it and its content. */
export interface CellDataset {
  readonly name: string;
  readonly fingerprint: string;
}

interface CellBase {
  /** A hash of everything below but the label: the same spec on the same data is the same cell. */
  readonly id: string;
  readonly method: string;
  /** The name results show for the method entry. */
  readonly label: string;
  readonly methodConfig: Record<string, unknown>;
  readonly backbone: BackboneName;
  readonly backboneOptions: Record<string, unknown>;
  readonly seed: number;
  readonly dataset: CellDataset;
}

/** Train on a dataset, keep the best validation checkpoint, test it. */
export interface AccuracyCell extends CellBase {
  readonly kind: 'accuracy';
  /** The training loop's options with defaults (checkpointDir aside). */
  readonly train: Omit<TrainConfig, 'checkpointDir'>;
  readonly evaluation: { batchSize: number; splits?: string[]; heatmaps: boolean; diagnostics?: DiagnosticsSettings };
}

/** Time training epochs at a class count (timing only: the labels are mapped onto `classes`). */
export interface EpochTimeCell extends CellBase {
  readonly kind: 'epoch-time';
  readonly classes: number;
  readonly timing: NonNullable<Suite['timing']>;
}

export type Cell = AccuracyCell | EpochTimeCell;

const withoutCheckpointDir = (config: TrainConfig): Omit<TrainConfig, 'checkpointDir'> => {
  const { checkpointDir: _, ...rest } = config;
  return rest;
};

function cellId(cell: Omit<Cell, 'id' | 'label'>): string {
  return shortHash(cell);
}

/**
 * The suite's cells in run order: accuracy cells (dataset x backbone x method x seed), then
 * epoch-time cells (backbone x method x class count; the standard classifier is timed at every
 * class count too, as every method's reference).
 */
export function expandCells(suite: Suite, datasets: Readonly<Record<string, CellDataset>>): Cell[] {
  const cells: Cell[] = [];
  /** What every cell names: its method entry, backbone, seed and data. */
  const common = (entry: SuiteMethod, backbone: Suite['backbones'][number], seed: number, dataset: string) => ({
    method: entry.method,
    methodConfig: entry.config,
    backbone: backbone.name,
    backboneOptions: backbone.options,
    seed,
    dataset: datasets[dataset]!,
  });
  const add = (label: string, spec: Omit<AccuracyCell, 'id' | 'label'> | Omit<EpochTimeCell, 'id' | 'label'>) => cells.push({ id: cellId(spec), label, ...spec } as Cell);
  if (suite.accuracy) {
    const { train, evaluation } = suite.accuracy;
    for (const name of suite.accuracy.datasets) {
      for (const backbone of suite.backbones) {
        for (const entry of suite.methods) {
          for (const seed of suite.seeds) {
            // Parsed with the cell's seed: the loop's defaults are part of the identity.
            const options = withoutCheckpointDir(parseTrainConfig({ ...train, seed, checkpointDir: '-' }));
            add(entry.label, { kind: 'accuracy', ...common(entry, backbone, seed, name), train: options, evaluation });
          }
        }
      }
    }
  }
  if (suite.timing) {
    const timing = suite.timing;
    const timed = suite.methods.filter((m) => !timing.methods || timing.methods.includes(m.label));
    const entries = timed.some((m) => m.method === 'standard') ? timed : [{ method: 'standard', label: 'standard', config: {} }, ...timed];
    for (const backbone of suite.backbones) {
      for (const entry of entries) {
        for (const classes of timing.classes) add(entry.label, { kind: 'epoch-time', ...common(entry, backbone, suite.seeds[0]!, timing.dataset), classes, timing });
      }
    }
  }
  const seen = new Map<string, Cell>();
  for (const cell of cells) {
    const twin = seen.get(cell.id);
    if (twin) throw new Error(`${suite.file}: methods '${twin.label}' and '${cell.label}' define the same ${cell.kind} cell (same method, config, backbone, seed and data)`);
    seen.set(cell.id, cell);
  }
  return cells;
}

/** One line naming a cell for progress output. */
export function describeCell(cell: Cell): string {
  const where = `${cell.label} on ${cell.backbone}${Object.keys(cell.backboneOptions).length ? JSON.stringify(cell.backboneOptions) : ''}`;
  return cell.kind === 'accuracy' ? `${where}, ${cell.dataset.name}, seed ${cell.seed}` : `${where}, epoch time at C=${cell.classes}`;
}

/** Shard `index` (1-based) of `count`: the cells a run with `--shard index/count` takes. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/**
 * Which shard (0-based) a cell falls to: by its id, except that a backbone's epoch-time cells
 * stay together (they are timed interleaved, the standard classifier's among them).
 */
export function shardOf(cell: Cell, count: number): number {
  const key = cell.kind === 'accuracy' ? cell.id : shortHash(['epoch-time', cell.backbone, cell.backboneOptions]);
  return Number.parseInt(key.slice(0, 8), 16) % count;
}

/** `i/n` as a shard; a RangeError names what is wrong. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [Number.NaN, Number.NaN];
  if (!(count >= 1 && index >= 1 && index <= count)) throw new RangeError(`expected i/n with 1 <= i <= n (e.g. 2/3), got '${text}'`);
  return { index, count };
}
