// "Merge heads" run by the server itself for editors other than VS Code (opt-in), with the real
// alembic (/usr/bin/alembic), over stdio.
import * as assert from 'node:assert/strict';
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

  it('does not advertise the command unless asked (vscode-languageclient would clash with the extension command)', async () => {
    const { dirs } = await copyFixtures('two-heads');
    const c = (client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: dirs['two-heads'] }] }));
    const result = c.initializeResult as InitializeResult;
    assert.equal(result.capabilities.executeCommandProvider, undefined);
  });
});
