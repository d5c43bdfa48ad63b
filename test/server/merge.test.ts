// "Merge heads" run by the server itself for editors other than VS Code (opt-in), and "Rebase onto
// head", checked with the real alembic (/usr/bin/alembic), over stdio.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, InitializeResult } from 'vscode-languageserver-protocol';
import { copyFixtures, LspTestClient, uriOf } from './lsp-client';

const ALEMBIC = '/usr/bin/alembic';
const MAKO = '/usr/lib/python3/dist-packages/alembic/templates/generic/script.py.mako';

describe('server merge heads for other editors (LSP over stdio, real alembic)', function () {
  this.timeout(60000);
  let client: LspTestClient | undefined;

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('runs alembic merge for the quick fix command when the client opts in, and the heads warning goes away', async function () {
    const available = await fs.access(ALEMBIC).then(() => true, () => false);
    if (!available) this.skip();
    const { dirs } = await copyFixtures('two-heads');
    const root = dirs['two-heads'];
    await fs.copyFile(MAKO, path.join(root, 'migrations', 'script.py.mako'));
    const c = (client = await LspTestClient.start({
      folders: [{ name: 'two-heads', path: root }],
      initializationOptions: { executeMergeHeads: true, alembicCommand: [ALEMBIC] },
    }));
    const email = path.join(root, 'migrations', 'versions', '2b3c4d5e6f70_add_email.py');
    const d = await c.waitForDiagnostics(email, 'two heads', (x) => x.length === 1);
    const [action] = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uriOf(email) },
      range: d[0].range,
      context: { diagnostics: d },
    });
    assert.equal(action.command?.command, 'alembic.mergeHeads');
    await c.request('workspace/executeCommand', { command: action.command?.command, arguments: action.command?.arguments });
    await c.waitForDiagnostics(email, 'merged', (x) => x.length === 0);
    const files = await fs.readdir(path.join(root, 'migrations', 'versions'));
    const merge = files.find((f) => f.endsWith('_merge_heads.py'));
    assert.ok(merge, `no merge file in ${files.join(', ')}`);
    const text = await fs.readFile(path.join(root, 'migrations', 'versions', merge ?? ''), 'utf8');
    assert.match(text, /down_revision = \('2b3c4d5e6f70', '3c4d5e6f7081'\)/);
    assert.equal(c.messages.length, 1);
    assert.match(c.messages[0][1], /^Merged heads 2b3c4d5e6f70, 3c4d5e6f7081: .*_merge_heads\.py$/);
  });

  it('offers to rebase a head onto the other head; applied, alembic sees one head; not offered for an applied revision', async function () {
    const available = await fs.access(ALEMBIC).then(() => true, () => false);
    if (!available) this.skip();
    const { dirs } = await copyFixtures('two-heads');
    const root = dirs['two-heads'];
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: root }] }));
    const orders = path.join(root, 'migrations', 'versions', '3c4d5e6f7081_add_orders.py');
    const email = path.join(root, 'migrations', 'versions', '2b3c4d5e6f70_add_email.py');
    const d = await c.waitForDiagnostics(orders, 'two heads', (x) => x.length === 1);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uriOf(orders) }, range: d[0].range, context: { diagnostics: d } });
    assert.deepEqual(actions.map((a) => a.title), [
      'Merge heads 2b3c4d5e6f70, 3c4d5e6f7081',
      "Rebase onto head '2b3c4d5e6f70' (add email): down_revision = '2b3c4d5e6f70'",
    ]);
    // The edit changes down_revision and the docstring's Revises: line, nothing else.
    const before = await fs.readFile(orders, 'utf8');
    const edits = actions[1].edit?.changes?.[uriOf(orders)] ?? [];
    assert.equal(edits.length, 2);
    const lines = before.split('\n');
    for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line)) {
      const l = lines[e.range.start.line];
      assert.equal(l.slice(e.range.start.character, e.range.end.character), '1a2b3c4d5e6f');
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    await fs.writeFile(orders, lines.join('\n'));
    await c.filesChanged([{ file: orders, type: 2 }]);
    await c.waitForDiagnostics(orders, 'one head after the rebase', (x) => x.length === 0);
    await c.waitForDiagnostics(email, 'one head after the rebase', (x) => x.length === 0);
    const heads = spawnSync(ALEMBIC, ['heads'], { cwd: root, encoding: 'utf8' });
    assert.equal(heads.status, 0, heads.stderr);
    assert.equal(heads.stdout.trim(), '3c4d5e6f7081 (head)');
    assert.match(lines.join('\n'), /^Revises: 2b3c4d5e6f70$/m);

    // Back to two heads, with 2b3c…'s migration applied in the database: not offered on that file.
    await fs.writeFile(orders, before);
    await c.filesChanged([{ file: orders, type: 2 }]);
    const key = (await c.request<Array<{ key: string }>>('alembic/projects', null))[0].key;
    await c.notify('alembic/databaseState', { key, states: { '1a2b3c4d5e6f': 'applied', '2b3c4d5e6f70': 'current', '3c4d5e6f7081': 'pending' }, note: null });
    const de = await c.waitForDiagnostics(email, 'two heads again', (x) => x.length === 1);
    const onApplied = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uriOf(email) }, range: de[0].range, context: { diagnostics: de } });
    assert.deepEqual(onApplied.map((a) => a.title), ['Merge heads 2b3c4d5e6f70, 3c4d5e6f7081']);
  });

  it('does not advertise the command unless asked (vscode-languageclient would clash with the extension command)', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: dirs['two-heads'] }] }));
    const result = c.initializeResult as InitializeResult;
    assert.equal(result.capabilities.executeCommandProvider, undefined);
  });
});
