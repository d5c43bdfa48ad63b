// Measures the language server on a generated 10,000-revision project (not a test; numbers only):
//   npm run build && npx tsc -p . && node out/test/server/bench-edit.js [N]
// Prints the time to the first alembic/projects answer (discovery + scan + graph), and the time
// to re-diagnose after one unsaved edit (the request that follows the edit applies it first,
// so its round trip = parse one file + rebuild the graph + publish the changed files).
import * as os from 'node:os';
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { writeBenchProject } from '../../bench/generate';
import { LspTestClient, uriOf } from './lsp-client';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10000);
  const dir = path.join(os.tmpdir(), `alembic-server-bench-${n}`);
  const project = await writeBenchProject(dir, n);
  const t0 = performance.now();
  const client = await LspTestClient.start({ folders: [{ name: 'bench', path: dir }] });
  const snaps = await client.request<Array<{ revisions: unknown[] }>>('alembic/projects', null);
  const startup = performance.now() - t0;
  console.log(`${n} revisions: first alembic/projects answer after ${startup.toFixed(0)} ms (${snaps[0]?.revisions.length} revisions)`);
  for (const line of client.logs.filter((l) => l.includes('revision file(s)'))) console.log(`  server: ${line}`);

  // A revision with a parent: edit its down_revision back and forth.
  const spec = project.specs.find((s) => typeof s.down === 'string');
  if (!spec || typeof spec.down !== 'string') throw new Error('no linear revision');
  const file = path.join(project.versions, project.fileNames.get(spec.id) ?? '');
  const text = await client.open(file);
  const hover = (): Promise<Hover | null> =>
    client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: { line: 0, character: 0 } });
  await hover();
  const times: number[] = [];
  const publishedBefore = client.published.length;
  for (let i = 0; i < 20; i++) {
    const broken = i % 2 === 0;
    await client.change(file, broken ? text.replace(`'${spec.down}'`, "'ffffffffffff'") : text);
    const t = performance.now();
    await hover();
    times.push(performance.now() - t);
  }
  await client.waitFor('last publish', () => client.published.length - publishedBefore >= 20 || undefined, 5000).catch(() => undefined);
  const published = client.published.length - publishedBefore;
  times.sort((a, b) => a - b);
  const baseline: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await hover();
    baseline.push(performance.now() - t);
  }
  baseline.sort((a, b) => a - b);
  console.log(
    `one-file edit → re-diagnosed: median ${times[10].toFixed(1)} ms, max ${times[19].toFixed(1)} ms ` +
      `(a request without an edit: median ${baseline[10].toFixed(1)} ms); ${published} publishDiagnostics for 20 edits (only files whose diagnostics changed)`,
  );
  // Typing in a migration body leaves the header (all the graph reads) unchanged: no rebuild.
  const body: number[] = [];
  for (let i = 0; i < 20; i++) {
    await client.change(file, text.replace('def upgrade() -> None:\n', `def upgrade() -> None:\n    op.execute('select ${i}')\n`));
    const t = performance.now();
    await hover();
    body.push(performance.now() - t);
  }
  body.sort((a, b) => a - b);
  console.log(`one-file edit in an upgrade() body: median ${body[10].toFixed(1)} ms, max ${body[19].toFixed(1)} ms`);
  await client.stop();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
