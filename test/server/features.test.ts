// Quick fixes and navigation answered by the bundled server over stdio.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, DocumentLink, Hover, Location, TextEdit, CodeLens } from 'vscode-languageserver-protocol';
import { copyFixtures, LspTestClient, uriOf } from './lsp-client';

const V = ['migrations', 'versions'];
const range = (line: number, start: number, end: number): Location['range'] => ({
  start: { line, character: start },
  end: { line, character: end },
});

/** Applies non-overlapping edits to a text (last first). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number): number => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  const sorted = [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character));
  let out = text;
  for (const e of sorted) {
    out = out.slice(0, offset(e.range.start.line, e.range.start.character)) + e.newText + out.slice(offset(e.range.end.line, e.range.end.character));
  }
  return out;
}

describe('server quick fixes and navigation (LSP over stdio)', function () {
  this.timeout(30000);
  let client: LspTestClient;
  let dirs: Record<string, string>;
  const file = (project: string, name: string): string => path.join(dirs[project], ...V, name);

  beforeEach(async () => {
    ({ dirs } = await copyFixtures('two-heads', 'broken-link', 'duplicate'));
    client = await LspTestClient.start({ folders: Object.entries(dirs).map(([name, p]) => ({ name, path: p })) });
  });

  afterEach(async () => {
    await client.stop();
  });

  const codeActions = (f: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> =>
    client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uriOf(f) },
      range: diagnostics[0].range,
      context: { diagnostics },
    });

  it('offers "Merge heads" (preferred) running alembic.mergeHeads with the project key and the heads, then "Rebase onto head"', async () => {
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    const d = await client.waitForDiagnostics(email, 'multiple-heads', (x) => x.length === 1);
    const actions = await codeActions(email, d);
    assert.deepEqual(
      actions.map((a) => ({ title: a.title, kind: a.kind, command: a.command, isPreferred: a.isPreferred })),
      [
        {
          title: 'Merge heads 2b3c4d5e6f70, 3c4d5e6f7081',
          kind: 'quickfix',
          command: {
            title: 'Merge heads 2b3c4d5e6f70, 3c4d5e6f7081',
            command: 'alembic.mergeHeads',
            arguments: [path.join(dirs['two-heads'], 'alembic.ini'), ['2b3c4d5e6f70', '3c4d5e6f7081']],
          },
          isPreferred: true,
        },
        {
          title: "Rebase onto head '3c4d5e6f7081' (add orders): down_revision = '3c4d5e6f7081'",
          kind: 'quickfix',
          command: undefined,
          isPreferred: undefined,
        },
      ],
    );
  });

  it('offers the closest revisions, then the heads, as replacements for a broken down_revision, and the edit fixes it', async () => {
    const third = file('broken-link', 'bbbb00000003_third.py');
    const d = await client.waitForDiagnostics(third, 'broken link', (x) => x.length === 1);
    const missing = d.filter((x) => x.code === 'missing-down-revision');
    // The client dropped `data`: the server recovers it from its own diagnostics.
    const actions = await codeActions(third, missing.map(({ data: _data, ...rest }) => rest));
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Replace with 'aaaa00000002' (second)", "Replace with 'aaaa00000001' (base)"],
    );
    assert.equal(actions[0].isPreferred, true);
    const edits = actions[0].edit?.changes?.[uriOf(third)];
    assert.deepEqual(edits, [
      { range: range(3, 9, 20), newText: 'aaaa00000002' },
      { range: range(15, 50, 61), newText: 'aaaa00000002' },
    ]);
    const text = await client.open(third);
    const fixed = applyEdits(text, edits ?? []);
    assert.match(fixed, /^Revises: aaaa00000002$/m);
    assert.match(fixed, /^down_revision: Union\[str, Sequence\[str\], None\] = 'aaaa00000002'$/m);
    await client.change(third, fixed);
    await client.waitForDiagnostics(third, 'fixed by the quick fix', (x) => x.length === 0);
  });

  it('offers the revision a file name starts with when down_revision names the file instead of the id', async () => {
    const orders = file('two-heads', '3c4d5e6f7081_add_orders.py');
    await client.waitForDiagnostics(orders, 'loaded', (x) => x.length === 1);
    const text = await client.open(orders);
    await client.change(orders, text.replace("None] = '1a2b3c4d5e6f'", "None] = '1a2b3c4d5e6f_create_users'"));
    const d = await client.waitForDiagnostics(orders, 'file name as id', (x) => x.some((y) => y.code === 'missing-down-revision'));
    const actions = await codeActions(orders, d.filter((x) => x.code === 'missing-down-revision'));
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        ["Replace with '1a2b3c4d5e6f' (create users)", true],
        ["Replace with '2b3c4d5e6f70' (add email)", false],
      ],
    );
    assert.deepEqual(actions[0].edit?.changes?.[uriOf(orders)], [{ range: range(15, 50, 75), newText: '1a2b3c4d5e6f' }]);
  });

  it('offers first the revision held by the file a down_revision names, even when the name does not start with its id', async () => {
    const orders = file('two-heads', '3c4d5e6f7081_add_orders.py');
    await client.waitForDiagnostics(orders, 'loaded', (x) => x.length === 1);
    const text = await client.open(orders);
    await client.change(orders, text.replace("None] = '1a2b3c4d5e6f'", "None] = 'versions/1a2b3c4d5e6f_create_users.py'"));
    const d = await client.waitForDiagnostics(orders, 'file path as id', (x) => x.some((y) => y.code === 'missing-down-revision'));
    const missing = d.filter((x) => x.code === 'missing-down-revision');
    assert.match(String(missing[0].message), / 'versions\/1a2b3c4d5e6f_create_users\.py' is a file name: use the revision id in that file, '1a2b3c4d5e6f'\.$/);
    const actions = await codeActions(orders, missing);
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        ["Replace with '1a2b3c4d5e6f' (create users)", true],
        ["Replace with '2b3c4d5e6f70' (add email)", false],
      ],
    );
  });

  it('offers first the head of the branch a down_revision names by its label', async () => {
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    const orders = file('two-heads', '3c4d5e6f7081_add_orders.py');
    await client.waitForDiagnostics(orders, 'loaded', (x) => x.length === 1);
    const emailText = await client.open(email);
    await client.change(email, emailText.replace("branch_labels: Union[str, Sequence[str], None] = None", "branch_labels: Union[str, Sequence[str], None] = 'mail'"));
    const text = await client.open(orders);
    await client.change(orders, text.replace("None] = '1a2b3c4d5e6f'", "None] = 'mail'"));
    const d = await client.waitForDiagnostics(orders, 'label as down_revision', (x) => x.some((y) => y.code === 'missing-down-revision'));
    const missing = d.filter((x) => x.code === 'missing-down-revision');
    assert.match(String(missing[0].message), / 'mail' is a branch label; down_revision takes revision ids only \(depends_on accepts labels\): the head of branch 'mail' is '2b3c4d5e6f70'\.$/);
    const actions = await codeActions(orders, missing);
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [["Replace with '2b3c4d5e6f70' (add email)", true]]);
  });

  it('offers only the current heads for a far-off id, and fixes a broken depends_on in place', async () => {
    const orders = file('two-heads', '3c4d5e6f7081_add_orders.py');
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    await client.waitForDiagnostics(orders, 'loaded', (x) => x.length === 1);
    const text = await client.open(orders);
    await client.change(orders, text.replace("None] = '1a2b3c4d5e6f'", "None] = 'zzzzzzzz'"));
    const d = await client.waitForDiagnostics(orders, 'far-off link', (x) => x.some((y) => y.code === 'missing-down-revision'));
    const far = await codeActions(orders, d.filter((x) => x.code === 'missing-down-revision'));
    // The revision itself (also a head) is never offered: it would link to itself.
    assert.deepEqual(far.map((a) => a.title), ["Replace with '2b3c4d5e6f70' (add email)"]);
    assert.equal(far[0].isPreferred, false);

    const emailText = await client.open(email);
    const withDep = emailText.replace('depends_on: Union[str, Sequence[str], None] = None', "depends_on: Union[str, Sequence[str], None] = ['1a2b3c4d5e6e']");
    await client.change(email, withDep);
    const de = await client.waitForDiagnostics(email, 'missing depends_on', (x) => x.some((y) => y.code === 'missing-depends-on'));
    const dep = de.filter((x) => x.code === 'missing-depends-on');
    const line = withDep.split('\n').findIndex((l) => l.startsWith('depends_on'));
    const col = withDep.split('\n')[line].indexOf("'1a2b3c4d5e6e'") + 1;
    assert.deepEqual(dep[0].range, range(line, col, col + 12));
    const actions = await codeActions(email, dep);
    assert.deepEqual(actions.map((a) => a.title), ["Replace with '1a2b3c4d5e6f' (create users)", "Replace with '3c4d5e6f7081' (add orders)"]);
    assert.deepEqual(actions[0].edit?.changes?.[uriOf(email)], [{ range: range(line, col, col + 12), newText: '1a2b3c4d5e6f' }]);
    await client.change(email, applyEdits(withDep, actions[0].edit?.changes?.[uriOf(email)] ?? []));
    await client.waitForDiagnostics(email, 'depends_on fixed', (x) => !x.some((y) => y.code === 'missing-depends-on'));
  });

  it('offers a fresh id for the newer of two duplicated files, in its revision line and its docstring', async () => {
    const first = file('duplicate', 'eeee00000002_first_copy.py');
    const second = file('duplicate', 'eeee00000002_second_copy.py');
    const d = await client.waitForDiagnostics(first, 'duplicate', (x) => x.some((y) => y.code === 'duplicate-revision'));
    const actions = await codeActions(first, d.filter((x) => x.code === 'duplicate-revision'));
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Generate a new revision id for eeee00000002_second_copy.py'],
    );
    const changes = actions[0].edit?.changes ?? {};
    assert.deepEqual(Object.keys(changes), [uriOf(second)]);
    const edits = changes[uriOf(second)];
    assert.deepEqual(
      edits.map((e) => e.range),
      [range(14, 17, 29), range(2, 13, 25)],
    );
    const fresh = edits[0].newText;
    assert.match(fresh, /^[0-9a-f]{12}$/);
    assert.notEqual(fresh, 'eeee00000002');
    assert.equal(edits[1].newText, fresh);
    // The same fix is offered from the other file's diagnostic.
    const d2 = await client.waitForDiagnostics(second, 'duplicate', (x) => x.some((y) => y.code === 'duplicate-revision'));
    const again = await codeActions(second, d2.filter((x) => x.code === 'duplicate-revision'));
    assert.deepEqual(again.map((a) => a.title), ['Generate a new revision id for eeee00000002_second_copy.py']);
    // Applying it clears the duplicate on both files.
    const text = await client.open(second);
    const fixed = applyEdits(text, edits);
    assert.match(fixed, new RegExp(`^Revision ID: ${fresh}$`, 'm'));
    assert.match(fixed, new RegExp(`^revision: str = '${fresh}'$`, 'm'));
    await client.change(second, fixed);
    await client.waitForDiagnostics(first, 'duplicate gone', (x) => !x.some((y) => y.code === 'duplicate-revision'));
    await client.waitForDiagnostics(second, 'duplicate gone', (x) => !x.some((y) => y.code === 'duplicate-revision'));
  });

  it('goes to the revision line of the id in down_revision and in the docstring Revises: line', async () => {
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    const users = file('two-heads', '1a2b3c4d5e6f_create_users.py');
    await client.waitForDiagnostics(email, 'loaded', (x) => x.length === 1);
    const expected: Location = { uri: uriOf(users), range: range(14, 17, 29) };
    const fromDown = await client.request<Location>('textDocument/definition', { textDocument: { uri: uriOf(email) }, position: { line: 15, character: 55 } });
    assert.deepEqual(fromDown, expected);
    const fromDoc = await client.request<Location>('textDocument/definition', { textDocument: { uri: uriOf(email) }, position: { line: 3, character: 12 } });
    assert.deepEqual(fromDoc, expected);
    const nowhere = await client.request<Location | null>('textDocument/definition', { textDocument: { uri: uriOf(email) }, position: { line: 20, character: 2 } });
    assert.equal(nowhere, null);
  });

  it('follows an unsaved edit: definition of a newly typed parent id', async () => {
    const orders = file('two-heads', '3c4d5e6f7081_add_orders.py');
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    await client.waitForDiagnostics(orders, 'loaded', (x) => x.length === 1);
    const text = await client.open(orders);
    await client.change(orders, text.replace("None] = '1a2b3c4d5e6f'", "None] = '2b3c4d5e6f70'"));
    // No waiting: the request itself applies the pending (debounced) edit first.
    const loc = await client.request<Location>('textDocument/definition', { textDocument: { uri: uriOf(orders) }, position: { line: 15, character: 55 } });
    assert.deepEqual(loc, { uri: uriOf(email), range: range(14, 17, 29) });
  });

  it('lists the revision, its children and dependents as references', async () => {
    const users = file('two-heads', '1a2b3c4d5e6f_create_users.py');
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    const orders = file('two-heads', '3c4d5e6f7081_add_orders.py');
    await client.waitForDiagnostics(email, 'loaded', (x) => x.length === 1);
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(users) },
      position: { line: 14, character: 20 },
      context: { includeDeclaration: true },
    });
    assert.deepEqual(refs, [
      { uri: uriOf(users), range: range(14, 17, 29) },
      { uri: uriOf(email), range: range(15, 50, 62) },
      { uri: uriOf(orders), range: range(15, 50, 62) },
    ]);
    const withoutDecl = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(email) },
      position: { line: 15, character: 51 },
      context: { includeDeclaration: false },
    });
    assert.equal(withoutDecl.length, 2);
  });

  it('hovers a revision id with its message, date, parents, children and file', async () => {
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    await client.waitForDiagnostics(email, 'loaded', (x) => x.length === 1);
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(email) }, position: { line: 15, character: 55 } });
    assert.deepEqual(h, {
      contents: {
        kind: 'markdown',
        value: [
          '**1a2b3c4d5e6f** — create users',
          '',
          '- Created: 2024-01-01 10:00:00.000000',
          '- Parents: none (base)',
          '- Children: `2b3c4d5e6f70`, `3c4d5e6f7081`',
          '- File: migrations/versions/1a2b3c4d5e6f_create_users.py',
          '',
          // A command link to Show Graph on this revision (the client trusts this command only).
          `[Show in Graph](command:alembic.showGraph?${encodeURIComponent(JSON.stringify([path.join(dirs['two-heads'], 'alembic.ini'), '1a2b3c4d5e6f']))} "Open the revision graph at 1a2b3c4d5e6f")`,
        ].join('\n'),
      },
      range: range(15, 50, 62),
    });
    const broken = file('broken-link', 'bbbb00000003_third.py');
    await client.waitForDiagnostics(broken, 'loaded', (x) => x.length === 1);
    const miss = await client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(broken) }, position: { line: 15, character: 52 } });
    assert.deepEqual(miss.contents, { kind: 'markdown', value: 'No revision `aaaa0000002` in broken-link/alembic.ini.' });
  });

  it('links ids to their revision files and shows a code lens above revision = …', async () => {
    const users = file('two-heads', '1a2b3c4d5e6f_create_users.py');
    const email = file('two-heads', '2b3c4d5e6f70_add_email.py');
    await client.waitForDiagnostics(email, 'loaded', (x) => x.length === 1);
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uriOf(email) } });
    assert.deepEqual(links, [
      { range: range(3, 9, 21), target: `${uriOf(users)}#L15`, tooltip: 'Open revision 1a2b3c4d5e6f (create users)' },
      { range: range(15, 50, 62), target: `${uriOf(users)}#L15`, tooltip: 'Open revision 1a2b3c4d5e6f (create users)' },
    ]);
    const lensUsers = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(users) } });
    assert.deepEqual(lensUsers.map((l) => [l.range.start.line, l.command?.title]), [[14, '2 children · branch point · base'], [14, '$(type-hierarchy) Show in Graph']]);
    // "Show in Graph" runs the extension's alembic.showGraph on this project and revision.
    const show = lensUsers[1].command;
    assert.equal(show?.command, 'alembic.showGraph');
    assert.equal(show?.arguments?.[1], '1a2b3c4d5e6f');
    assert.equal(typeof show?.arguments?.[0], 'string');
    const lensEmail = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(email) } });
    assert.deepEqual(lensEmail.map((l) => [l.range.start.line, l.command?.title]), [[14, '0 children · head'], [14, '$(type-hierarchy) Show in Graph']]);
  });
});
