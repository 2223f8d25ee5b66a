import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Paths are relative to this file, so the config works from a package folder too.
const repo = fileURLToPath(new URL('.', import.meta.url));

// One vitest project per workspace package; tests import sibling packages from their
// TypeScript sources (the "@isnet-bench/source" export condition), so no build is needed.
const workspaces = ['packages', 'benchmarks'].flatMap((dir) =>
  existsSync(`${repo}${dir}`)
    ? readdirSync(`${repo}${dir}`)
        .filter((name) => existsSync(`${repo}${dir}/${name}/package.json`))
        .map((name) => ({
          root: `${repo}${dir}/${name}`,
          name: JSON.parse(readFileSync(`${repo}${dir}/${name}/package.json`, 'utf8')).name as string,
        }))
    : [],
);

const conditions = ['@isnet-bench/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['node'] } },
  test: {
    projects: workspaces.map(({ root, name }) => ({
      extends: true,
      test: { name, root, include: ['src/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
    })),
  },
});
