// The migration safety lint in the bundled language server over stdio: diagnostics on revision
// files, scope following the database state (pending only), live re-lint of an edited buffer,
// quick fixes whose edit removes the finding, the operations hover, and severities from settings.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Hover, TextEdit } from 'vscode-languageserver-protocol';
import { exampleFile } from '../support/lint-examples';
import { LspTestClient, uriOf } from './lsp-client';

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number): number => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) =>
    offset(b.e.range.start.line, b.e.range.start.character) - offset(a.e.range.start.line, a.e.range.start.character) || b.i - a.i);
  let out = text;
  for (const { e } of sorted) {
    out = out.slice(0, offset(e.range.start.line, e.range.start.character)) + e.newText + out.slice(offset(e.range.end.line, e.range.end.character));
  }
  return out;
}

const codes = (d: Diagnostic[]): string[] => d.map((x) => `${x.range.start.line + 1} ${String(x.code)}`);

describe('server: migration safety lint (LSP over stdio)', function () {
  this.timeout(30000);
  let root: string;
  let client: LspTestClient;
  let first: string;
  let second: string;
  let severity: Record<string, string> = {};

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-lint-lsp-'));
    const v = path.join(root, 'migrations', 'versions');
    await fs.mkdir(v, { recursive: true });
    await fs.writeFile(path.join(root, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
    first = path.join(v, 'a1_first.py');
    second = path.join(v, 'b2_second.py');
    await fs.writeFile(first, exampleFile('a1', null, "    op.execute('UPDATE accounts SET flag = false')"));
    await fs.writeFile(second, exampleFile('b2', 'a1', "    op.create_index('ix_accounts_email', 'accounts', ['email'])"));
    severity = {};
    client = await LspTestClient.start({ folders: [{ name: 'p', path: root }], settings: () => ({ lint: { severity } }) });
  });

  afterEach(async () => {
    await client.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('lints every revision without a database state, then only the pending ones', async () => {
    await client.waitForDiagnostics(first, 'lint of a1', (d) => codes(d).join() === '18 update-or-delete-without-where');
    const d2 = await client.waitForDiagnostics(second, 'lint of b2', (d) => d.length === 1);
    assert.equal(d2[0].source, 'alembic-lint');
    assert.equal(d2[0].message, 'CREATE INDEX on existing table "accounts" takes a SHARE lock: writes wait until the index is built; use postgresql_concurrently=True in an autocommit_block()');
    await client.notify('alembic/databaseState', { key: path.join(root, 'alembic.ini'), states: { a1: 'current', b2: 'pending' }, note: null });
    await client.waitForDiagnostics(first, 'a1 applied: no lint', (d) => d.length === 0);
    assert.deepEqual(codes(client.diagnosticsOf(second) ?? []), ['18 create-index-non-concurrently']);
    // The snapshot the sidebar and the upgrade confirmation read carries the pending revision's findings.
    const projects = await client.request<Array<{ revisions: Array<{ id: string; lint?: Array<{ rule: string; severity: string; line: number }> }> }>>('alembic/projects', {});
    assert.deepEqual(projects[0].revisions.map((r) => [r.id, (r.lint ?? []).map((f) => `${f.line + 1} ${f.severity} ${f.rule}`)]), [
      ['b2', ['18 warning create-index-non-concurrently']],
      ['a1', []],
    ]);
  });

  it('re-lints an edited buffer, and the quick fix removes the finding', async () => {
    await client.waitForDiagnostics(second, 'lint of b2', (d) => d.length === 1);
    const text = exampleFile('b2', 'a1', "    op.create_index('ix_accounts_email', 'accounts', ['email'])\n    op.execute('COMMIT')");
    await client.open(second, text);
    await client.change(second, text);
    const d = await client.waitForDiagnostics(second, 'edited b2', (x) => x.length === 2);
    assert.deepEqual(codes(d), ['18 create-index-non-concurrently', '19 transaction-control-in-execute']);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uriOf(second) }, range: d[0].range, context: { diagnostics: [d[0]] },
    });
    assert.deepEqual(actions.map((a) => a.title), ['Use postgresql_concurrently=True in an autocommit_block()']);
    const edits = actions[0].edit?.changes?.[uriOf(second)] ?? [];
    const fixed = applyEdits(text, edits);
    assert.match(fixed, /\n {4}with op\.get_context\(\)\.autocommit_block\(\):\n {8}op\.create_index\('ix_accounts_email', 'accounts', \['email'\], postgresql_concurrently=True\)\n/);
    await client.change(second, fixed);
    await client.waitForDiagnostics(second, 'fixed b2', (x) => codes(x).join() === '20 transaction-control-in-execute');
  });

  it('hover on def upgrade lists the operations with their findings', async () => {
    await client.waitForDiagnostics(second, 'lint of b2', (d) => d.length === 1);
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(second) }, position: { line: 16, character: 5 } });
    const value = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.equal(value, '**upgrade()** — 1 operation\n- create index ix_accounts_email on accounts  \n  ⚠ `create-index-non-concurrently` (warning): CREATE INDEX on existing table "accounts" takes a SHARE lock: writes wait until the index is built; use postgresql_concurrently=True in an autocommit_block()');
  });

  it('severities from settings apply after a configuration change', async () => {
    await client.waitForDiagnostics(second, 'lint of b2', (d) => d.length === 1);
    severity = { 'create-index-non-concurrently': 'off', 'update-or-delete-without-where': 'error' };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(second, 'rule off', (d) => d.length === 0);
    const d1 = await client.waitForDiagnostics(first, 'rule error', (d) => d.length === 1 && d[0].severity === 1);
    assert.equal(d1[0].code, 'update-or-delete-without-where');
  });

  it('severities from pyproject.toml apply when the file is created, edited or deleted (no restart)', async () => {
    await client.waitForDiagnostics(second, 'lint of b2', (d) => d.length === 1);
    const pyproject = path.join(root, 'pyproject.toml');
    await fs.writeFile(pyproject, '[tool.alembic-migrations.lint]\ncreate-index-non-concurrently = "off"\nupdate-or-delete-without-where = "error"\n');
    await client.filesChanged([{ file: pyproject, type: 1 }]);
    await client.waitForDiagnostics(second, 'rule off from pyproject', (d) => d.length === 0);
    await client.waitForDiagnostics(first, 'rule error from pyproject', (d) => d.length === 1 && d[0].severity === 1);
    // An edit of the same file: the rule comes back as info.
    await fs.writeFile(pyproject, '[tool.alembic-migrations.lint]\ncreate-index-non-concurrently = "info"\n');
    await client.filesChanged([{ file: pyproject, type: 2 }]);
    await client.waitForDiagnostics(second, 'rule info from pyproject', (d) => d.length === 1 && d[0].severity === 3);
    await client.waitForDiagnostics(first, 'default severity again', (d) => d.length === 1 && d[0].severity === 2);
    // Deleted: the defaults.
    await fs.rm(pyproject);
    await client.filesChanged([{ file: pyproject, type: 3 }]);
    await client.waitForDiagnostics(second, 'default after delete', (d) => d.length === 1 && d[0].severity === 2);
  });
});
