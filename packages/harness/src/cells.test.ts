import { describe, expect, it } from 'vitest';
import { Rng } from '@isnet-bench/data';
import { describeCell, expandCells } from './cells.js';
import { mappedLabel } from './epoch-time.js';
import { parseSuite } from './suite.js';

const input = {
  name: 'probe',
  datasets: { a: { kind: 'mnist-bias', options: { trainCount: 100 } }, b: { kind: 'fashion-bias' } },
  methods: [{ method: 'standard' }, { method: 'selective' }, { method: 'selective', label: 'selective-highest', config: { explainedClass: 'highest' } }],
  backbones: ['tiny', { name: 'resnet18', width: 8 }],
  seeds: [1, 2],
  accuracy: { datasets: ['a'], train: { epochs: 1 } },
  timing: { dataset: 'b', classes: [2, 10] },
};
const fingerprints = { a: { name: 'a', fingerprint: 'fa' }, b: { name: 'b', fingerprint: 'fb' } };
const ids = (suite: unknown, prints = fingerprints) => expandCells(parseSuite(suite, 'probe.json'), prints).map((c) => c.id);

describe('cells', () => {
  it('expand the matrix in run order: accuracy (dataset x backbone x method x seed), then epoch time (backbone x method x C)', () => {
    const cells = expandCells(parseSuite(input, 'probe.json'), fingerprints);
    const accuracy = cells.filter((c) => c.kind === 'accuracy');
    const timing = cells.filter((c) => c.kind === 'epoch-time');
    expect(accuracy).toHaveLength(2 * 3 * 2);
    expect(accuracy.slice(0, 3).map((c) => `${c.backbone}/${c.label}/${c.seed}`)).toEqual(['tiny/standard/1', 'tiny/standard/2', 'tiny/selective/1']);
    // The standard classifier is listed, so it is the timing reference as it stands.
    expect(timing).toHaveLength(2 * 3 * 2);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
    expect(describeCell(accuracy[0]!)).toBe('standard on tiny, a, seed 1');
    expect(describeCell(timing.at(-1)!)).toBe('selective-highest on resnet18{"width":8}, epoch time at C=10');
  });

  it('add the standard classifier to the timing as every method\'s reference when the suite does not list it', () => {
    const suite = { ...input, methods: [{ method: 'stochastic' }], accuracy: undefined };
    const cells = expandCells(parseSuite(suite, 'probe.json'), fingerprints);
    expect(cells.map((c) => `${c.backbone}/${c.label}@${c.kind === 'epoch-time' ? c.classes : ''}`)).toEqual([
      'tiny/standard@2', 'tiny/standard@10', 'tiny/stochastic@2', 'tiny/stochastic@10',
      'resnet18/standard@2', 'resnet18/standard@10', 'resnet18/stochastic@2', 'resnet18/stochastic@10',
    ]);
  });

  it('have ids that depend on what is run and on the data, not on labels, key order or spelt-out defaults', () => {
    const base = ids(input);
    expect(ids(input)).toEqual(base);
    expect(ids({ ...input, methods: input.methods.map((m) => ({ ...m, label: `x-${m.label ?? m.method}` })) })).toEqual(base);
    const reordered = { timing: input.timing, accuracy: input.accuracy, seeds: input.seeds, backbones: input.backbones, methods: input.methods, datasets: input.datasets, name: 'other-name' };
    expect(ids(reordered)).toEqual(base);
    const spelt = { ...input, methods: [{ method: 'standard', config: {} }, { method: 'selective', config: { explainedClass: 'lowest', tuneEpochs: 0 } }, input.methods[2]], accuracy: { ...input.accuracy, train: { epochs: 1, batchSize: 128 } } };
    expect(ids(spelt)).toEqual(base);
    const changed = ids({ ...input, accuracy: { ...input.accuracy, train: { epochs: 2 } } });
    expect(changed.filter((id) => base.includes(id))).toHaveLength(12); // the timing cells stay
    expect(ids(input, { ...fingerprints, a: { name: 'a', fingerprint: 'other' } }).filter((id) => base.includes(id))).toHaveLength(12);
  });

  it('time only the methods the timing names, with the standard classifier as their reference', () => {
    const suite = { ...input, accuracy: undefined, backbones: ['tiny'], timing: { ...input.timing, methods: ['selective-highest'] } };
    expect(expandCells(parseSuite(suite, 'probe.json'), fingerprints).map((c) => `${c.label}@${c.kind === 'epoch-time' ? c.classes : ''}`)).toEqual([
      'standard@2', 'standard@10', 'selective-highest@2', 'selective-highest@10',
    ]);
    expect(() => parseSuite({ ...suite, timing: { ...suite.timing, methods: ['orignal'] } }, 'probe.json')).toThrow(
      "probe.json: field 'timing.methods.0': not a method label of this suite; labels: standard, selective, selective-highest, got 'orignal'",
    );
  });

  it('refuse two entries that make the same cell', () => {
    const twins = { ...input, methods: [{ method: 'selective' }, { method: 'selective', label: 'again', config: { explainedClass: 'lowest' } }] };
    expect(() => expandCells(parseSuite(twins, 'probe.json'), fingerprints)).toThrow("methods 'selective' and 'again' define the same accuracy cell");
  });
});

describe('mappedLabel (timing only)', () => {
  it('folds labels below the dataset\'s class count and spreads them over C above it, covering every class', () => {
    const rng = new Rng(5);
    for (const classes of [2, 3, 10, 100, 1000]) {
      const seen = new Set<number>();
      for (let index = 0; index < 20_000; index++) {
        const label = mappedLabel(rng.int(10), index, 10, classes);
        expect(label).toBeGreaterThanOrEqual(0);
        expect(label).toBeLessThan(classes);
        seen.add(label);
      }
      expect(seen.size).toBe(classes);
    }
  });
});
