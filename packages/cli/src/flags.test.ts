import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOptionsSchemas } from '@isnet-bench/data';
import { readJsonFile, runConfigFileSchema, runFileSchema } from './config-file.js';
import { countFlag, FLAG, numberFlag, numberListFlag, parseFlags, settingsFlag } from './flags.js';

describe('number flags', () => {
  it('read counts, and name the flag, what it allows and the value otherwise', () => {
    expect(countFlag('batch', '64')).toBe(64);
    expect(countFlag('batch', undefined)).toBeUndefined();
    for (const bad of ['-3', '0', '2.5', 'abc', '', '1e400', '3,4']) expect(() => countFlag('batch', bad)).toThrow(`--batch: expected a positive integer, got '${bad}'`);
    expect(numberFlag('tune', '0', FLAG.countOrZero)).toBe(0);
    expect(() => numberFlag('tune', '-1', FLAG.countOrZero)).toThrow("--tune: expected an integer >= 0, got '-1'");
    expect(numberFlag('lr', '1e-3', FLAG.positive)).toBe(0.001);
    expect(() => numberFlag('lr', '0', FLAG.positive)).toThrow("--lr: expected a positive number, got '0'");
    expect(() => numberFlag('seed', '4294967296', FLAG.seed)).toThrow("--seed: expected an integer from 0 to 4294967295, got '4294967296'");
    expect(() => numberFlag('C1', 'NaN')).toThrow("--C1: expected a number, got 'NaN'");
    expect(numberListFlag('classes', '10,100')).toEqual([10, 100]);
    expect(() => numberListFlag('classes', '10,,100')).toThrow("--classes: expected a positive integer, got '' (item of '10,,100')");
  });
});

describe('parseFlags', () => {
  it("is parseArgs, with an unknown option listing the command's options", () => {
    const options = { out: { type: 'string' }, json: { type: 'boolean' } } as const;
    expect(parseFlags({ args: ['--out', 'x', '--json'], options }).values).toEqual({ out: 'x', json: true });
    expect(() => parseFlags({ args: ['--outt', 'x'], options })).toThrow("Unknown option '--outt'; options: --out X, --json");
  });
});

describe('settingsFlag (--set key=value)', () => {
  const manifest = buildOptionsSchemas['chest-manifest'];
  const digits = buildOptionsSchemas['mnist-bias'];

  it("reads each value as its field's type: a list field takes a,b or JSON", () => {
    expect(settingsFlag('set', ['oodSites=site-a,site-b', 'manifest=123', 'size=64', 'intensity=min-max'], manifest)).toEqual({
      oodSites: ['site-a', 'site-b'],
      manifest: '123',
      size: 64,
      intensity: 'min-max',
    });
    expect(settingsFlag('set', ['oodSites=["site-a","site,b"]', 'classNames=normal, abnormal'], manifest)).toEqual({ oodSites: ['site-a', 'site,b'], classNames: ['normal', 'abnormal'] });
    expect(settingsFlag('set', ['oodSites=site-a', 'oodSites='], manifest)).toEqual({ oodSites: [] });
  });

  it('never guesses from the text: commas stay in strings, numbers in string fields stay strings', () => {
    expect(settingsFlag('set', ['manifest=/data/a,b.csv'], manifest)).toEqual({ manifest: '/data/a,b.csv' });
    expect(settingsFlag('set', ['sourceDir=2024', 'trainCount=100', 'biasStrength=x'], digits)).toEqual({ sourceDir: '2024', trainCount: 100, biasStrength: 'x' });
    expect(settingsFlag('set', ['colour=1,2'], digits)).toEqual({ colour: '1,2' });
  });

  it('names the flag for a pair without = and for bad JSON', () => {
    expect(() => settingsFlag('set', ['size'], manifest)).toThrow("--set: expected key=value, got 'size'");
    expect(() => settingsFlag('set', ['oodSites=[1,'], manifest)).toThrow("--set oodSites: '[1,' is not valid JSON");
  });
});

describe('readJsonFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'isnet-config-'));
  const file = (name: string, content: unknown) => {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    return join(dir, name);
  };

  it('names the file and each bad field of a run config', async () => {
    const path = file('batch.json', { method: 'selective', train: { batchSize: -3 } });
    await expect(readJsonFile(path, runConfigFileSchema)).rejects.toThrow(`${path}: field 'train.batchSize': expected a positive integer, got -3`);
    const typo = file('typo.json', { train: { epoch: 3 }, modle: 'tiny' });
    await expect(readJsonFile(typo, runConfigFileSchema)).rejects.toThrow(
      new RegExp(`^${typo}: field 'train.epoch': unknown field \\(fields: epochs, batchSize, .*\\); field 'modle': unknown field \\(fields: method, model, `),
    );
    const method = file('no-method.json', { train: { epochs: 2 } });
    expect(await readJsonFile(method, runConfigFileSchema)).toEqual({ train: { epochs: 2 } });
    await expect(readJsonFile(method, runFileSchema)).rejects.toThrow(`${method}: field 'method': expected a non-empty string, got nothing`);
  });

  it('names a missing, unreadable or non-JSON file', async () => {
    await expect(readJsonFile(join(dir, 'none.json'))).rejects.toThrow(`${join(dir, 'none.json')}: cannot open: no such file or folder`);
    await expect(readJsonFile(dir)).rejects.toThrow(`${dir}: cannot read: it is a folder, not a file`);
    const text = file('text.json', 'method: selective');
    await expect(readJsonFile(text)).rejects.toThrow(new RegExp(`^${text}: not valid JSON: `));
  });
});
