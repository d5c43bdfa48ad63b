// The package users install: `vsce package` (what `npm run package` runs) into a temp folder,
// checked for what it holds, then installed into code-server by the UI runs over the package.
// vsce's prepublish builds the production bundles into dist/; the development build the other
// tests load (with source maps) is rebuilt afterwards.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { indent, REPO_ROOT, type Counts } from './harness';

const MAX_BYTES = 1024 * 1024;
/** Every file the package may hold (paths inside `extension/`), and the ones it must. */
const REQUIRED = ['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'dist/extension.js', 'dist/server.js', 'dist/cli.js', 'media/icon.png', 'media/alembic.svg', 'media/graph/graph.css', 'dist/webview/graph.js', 'dist/codicons/codicon.css', 'dist/codicons/codicon.ttf', 'syntaxes/alembic-revision.injection.json'];
const ALLOWED = /^(package\.json|readme\.md|changelog\.md|LICENSE\.txt|dist\/(extension|server|cli)\.js|dist\/[^/]+\.wasm|dist\/webview\/graph\.js|dist\/codicons\/codicon\.(css|ttf)|media\/[^/]+\.(png|svg)|media\/graph\/graph\.css|syntaxes\/[^/]+\.json)$/;

/** What the bundles load at run time from their folder (WebAssembly): it must ship too. */
function distAssets(): string[] {
  return fs.readdirSync(path.join(REPO_ROOT, 'dist')).filter((f) => f.endsWith('.wasm')).map((f) => `dist/${f}`);
}

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/** Names inside a zip file (Python's zipfile; python3 is a test dependency already). */
export function zipEntries(file: string): string[] {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not list ${file}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

/** Builds the .vsix into a temp folder and checks it; returns its path, or null (counted as a failure). */
export function packageTest(counts: Counts): string | null {
  const title = `npm run package writes alembic-migrations-${version()}.vsix: bundles, media, grammar, README, CHANGELOG, LICENSE; no sources, maps or node_modules; <= 1 MB`;
  console.log('\n  the package (.vsix)');
  const started = Date.now();
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-vsix-')), `alembic-migrations-${version()}.vsix`);
  try {
    const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`vsce package failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}`);
    const entries = zipEntries(out);
    const inside = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    const extra = inside.filter((e) => !ALLOWED.test(e));
    const missing = [...REQUIRED, ...distAssets()].filter((e) => !inside.includes(e));
    const size = fs.statSync(out).size;
    const problems = [
      ...(extra.length ? [`files that do not belong in the package: ${extra.join(', ')}`] : []),
      ...(missing.length ? [`missing: ${missing.join(', ')}`] : []),
      ...(size > MAX_BYTES ? [`${size} bytes is over 1 MB`] : []),
    ];
    if (problems.length) throw new Error(problems.join('\n'));
    counts.passed++;
    console.log(`    ✔ ${title} (${(size / 1024).toFixed(0)} KB, ${inside.length} files) (${Math.round((Date.now() - started) / 1000)} s)`);
    return out;
  } catch (e) {
    counts.failed++;
    console.log(`    ✘ ${title}`);
    console.log(indent(e instanceof Error ? (e.stack ?? e.message) : String(e), 8));
    return null;
  } finally {
    // Back to the development build (source maps) for the tests that load the repository.
    spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}
