// Builds dist/ for `npm run build` and prepack: src/cli.ts bundled by esbuild with code splitting.
// A run loads dist/cli.js and the few chunks its mode and backend import (each `await import()` in
// src/ is a chunk boundary), instead of ~120 files of tsc output one by one; packages stay in
// node_modules (they are the package's dependencies). Types are checked by `npm run typecheck`.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
