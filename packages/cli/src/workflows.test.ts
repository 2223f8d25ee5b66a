import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.js';

const dir = fileURLToPath(new URL('../../../.github/workflows/', import.meta.url));

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: Step[];
}
const workflow = (name: string) => parse(readFileSync(`${dir}${name}`, 'utf8')) as { on: unknown; jobs: Record<string, Job> };
const runs = (job: Job) => job.steps.flatMap((step) => (step.run ? [step.run] : []));

describe('GitHub Actions workflows', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

  it('call only isnet-bench commands and options that exist', () => {
    const calls = files.flatMap((file) => Object.values(workflow(file).jobs).flatMap(runs)).flatMap((line) => [...line.matchAll(/npx isnet-bench (\S+)([^\n]*)/g)]);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    for (const [, name, rest] of calls) {
      const command = COMMANDS.find((c) => c.name === name);
      expect(command, `isnet-bench ${name}`).toBeDefined();
      for (const [flag] of rest!.matchAll(/--[a-z-]+/g)) expect(command!.usage, `isnet-bench ${name} ${flag}`).toContain(flag);
    }
  });

  it('ci runs what .ci/run runs', () => {
    const { jobs } = workflow('ci.yml');
    expect(Object.values(jobs).flatMap(runs)).toContain('bash .ci/run');
  });

  it('suite-shards runs one shard per matrix entry and merges exactly those shards', () => {
    const { jobs, on } = workflow('suite-shards.yml');
    expect(on).toHaveProperty('workflow_dispatch');
    const shards = jobs['shard']!.strategy!.matrix!['shard'] as number[];
    const count = shards.length;
    expect(shards).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const [run] = runs(jobs['shard']!).filter((line) => line.includes('isnet-bench run'));
    expect(run).toContain(`--shard \${{ matrix.shard }}/${count}`);
    expect(run).toContain('--out results/shard-${{ matrix.shard }}');
    const upload = jobs['shard']!.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!['name']).toBe('shard-${{ matrix.shard }}');
    expect(jobs['merge']!.needs).toBe('shard');
    const download = jobs['merge']!.steps.find((step) => step.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with).toMatchObject({ pattern: 'shard-*', path: 'results' });
    const [merge] = runs(jobs['merge']!).filter((line) => line.includes('isnet-bench merge'));
    expect(merge).toBe(`npx isnet-bench merge ${shards.map((i) => `results/shard-${i}`).join(' ')} --out results/merged`);
  });

  it('quick runs a suite and uploads its results', () => {
    const { jobs, on } = workflow('quick.yml');
    expect(on).toHaveProperty('workflow_dispatch');
    const steps = Object.values(jobs).flatMap((job) => job.steps);
    expect(steps.some((step) => step.run?.includes('npx isnet-bench run "$SUITE" --out results/run'))).toBe(true);
    expect(steps.find((step) => step.uses?.startsWith('actions/upload-artifact'))?.with?.['path']).toContain('results/run/results.jsonl');
  });
});
