import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';

// A full disk: Node's ENOSPC from a write names no file. The temporary file is created, then the write fails.
const full = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const writeFile: typeof actual.writeFile = async (path, data, options) => {
    if (!full.on) return actual.writeFile(path, data, options);
    await actual.writeFile(path, '');
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  };
  return { ...actual, default: { ...actual, writeFile }, writeFile };
});

describe('writeFileAtomic', () => {
  it('names the file it was writing when the system error names none, and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
    full.on = true;
    const error = await writeFileAtomic(join(dir, 'train.images.u8'), new Uint8Array(8)).then(() => undefined, (e: NodeJS.ErrnoException) => e);
    full.on = false;
    expect(error).toMatchObject({ code: 'ENOSPC', syscall: 'write', path: join(dir, 'train.images.u8') });
    expect(readdirSync(dir)).toEqual([]);
    await writeFileAtomic(join(dir, 'ok.json'), '{}');
    expect(existsSync(join(dir, 'ok.json'))).toBe(true);
  });

  it('reports a missing folder by the file, not by its temporary name', async () => {
    const file = join(tmpdir(), 'no-such-folder-for-atomic-test', 'x.json');
    await expect(writeFileAtomic(file, '{}')).rejects.toMatchObject({ code: 'ENOENT', path: file });
  });
});
