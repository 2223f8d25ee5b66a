import { expandCells, parseSuite } from '@isnet-bench/harness';
import { describe, expect, it } from 'vitest';
import { cellJobs } from './jobs.js';

const suite = parseSuite(
  {
    name: 'grid',
    datasets: { digits: { kind: 'mnist-bias', options: { bias: 'position' } } },
    methods: [{ method: 'standard' }, { method: 'selective' }],
    backbones: ['tiny', 'small'],
    seeds: [1, 2],
    accuracy: { train: { epochs: 1 } },
    timing: { dataset: 'digits', classes: [2, 10] },
  },
  'grid.json',
);
const cells = expandCells(suite, { digits: { name: 'digits', fingerprint: 'f' } });

describe('cellJobs', () => {
  it('a job per accuracy cell and one per backbone for the epoch timing, covering every cell once, in cell order', () => {
    const jobs = cellJobs(suite, cells);
    expect(jobs.map((j) => j.cells.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 4, 4]);
    expect(jobs.flatMap((j) => j.data.cells)).toEqual(cells.map((c) => c.id));
    expect(jobs.slice(8).map((j) => j.cells.map((c) => `${c.backbone}:${c.label}@${c.kind === 'epoch-time' ? c.classes : ''}`))).toEqual([
      ['tiny:standard@2', 'tiny:standard@10', 'tiny:selective@2', 'tiny:selective@10'],
      ['small:standard@2', 'small:standard@10', 'small:selective@2', 'small:selective@10'],
    ]);
    expect(jobs[0]).toMatchObject({ id: `cell-${cells[0]!.id}`, name: 'standard on tiny, digits, seed 1', data: { suite } });
    expect(jobs[8]!.id).toBe(`epoch-time-${jobs[8]!.cells[0]!.id}`);
    // Ids are stable: the same cells give the same jobs (what makes enqueuing twice add nothing).
    expect(cellJobs(suite, cells).map((j) => j.id)).toEqual(jobs.map((j) => j.id));
  });

  it('only the pending cells: a backbone group with any cell pending is timed again whole', () => {
    const pending = cells.filter((c, i) => i === 1 || (c.kind === 'epoch-time' && c.backbone === 'small' && c.classes === 10));
    const jobs = cellJobs(suite, pending);
    expect(jobs.map((j) => j.cells.length)).toEqual([1, 2]);
  });
});
