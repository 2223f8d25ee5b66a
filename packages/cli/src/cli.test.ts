import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import type { CliIO } from './io.js';

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('isnet-bench', () => {
  it('lists its commands when run without one, and exits 2', async () => {
    const io = capture();
    expect(await runCli([], io)).toBe(2);
    expect(io.stdout.join('\n')).toMatch(/doctor .*\n.*gradcheck/);
  });

  it('names an unknown command and the choices', async () => {
    const io = capture();
    expect(await runCli(['trian'], io)).toBe(2);
    expect(io.stderr).toEqual(["isnet-bench: unknown command 'trian'; commands: run, worker, results, report, merge, methods, schema, data, train, evaluate, bench, gate, doctor, gradcheck, conformance"]);
  });

  it('gives one error line for an unknown backend', async () => {
    const io = capture();
    expect(await runCli(['doctor', '--backend', 'cuda'], io)).toBe(2);
    expect(io.stderr).toEqual(["isnet-bench doctor: unknown backend 'cuda' (from option); choose one of: tensorflow, wasm, cpu"]);
  });

  it('gives one error line for a forced backend that is not installed', async () => {
    const io = capture();
    expect(await runCli(['gradcheck', '--backend', 'tensorflow'], io)).toBe(2);
    expect(io.stderr).toHaveLength(1);
    expect(io.stderr[0]).toMatch(/backend 'tensorflow' \(forced by option\) cannot be used: .*not installed.*available: wasm, cpu/);
  });

  it('rejects an unknown option with one line', async () => {
    const io = capture();
    expect(await runCli(['doctor', '--fast'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/^isnet-bench doctor: Unknown option '--fast'/);
  });

  it('doctor --json reports the backend choice and the second-order status', async () => {
    const io = capture();
    expect(await runCli(['doctor', '--backend', 'wasm', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout.join(''));
    expect(report).toMatchObject({ backend: 'wasm', reason: 'forced by option', secondOrder: { pass: true } });
    expect(report.kernels).toContain('Conv2DBackpropFilter');
  });

  it('gradcheck --json on cpu passes every op at both orders', async () => {
    const io = capture();
    expect(await runCli(['gradcheck', '--backend', 'cpu', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout.join(''));
    expect(report.pass).toBe(true);
    expect(new Set(report.results.map((r: { order: number }) => r.order))).toEqual(new Set([1, 2]));
    for (const r of report.results) expect(Object.keys(r)).toEqual(expect.arrayContaining(['op', 'order', 'backend', 'relError', 'pass']));
  });
});

describe('isnet-bench conformance', () => {
  const dir = process.env.ISNET_FIXTURES ?? fileURLToPath(new URL('../../../fixtures/conformance/', import.meta.url));
  const fixtures = ['seq-0', 'bn-3'].map((f) => join(dir, `${f}.json`));

  it('passes every case of the reference fixtures on wasm (json)', async () => {
    const io = capture();
    expect(await runCli(['conformance', ...fixtures, '--backend', 'wasm', '--json'], io)).toBe(0);
    const report = JSON.parse(io.stdout.join(''));
    expect(report.pass).toBe(true);
    expect(report.results.length).toBeGreaterThan(100);
    expect(report.results[0]).toMatchObject({ fixture: 'seq-0', case: 'logits (rebuilt network)', backend: 'wasm' });
  });

  it('names a missing fixture file', async () => {
    const io = capture();
    expect(await runCli(['conformance', '/nonexistent/x.json'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/^isnet-bench conformance: \/nonexistent\/x.json: cannot read as JSON/);
  });
});

describe('isnet-bench data', () => {
  it('names a directory that is not a dataset', async () => {
    const io = capture();
    expect(await runCli(['data', 'inspect', '/nonexistent'], io)).toBe(2);
    expect(io.stderr).toEqual(['isnet-bench data: /nonexistent/dataset.json: missing: not a dataset directory, or its build did not finish']);
  });

  it('names an unknown dataset kind and the kinds', async () => {
    const io = capture();
    expect(await runCli(['data', 'build', 'cifar', '--out', '/tmp/never'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/cifar: unknown dataset kind \(kinds: mnist-bias, fashion-bias, chest-synth, chest-manifest\)/);
  });
});

describe('isnet-bench methods', () => {
  it('lists the explainer each method is measured on, the same LRP-Flex heatmap for every method', async () => {
    const io = capture();
    expect(await runCli(['methods', '--json'], io)).toBe(0);
    const { methods } = JSON.parse(io.stdout.join('')) as { methods: { name: string; attentionExplainer: string }[] };
    expect(methods.map((m) => m.name)).toEqual(expect.arrayContaining(['standard', 'rrr', 'gain', 'selective', 'stochastic', 'original', 'grad-input']));
    for (const m of methods) expect(m.attentionExplainer, m.name).toBe('lrp-flex(logit, epsilon=0.01, zb=[0,1])');
    const text = capture();
    expect(await runCli(['methods'], text)).toBe(0);
    expect(text.stdout.join('\n')).toMatch(/^rrr: .*\n  attention heatmap lrp-flex\(logit, epsilon=0\.01, zb=\[0,1\]\)$/m);
  });
});

describe('isnet-bench train / evaluate / bench', () => {
  it('names an unknown method and the methods', async () => {
    const io = capture();
    expect(await runCli(['train', '--method', 'isnet++', '--dataset', '/tmp/d', '--out', '/tmp/o'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/^isnet-bench train: unknown method 'isnet\+\+'; methods: standard, selective, /);
  });

  it('names an unknown backbone', async () => {
    const io = capture();
    expect(await runCli(['train', '--method', 'selective', '--model', 'resnet50', '--dataset', '/tmp/d', '--out', '/tmp/o'], io)).toBe(2);
    expect(io.stderr[0]).toMatch(/unknown model 'resnet50'; models: tiny, small, resnet8/);
  });

  it('checks --set against the method config, naming the method, the key and the allowed keys', async () => {
    const io = capture();
    expect(await runCli(['train', '--method', 'stochastic', '--set', 'explainedClass=highest', '--dataset', '/tmp/d', '--out', '/tmp/o'], io)).toBe(2);
    expect(io.stderr[0]).toBe("isnet-bench train: method 'stochastic': field 'explainedClass': unknown field (fields: loss, lrp, deepSupervision, tuneEpochs)");
    expect(await runCli(['train', '--method', 'selective', '--set', 'explainedClass=top', '--dataset', '/tmp/d', '--out', '/tmp/o'], io)).toBe(2);
    expect(io.stderr[1]).toBe("isnet-bench train: method 'selective': field 'explainedClass': expected one of 'lowest', 'highest', 'label', got 'top'");
    expect(await runCli(['train', '--method', 'selective', '--set', 'loss.C1=-1', '--dataset', '/tmp/d', '--out', '/tmp/o'], io)).toBe(2);
    expect(io.stderr[2]).toBe("isnet-bench train: method 'selective': field 'loss.C1': C1, the lower target of the foreground relevance, must be positive, got -1");
  });

  it('names a run directory without run.json', async () => {
    const io = capture();
    expect(await runCli(['evaluate', '--checkpoint', '/nonexistent/run', '--dataset', '/tmp/d'], io)).toBe(2);
    expect(io.stderr[0]).toBe("isnet-bench evaluate: /nonexistent/run/run.json: missing: not a run directory of 'isnet-bench train'");
  });

  it('names an unreadable --config file', async () => {
    const io = capture();
    expect(await runCli(['train', '--config', '/nonexistent/spec.json', '--dataset', '/tmp/d', '--out', '/tmp/o'], io)).toBe(2);
    expect(io.stderr[0]).toBe('isnet-bench train: /nonexistent/spec.json: cannot open: no such file or folder');
  });

  it('asks for the run directory to evaluate', async () => {
    const io = capture();
    expect(await runCli(['evaluate', '--dataset', '/tmp/d'], io)).toBe(2);
    expect(io.stderr[0]).toBe('isnet-bench evaluate: give --checkpoint RUN_DIR and --dataset DIR');
  });

  it('bench steps --json reports a row per method and class count', async () => {
    const io = capture();
    const args = ['bench', 'steps', '--methods', 'selective', '--classes', '3,6', '--model', 'tiny', '--batch', '4', '--steps', '2', '--warmup', '1', '--backend', 'wasm', '--json'];
    expect(await runCli(args, io)).toBe(0);
    const report = JSON.parse(io.stdout.join(''));
    expect(report.backend).toBe('wasm');
    expect(report.rows.map((r: { method: string; classes: number }) => `${r.method}@${r.classes}`)).toEqual(['selective@3', 'selective@6']);
    for (const row of report.rows) {
      expect(row.stepMs).toBeGreaterThan(0);
      expect(row.overhead).toBeCloseTo(row.stepMs / row.plainStepMs, 10);
    }
  });
});
