import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellRecord } from '@isnet-bench/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from './report.js';
import { readResultsFolder, type GateFile } from './results-folder.js';

// The committed quick run: records and suite, no checkpoints.
const quick = fileURLToPath(new URL('../../../reports/2026-12-02-quick', import.meta.url));

describe('report sections', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'isnet-report-sections-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('a folder without checkpoints, its dataset not in the cache: every table, and the heatmap section says what is absent', async () => {
    const folder = await readResultsFolder(quick);
    const html = await buildReport(folder, { dataCache: join(root, 'empty-cache') });
    expect(html).toContain(`Heatmaps of dataset mnist-position are absent: dataset &#39;mnist-position&#39; is not in ${join(root, 'empty-cache')}/mnist-bias-`);
    expect(html).not.toContain('<img');
    for (const id of ['run', 'accuracy', 'attention', 'trade-off', 'training', 'epoch-time', 'heatmaps']) expect(html).toContain(`<section id="${id}"`);
    for (const id of ['comparison', 'gate', 'segmentation', 'diagnostics']) expect(html).not.toContain(`<section id="${id}"`);
    // 17 cells: a row per accuracy cell in the accuracy table, one per epoch-time cell in the timing table.
    expect(html.match(/<tr><th scope="row">[a-z-]+<\/th><td>small<\/td><td>mnist-position<\/td>/g)).toHaveLength(5);
    expect(html.match(/<tr><th scope="row">[a-z-]+<\/th><td>small<\/td><td class="num" data-sort="\d+">\d+<\/td><td class="num"/g)).toHaveLength(12);
  });

  it('the optional sections, from a gate file and records with diagnostics, segmentation and an explainer', async () => {
    const dir = join(root, 'extras');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await copyFile(join(quick, 'suite.json'), join(dir, 'suite.json'));
    const records = (await readFile(join(quick, 'results.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as CellRecord & Record<string, unknown>);
    const first = records[0]!;
    first['explainer'] = 'lrp-flex';
    (first.evaluation!.splits['unbiased'] as unknown as Record<string, unknown>)['segmentation'] = { count: 100, dice: 0.8125, iou: 0.6875 };
    (first.evaluation as unknown as Record<string, unknown>)['diagnostics'] = {
      settings: { steps: 64, epsilon: 0.01, zb: true, bounds: [0, 1] },
      pairs: [{
        withArtifact: 'confounding', withoutArtifact: 'unbiased', count: 32, withoutArtifactSkipped: 0, accuracyWith: 0.25, accuracyWithout: 0.75,
        logitChange: -1.2345, probabilityChange: -0.4, artifactArea: 0.02,
        layers: [{ layer: 'conv1_relu', units: 512, unitsOff: 12.5, unitsOn: 3, unitsBoth: 40, off: -1, on: -0.2, both: -0.03, offShare: 0.81, onShare: 0.16, bothShare: 0.03, meanResidual: 0.001, maxResidual: 0.0042 }],
        heatmaps: [{ quantity: 'label', share: 0.125, withoutRelevance: 0 }, { quantity: 'predicted', share: 0.5, withoutRelevance: 1 }],
      }],
    };
    await writeFile(join(dir, 'results.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const gate: GateFile = {
      format: 'isnet-bench-gate', version: 1, commit: 'abc123', machine: 'AMD EPYC, 2 cores', baseline: { commit: 'def456', machine: 'AMD EPYC, 2 cores' }, passed: false,
      rows: [
        { method: 'selective', backbone: 'small', figure: 'epoch time at 100 classes', unit: 's', value: 1.5, baseline: 1, threshold: 0.2, verdict: 'regression' },
        { method: '<b>stochastic</b>', backbone: 'small', figure: 'overhead', unit: '×', value: null, baseline: null, threshold: null, verdict: 'unavailable' },
      ],
    };
    await writeFile(join(dir, 'gate.json'), JSON.stringify(gate));
    const html = await buildReport(await readResultsFolder(dir), { dataCache: join(root, 'empty-cache') });
    expect(html).toContain('<section id="gate"');
    expect(html).toContain('<span class="failed">failed</span> — commit <code>abc123</code> on AMD EPYC, 2 cores, against the baseline of commit <code>def456</code>');
    expect(html).toContain('<td class="num" data-sort="1.5">1.500</td><td class="num" data-sort="1">1.000</td><td class="num" data-sort="0.2">0.200</td><td class="bad" data-sort="regression"><span class="verdict-regression">regression</span></td>');
    expect(html).toContain('<th scope="row">&lt;b&gt;stochastic&lt;/b&gt;</th>');
    expect(html).toContain('<section id="segmentation"');
    expect(html).toContain('<td class="num" data-sort="81.25">81.3</td><td class="num" data-sort="68.75">68.8</td><td class="num" data-sort="100">100</td>');
    expect(html).toContain('<section id="diagnostics"');
    expect(html).toContain('<td>confounding vs unbiased</td><td class="num" data-sort="32">32</td><td class="num" data-sort="25">25.0</td><td class="num" data-sort="75">75.0</td><td class="num" data-sort="-1.2345">-1.234</td><td class="num" data-sort="-40">-40.0</td><td class="num" data-sort="2">2.0</td><td class="num" data-sort="12.5">12.5</td><td class="num" data-sort="50">50.0</td>');
    expect(html).toContain('<td>conv1_relu</td><td class="num" data-sort="512">512</td><td class="num" data-sort="12.5">12.5</td><td class="num" data-sort="3">3.0</td><td class="num" data-sort="81">81.0</td><td class="num" data-sort="16">16.0</td><td class="num" data-sort="3">3.0</td><td class="num" data-sort="0.0042">0.0042</td>');
    expect(html).toContain('<th scope="col">heatmap (explainer)</th>');
    expect(html).toContain('<td>lrp-flex</td>');
  });

  it('refuses a gate file of another format, naming the file', async () => {
    const dir = join(root, 'bad-gate');
    await mkdir(dir, { recursive: true });
    await copyFile(join(quick, 'results.jsonl'), join(dir, 'results.jsonl'));
    await writeFile(join(dir, 'gate.json'), JSON.stringify({ format: 'something-else' }));
    await expect(readResultsFolder(dir)).rejects.toThrow(`${join(dir, 'gate.json')}: not an isnet-bench-gate file of version 1`);
  });
});
