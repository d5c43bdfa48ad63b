// alembic/repairLink (the graph's ghost repair) and the quick fix are one edit: a literal parent is
// replaced in its quotes and in the docstring's `Revises:`, a parent the file imports
// (`down_revision = revs.PARENT`) by the quoted literal id (before, the quick fix wrote the bare id
// over `revs.PARENT`: Python then fails with NameError), an item of an imported tuple is refused
// with the reason (and no quick fix), a target above the broken revision is refused (a cycle).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import type { RepairLinkResult } from '../../src/protocol/protocol';
import { LspTestClient } from './lsp-client';

function rev(id: string, down: string, imports = '', revises = ''): string {
  return `"""rev ${id}\n\nRevision ID: ${id}\nRevises: ${revises}\n"""\n${imports}\nrevision = '${id}'\ndown_revision = ${down}\n`;
}

const IMPORT = 'from myproject import revs';
const PROJECT: Record<string, string> = {
  'alembic.ini': '[alembic]\nscript_location = migrations\nprepend_sys_path = .\n',
  'myproject/__init__.py': '',
  'myproject/revs.py': "PARENT = 'gone'\nPAIR = ('lost', 'base')\n",
  'migrations/versions/base.py': rev('base', 'None'),
  'migrations/versions/mid.py': rev('mid', "'base'", '', 'base'),
  // down_revision is an imported value naming a revision no file defines.
  'migrations/versions/child.py': rev('child', 'revs.PARENT', IMPORT, 'gone'),
  // down_revision is an imported tuple, one item of which is missing.
  'migrations/versions/pair.py': rev('pair', 'revs.PAIR', IMPORT, 'lost, base'),
};

/** `text` with the edits applied (LSP ranges, applied from the last). */
function applyEdits(text: string, edits: { range: TextEdit['range']; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

describe('server: alembic/repairLink, the same edit as the quick fix', function () {
  this.timeout(30000);
  let root = '';
  let client: LspTestClient | null = null;

  beforeEach(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-lsp-repair-')));
    for (const [rel, text] of Object.entries(PROJECT)) {
      await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await fs.writeFile(path.join(root, rel), text);
    }
  });

  afterEach(async () => {
    await client?.stop();
    client = null;
    await fs.rm(root, { recursive: true, force: true });
  });

  it('replaces an imported down_revision by the quoted id, refuses an item of an imported tuple and a cycle', async () => {
    client = await LspTestClient.start({ folders: [{ name: 'p', path: root }] });
    const key = path.join(root, 'alembic.ini');
    const child = path.join(root, 'migrations/versions/child.py');
    const pair = path.join(root, 'migrations/versions/pair.py');
    const childText = await fs.readFile(child, 'utf8');
    const d = await client.waitForDiagnostics(child, 'missing parent', (x) => x.some((y) => y.code === 'missing-down-revision'));
    const missing = d.filter((x) => x.code === 'missing-down-revision');

    // The graph's repair: the quoted id over `revs.PARENT`, the docstring's Revises: in place.
    const r = await client.request<RepairLinkResult>('alembic/repairLink', { key, ghost: 'gone', target: 'mid' });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.edits.map((e) => e.path), [child, child]);
    const repaired = applyEdits(childText, r.edits);
    assert.match(repaired, /^down_revision = 'mid'$/m);
    assert.match(repaired, /^Revises: mid$/m);

    // The quick fix "Replace with 'mid'" on the same diagnostic: the very same edit.
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: `file://${child}` },
      range: missing[0].range,
      context: { diagnostics: missing },
    });
    const fix = actions.find((a) => a.title.startsWith("Replace with 'mid'"));
    assert.ok(fix?.edit?.changes, `no "Replace with 'mid'" among ${JSON.stringify(actions.map((a) => a.title))}`);
    const fixEdits = fix.edit.changes[`file://${child}`];
    assert.deepEqual(fixEdits, r.edits.map((e) => ({ range: e.range, newText: e.newText })));

    // One item of an imported tuple: refused, with the reason; the quick fix offers no replacement.
    const dp = await client.waitForDiagnostics(pair, 'missing parent in a tuple', (x) => x.some((y) => y.code === 'missing-down-revision'));
    const refused = await client.request<RepairLinkResult>('alembic/repairLink', { key, ghost: 'lost', target: 'mid' });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.message, /pair\.py's down_revision takes 'lost' from an imported tuple or list \(line 8\); .*edit it by hand/);
    const pairActions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: `file://${pair}` },
      range: dp[0].range,
      context: { diagnostics: dp.filter((x: Diagnostic) => x.code === 'missing-down-revision') },
    });
    assert.deepEqual(pairActions.filter((a) => a.title.startsWith('Replace with')), []);

    // A target that is the broken revision itself: a cycle, refused.
    const cycle = await client.request<RepairLinkResult>('alembic/repairLink', { key, ghost: 'gone', target: 'child' });
    assert.equal(cycle.ok, false);
    assert.match(cycle.ok ? '' : cycle.message, /would make a cycle/);
  });
});
