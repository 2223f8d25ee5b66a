import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildDataset, openDataset, writeDataset } from '@isnet-bench/data';
import type { CellRecord } from '@isnet-bench/harness';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from './report.js';
import { readResultsFolder } from './results-folder.js';
import { launchChromium } from './test-support/browser.js';

// The built command, as a user runs it (npm test builds first).
const main = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
/** Where the screenshots go: the CI keeps $ISNET_ARTIFACTS; else reports/screenshots (git-ignored). */
const screenshots = process.env['ISNET_ARTIFACTS'] ?? join(repo, 'reports', 'screenshots');

// Each probe sets a mark on the page if any of its markup is parsed as markup.
const SUITE_PROBE = `"'><img src=x onerror="document.body.dataset.xss='suite'"><script>document.body.dataset.xss='suite-script'</script>`;
const CLASS_PROBE = `<img src=x onerror="document.body.dataset.xss='class'">seven`;

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const readRecords = async (dir: string) => (await readFile(join(dir, 'results.jsonl'), 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as CellRecord);
const writeRecords = (dir: string, records: readonly CellRecord[]) => writeFile(join(dir, 'results.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));

describe('the HTML report in chromium', () => {
  let root: string;
  let run: string;
  let records: CellRecord[];
  let browser: Browser;
  let probeClass: number;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'isnet-report-'));
    // A small biased-digits dataset whose class of the first test image is named by an XSS probe.
    const built = join(root, 'built');
    await buildDataset('mnist-bias', { bias: 'position', trainCount: 256, validationCount: 64, testCount: 64 }, built);
    const dataset = await openDataset(built);
    probeClass = dataset.splits['test']!.labels[0]!;
    await writeDataset({ ...dataset, classNames: dataset.classNames.map((name, c) => (c === probeClass ? CLASS_PROBE : name)) }, join(root, 'digits'));
    const suite = join(root, 'suite.json');
    await writeFile(
      suite,
      JSON.stringify({
        name: 'report-probe',
        datasets: { digits: { dir: join(root, 'digits') } },
        methods: [{ method: 'standard' }, { method: 'selective' }],
        backbones: ['tiny'],
        accuracy: { train: { epochs: 1, batchSize: 32 }, evaluation: { batchSize: 64 } },
        timing: { dataset: 'digits', classes: [2, 12], epochImages: 64, batchSize: 32, rounds: 2, warmupSteps: 1 },
      }),
    );
    run = join(root, 'run');
    const result = await cli(['run', suite, '--out', run, '--data-cache', join(root, 'cache')]);
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stderr).toContain(`report in ${join(run, 'report.html')}`);
    expect(existsSync(join(run, 'report.html'))).toBe(true);

    // A suite name is a user string too: the records and suite.json get the probe.
    records = (await readRecords(run)).map((r) => ({ ...r, suite: SUITE_PROBE }));
    await writeRecords(run, records);
    const suiteJson = JSON.parse(await readFile(join(run, 'suite.json'), 'utf8'));
    await writeFile(join(run, 'suite.json'), JSON.stringify({ ...suiteJson, name: SUITE_PROBE }));
    const report = await cli(['report', run, '--out', join(root, 'report.html')]);
    expect(report.code, report.stderr).toBe(0);

    // A baseline where the standard classifier was 5 points better on the unbiased split and
    // the selective ISNet's epoch at 12 classes twice as fast: both are regressions now.
    const baseline = join(root, 'baseline');
    await mkdir(baseline);
    await writeRecords(
      baseline,
      records.map((r) => {
        if (r.kind === 'accuracy' && r.label === 'standard') {
          const unbiased = r.evaluation!.splits['unbiased']!;
          return { ...r, evaluation: { ...r.evaluation!, splits: { ...r.evaluation!.splits, unbiased: { ...unbiased, accuracy: unbiased.accuracy! + 0.05 } } } };
        }
        if (r.kind === 'epoch-time' && r.label === 'selective' && r.epochTime!.classes === 12) {
          return { ...r, epochTime: { ...r.epochTime!, seconds: { ...r.epochTime!.seconds, median: r.epochTime!.seconds.median / 2 } } };
        }
        return r;
      }),
    );
    const compare = await cli(['report', run, '--compare', baseline, '--threshold', '2pp,10%', '--out', join(root, 'compare.html')]);
    expect(compare.code, compare.stderr).toBe(0);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Opens a report offline; every request other than the file itself is recorded and refused. */
  async function open(file: string): Promise<{ page: Page; requests: string[]; problems: string[] }> {
    const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const problems: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    page.on('request', (request) => {
      if (request.url() !== url && !request.url().startsWith('data:')) requests.push(request.url());
    });
    page.on('requestfailed', (request) => requests.push(`failed: ${request.url()}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, problems };
  }

  const tableRows = (page: Page, caption: string) =>
    page.locator('table', { has: page.locator('caption', { hasText: caption }) }).first().locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent!.trim())));

  it('opens offline: no request but the file, no CSP violation or script error; the sort script runs', async () => {
    const { page, requests, problems } = await open(join(run, 'report.html'));
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toMatch(/^default-src 'none'; img-src data:; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'/);
    // The script turns sortable headers into buttons.
    expect(await page.locator('table.sortable thead th button').count()).toBeGreaterThan(10);
    await page.context().close();
  });

  it('the tables hold the values of results.jsonl; a header click sorts the rows', async () => {
    const { page } = await open(join(root, 'report.html'));
    const accuracy = records.filter((r) => r.kind === 'accuracy');
    const rows = await tableRows(page, 'Accuracy per test split, and its drop');
    expect(rows).toEqual(
      accuracy.map((r) => {
        const s = r.evaluation!.splits;
        const percent = (v: number) => (100 * v).toFixed(1);
        return [r.label, 'tiny', 'digits', '1', ...['test', 'unbiased', 'confounding'].map((k) => percent(s[k]!.accuracy!)), percent(s['test']!.accuracy! - s['unbiased']!.accuracy!), percent(s['test']!.accuracy! - s['confounding']!.accuracy!), String(s['test']!.count + s['unbiased']!.count + s['confounding']!.count)];
      }),
    );
    const timing = records.filter((r) => r.kind === 'epoch-time');
    const epochRows = await tableRows(page, 'Epoch time per method and class count');
    expect(epochRows.map((row) => row.slice(0, 4))).toEqual(timing.map((r) => [r.label, 'tiny', String(r.epochTime!.classes), r.epochTime!.seconds.median.toFixed(3)]));

    // Sorting by the epoch median: ascending, then descending.
    const table = page.locator('table', { has: page.locator('caption', { hasText: 'Epoch time per method and class count' }) });
    await table.locator('thead th button', { hasText: 'median' }).click();
    const medians = timing.map((r) => r.epochTime!.seconds.median.toFixed(3));
    const sorted = [...timing].sort((a, b) => a.epochTime!.seconds.median - b.epochTime!.seconds.median).map((r) => r.epochTime!.seconds.median.toFixed(3));
    expect((await tableRows(page, 'Epoch time per method and class count')).map((row) => row[3])).toEqual(sorted);
    await table.locator('thead th button', { hasText: 'median' }).click();
    expect((await tableRows(page, 'Epoch time per method and class count')).map((row) => row[3])).toEqual([...sorted].reverse());
    expect(new Set(medians)).toEqual(new Set(sorted));
    await page.context().close();
  });

  it('the charts have one mark per value, with the values of results.jsonl', async () => {
    const { page } = await open(join(root, 'report.html'));
    const labels = (section: string, prefix: string) => page.locator(`#${section} svg [aria-label^="${prefix}"]`).evaluateAll((marks) => marks.map((m) => m.getAttribute('aria-label')!));
    const field = (label: string, name: string) => Number(new RegExp(`(?:^|; )${name.replace(/[()]/g, '\\$&')}: ([^;]+)`).exec(label)?.[1]);

    const timing = records.filter((r) => r.kind === 'epoch-time');
    const points = await labels('epoch-time', 'classes: ');
    const medians = points.filter((l) => l.includes('epoch time (s, median of rounds): '));
    expect(medians).toHaveLength(timing.length);
    for (const r of timing) {
      const mark = medians.find((l) => field(l, 'classes') === r.epochTime!.classes && l.includes(`method: ${r.label};`));
      expect(mark, `${r.label} at ${r.epochTime!.classes} classes`).toBeDefined();
      expect(field(mark!, 'epoch time (s, median of rounds)') / r.epochTime!.seconds.median).toBeCloseTo(1, 3);
      expect(field(mark!, 'min s') / r.epochTime!.seconds.min).toBeCloseTo(1, 3);
    }
    const overheads = points.filter((l) => l.includes('overhead ×: '));
    expect(overheads).toHaveLength(timing.filter((r) => r.label !== 'standard').length);
    for (const r of timing.filter((t) => t.label !== 'standard')) {
      const mark = overheads.find((l) => field(l, 'classes') === r.epochTime!.classes && l.includes(`method: ${r.label};`))!;
      expect(field(mark, 'overhead ×') / r.epochTime!.overhead!).toBeCloseTo(1, 3);
    }

    const accuracy = records.filter((r) => r.kind === 'accuracy');
    const dots = await labels('accuracy', 'accuracy (%): ');
    expect(dots).toHaveLength(3 * accuracy.length);
    for (const r of accuracy) {
      for (const [split, s] of Object.entries(r.evaluation!.splits)) {
        const mark = dots.find((l) => l.includes(`method: ${r.label};`) && l.includes(`split: ${split};`))!;
        // The chart's values are rounded to 0.01 percentage points.
        expect(Math.abs(field(mark, 'accuracy (%)') - 100 * s.accuracy!)).toBeLessThanOrEqual(0.005 + 1e-9);
      }
    }
    expect(await labels('attention', 'background attention (%): ')).toHaveLength(3 * accuracy.length);
    const tradeOff = await labels('trade-off', 'training time per epoch');
    expect(tradeOff).toHaveLength(accuracy.length);
    await page.context().close();
  });

  it('XSS probes in the suite name and a class name render as text: no script runs, no element is injected', async () => {
    const { page, problems } = await open(join(root, 'report.html'));
    expect(await page.locator('h1').textContent()).toBe(`isnet-bench report: ${SUITE_PROBE}`);
    expect(await page.title()).toBe(`isnet-bench report: ${SUITE_PROBE}`);
    expect(await page.evaluate(() => document.body.dataset['xss'] ?? null)).toBeNull();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    // The first test image's true class carries the class probe, in the heatmap grid's caption.
    expect(await page.locator('.heatmaps tbody tr').first().locator('td').first().textContent()).toBe(`#0: ${CLASS_PROBE}`);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the heatmap grid shows every cell on the first four images of each split, and its images decode', async () => {
    const { page } = await open(join(root, 'report.html'));
    const accuracy = records.filter((r) => r.kind === 'accuracy');
    const widths = await page.locator('.heatmaps img').evaluateAll((images) => images.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(widths).toHaveLength((accuracy.length + 1) * 3 * 4);
    expect(widths.every((w) => w === 28 * 3)).toBe(true);
    expect(await page.locator('.heatmaps tbody th').allTextContents()).toEqual(['image, mask', ...accuracy.map((r) => `${r.label}seed 1`)]);
    expect(await page.locator('#heatmaps').textContent()).not.toContain('absent');

    await mkdir(screenshots, { recursive: true });
    const shot = join(screenshots, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    await page.context().close();
  });

  it('the comparison flags the regressions beyond the stated threshold, and only those', async () => {
    const { page, requests, problems } = await open(join(root, 'compare.html'));
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
    const section = page.locator('#comparison');
    expect(await section.textContent()).toContain('more than 2 percentage points, or a time that grows by more than 10 %');
    const rows = await tableRows(page, 'Every metric: baseline, this run, change');
    const flagged = rows.filter((row) => row.at(-1) === 'regression').map((row) => `${row[0]} | ${row[1]}`);
    expect(flagged).toEqual(['standard · tiny · digits · seed 1 | unbiased accuracy', 'selective · tiny · digits · seed 1, 12 classes | epoch time']);
    const unbiased = rows.find((row) => row[0] === 'standard · tiny · digits · seed 1' && row[1] === 'unbiased accuracy')!;
    expect(unbiased[5]).toBe('-5.00 pp');
    expect(await section.locator('td.bad', { hasText: 'regression' }).count()).toBe(4);
    // The regressions come first in their own table (the full one is folded).
    expect((await tableRows(page, 'Regressions and improvements beyond the threshold')).map((row) => `${row[0]} | ${row[1]} | ${row.at(-1)}`)).toEqual(flagged.map((f) => `${f} | regression`));
    expect(await section.locator('details').getAttribute('open')).toBeNull();
    expect(rows.filter((row) => row.at(-1) === 'within threshold').length).toBe(rows.length - 2);
    await page.screenshot({ path: join(screenshots, 'compare.png'), fullPage: true });
    await page.context().close();
  });

  it('without the checkpoints (a copy of the folder without cells/), each heatmap row says its checkpoint is absent', async () => {
    const copy = join(root, 'no-checkpoints');
    await mkdir(copy);
    for (const file of ['results.jsonl', 'suite.json']) await copyFile(join(run, file), join(copy, file));
    const html = await buildReport(await readResultsFolder(copy), { dataCache: join(root, 'cache') });
    const accuracy = records.filter((r) => r.kind === 'accuracy');
    for (const r of accuracy) expect(html).toContain(`checkpoint absent: no checkpoint in ${join(copy, 'cells', r.id, 'checkpoints', 'best')}`);
    // The images themselves are still shown: 3 splits x 4.
    expect(html.match(/<img /g)).toHaveLength(12);
  });
});
