import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const quick = fileURLToPath(new URL('../../../../reports/2026-12-02-quick', import.meta.url));

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t: string) => stdout.push(t), err: (t: string) => stderr.push(t) };
}

describe('isnet-bench report', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'isnet-report-cli-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the report of a results folder and its comparison with another, and says where', async () => {
    const io = capture();
    const out = join(root, 'sub', 'quick.html');
    expect(await runCli(['report', quick, '--compare', quick, '--threshold', '1pp', '--data-cache', join(root, 'cache'), '--out', out], io)).toBe(0);
    expect(io.stderr.at(-1)).toMatch(new RegExp(`^report of 17 cells compared with .*2026-12-02-quick: ${out} \\(\\d+ KiB\\)$`));
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<h1>isnet-bench comparison: quick</h1>');
    expect(html).toContain('more than <strong>1 percentage points</strong>, or a time that grows by more than <strong>10 %</strong>');
  });

  it('bad input: one line naming it, exit 2', async () => {
    const cases: [string[], string][] = [
      [['report'], 'isnet-bench report: give one results folder, e.g. isnet-bench report results/quick --out quick.html'],
      [['report', quick, '--threshold', '5'], "isnet-bench report: --threshold: '5' is neither percentage points of a score (e.g. 2pp) nor a relative time change (e.g. 10%)"],
      [['report', quick, '--per-split', '1.5'], 'isnet-bench report: --per-split: expected an integer'],
      [['report', join(root, 'nowhere')], `isnet-bench report: ${join(root, 'nowhere', 'results.jsonl')}: missing: not a results folder of 'isnet-bench run'`],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toContain(message);
    }
  });

  it('--help describes the options', async () => {
    const io = capture();
    expect(await runCli(['report', '--help'], io)).toBe(0);
    for (const flag of ['--out', '--compare', '--threshold', '--data-cache', '--per-split', '--backend']) expect(io.stdout.join('\n')).toContain(flag);
  });
});
