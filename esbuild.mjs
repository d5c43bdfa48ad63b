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

// The graph webview's script runs in the browser: its own bundle, no Node APIs.
const webview = { ...common, platform: 'browser', target: 'es2022', format: 'iife', external: [], entryPoints: ['src/webview/graph/main.ts'], outfile: 'dist/webview/graph.js' };

// The webview ships the codicon font it uses (no remote resources): copied next to the bundles.
fs.mkdirSync('dist/codicons', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);

const contexts = await Promise.all([...entries, webview].map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
