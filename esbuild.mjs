// Bundles the three runtimes: the VS Code extension (vscode external), the language server and the CLI.
// Usage: node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // pg optionally requires pg-native; we never use it.
  external: ['vscode', 'pg-native'],
};

const entries = [
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['src/cli/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// libpg-query (the lint's PostgreSQL parser) loads its WebAssembly from the bundle's folder.
fs.mkdirSync('dist', { recursive: true });
fs.copyFileSync('node_modules/libpg-query/wasm/libpg-query.wasm', 'dist/libpg-query.wasm');

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
