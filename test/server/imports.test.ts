// The language server and values revision files import from the project's modules: labelled
// heads once the module is readable, warnings (and no quick fix) while it is not, and fresh
// diagnostics when the module appears, changes on disk, changes in an editor, or a define is set.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { LspTestClient } from './lsp-client';

const WARNING = 2;
const INFO = 3;

function rev(id: string, down: string, extra = '', imports = ''): string {
  return `"""rev ${id}"""\n${imports}\nrevision = '${id}'\ndown_revision = ${down}\n${extra}\n`;
}

const CLI = 'from myproject.db.migration import cli';
const PROJECT: Record<string, string> = {
  'alembic.ini': '[alembic]\nscript_location = migrations\nprepend_sys_path = .\n',
  'migrations/versions/base.py': rev('base', 'None'),
  'migrations/versions/e1.py': rev('e1', "'base'", 'branch_labels = (cli.EXPAND_BRANCH,)', CLI),
  'migrations/versions/c1.py': rev('c1', "'base'", 'branch_labels = (cli.CONTRACT_BRANCH,)', CLI),
};
const MODULE: Record<string, string> = {
  'myproject/__init__.py': '',
  'myproject/db/__init__.py': '',
  'myproject/db/migration/__init__.py': '',
  'myproject/db/migration/cli.py': "EXPAND_BRANCH = 'expand'\nCONTRACT_BRANCH = 'contract'\n",
};

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  }
}

const summary = (d: Diagnostic[]): string[] => d.map((x) => `${String(x.code)} ${x.severity}`).sort();

describe('server: values imported from the project', function () {
  this.timeout(30000);
  let root = '';
  let client: LspTestClient | null = null;
  let e1 = '';
  let c1 = '';
  let cliPy = '';

  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-lsp-imports-')));
    await write(root, PROJECT);
    e1 = path.join(root, 'migrations/versions/e1.py');
    c1 = path.join(root, 'migrations/versions/c1.py');
    cliPy = path.join(root, 'myproject/db/migration/cli.py');
  });

  afterEach(async () => {
    await client?.stop();
    client = null;
    await fs.rm(root, { recursive: true, force: true });
  });

  it('warns (no error, no quick fix) while the module is missing; a new module, a disk edit and an editor edit update the diagnostics', async () => {
    client = await LspTestClient.start({ folders: [{ name: 'p', path: root }] });
    const missing = await client.waitForDiagnostics(e1, 'warnings', (d) => d.length === 2);
    assert.deepEqual(summary(missing), [`multiple-heads ${WARNING}`, `unresolved-value ${WARNING}`]);
    const heads = missing.filter((d) => d.code === 'multiple-heads');
    assert.equal(heads[0].data, undefined);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: `file://${e1}` },
      range: heads[0].range,
      context: { diagnostics: heads },
    });
    assert.deepEqual(actions, [], 'no Merge heads / Rebase onto head for heads whose labels are unknown');

    // The module appears on disk: both heads are labelled.
    await write(root, MODULE);
    await client.filesChanged(Object.keys(MODULE).map((rel) => ({ file: path.join(root, rel), type: 1 as const })));
    const labelled = await client.waitForDiagnostics(e1, 'labelled heads', (d) => d.length === 1 && d[0].code === 'labelled-heads');
    assert.equal(labelled[0].severity, INFO);
    assert.match(typeof labelled[0].message === 'string' ? labelled[0].message : '', /^Head e1 of branch 'expand' is one of 2 heads/);

    // The constant changes on disk.
    await fs.writeFile(cliPy, "EXPAND_BRANCH = 'grow'\nCONTRACT_BRANCH = 'contract'\n");
    await client.filesChanged([{ file: cliPy, type: 2 }]);
    await client.waitForDiagnostics(e1, 'new label', (d) => d.length === 1 && String(d[0].message).startsWith("Head e1 of branch 'grow'"));

    // Edited in an editor, unsaved: computed at import time, so unknown again.
    await client.open(cliPy);
    await client.change(cliPy, "import os\nEXPAND_BRANCH = os.environ['X']\nCONTRACT_BRANCH = 'contract'\n");
    const again = await client.waitForDiagnostics(e1, 'unknown again', (d) => d.some((x) => x.code === 'unresolved-value'));
    assert.match(String(again.find((x) => x.code === 'unresolved-value')?.message), /cli\.EXPAND_BRANCH is set to a subscript of os\.environ/);
    await client.waitForDiagnostics(c1, 'c1 still labelled', (d) => d.length === 1 && d[0].code === 'labelled-heads');
  });

  it('the alembic.defines setting supplies values', async () => {
    client = await LspTestClient.start({
      folders: [{ name: 'p', path: root }],
      settings: () => ({ defines: { 'cli.EXPAND_BRANCH': 'expand', 'myproject.db.migration.cli.CONTRACT_BRANCH': 'contract', bad: 1 } }),
    });
    const d = await client.waitForDiagnostics(c1, 'labelled by defines', (x) => x.length === 1 && x[0].code === 'labelled-heads');
    assert.match(String(d[0].message), /^Head c1 of branch 'contract' is one of 2 heads/);
  });
});
