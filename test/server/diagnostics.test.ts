// Diagnostics the bundled server publishes over stdio, and how they follow unsaved edits, disk
// changes (didChangeWatchedFiles) and broken input.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { renderMigration } from '../support/fixture-writer';
import { copyFixtures, LspTestClient, uriOf } from './lsp-client';

const V = ['migrations', 'versions'];
const ERROR = 1;
const range = (line: number, start: number, end: number): Diagnostic['range'] => ({
  start: { line, character: start },
  end: { line, character: end },
});
const codes = (d: Diagnostic[]): string[] => d.map((x) => String(x.code)).sort();
const msgOf = (d: Diagnostic | undefined): string => (d === undefined ? '' : typeof d.message === 'string' ? d.message : d.message.value);

describe('server diagnostics (LSP over stdio)', function () {
  this.timeout(30000);
  let client: LspTestClient;
  let dirs: Record<string, string>;
  let heads: { email: string; orders: string; users: string };
  let broken: { second: string; third: string };
  let dup: { first: string; second: string };

  beforeEach(async () => {
    ({ dirs } = await copyFixtures('two-heads', 'broken-link', 'duplicate'));
    const th = path.join(dirs['two-heads'], ...V);
    heads = {
      users: path.join(th, '1a2b3c4d5e6f_create_users.py'),
      email: path.join(th, '2b3c4d5e6f70_add_email.py'),
      orders: path.join(th, '3c4d5e6f7081_add_orders.py'),
    };
    const bl = path.join(dirs['broken-link'], ...V);
    broken = { second: path.join(bl, 'aaaa00000002_second.py'), third: path.join(bl, 'bbbb00000003_third.py') };
    const du = path.join(dirs['duplicate'], ...V);
    dup = { first: path.join(du, 'eeee00000002_first_copy.py'), second: path.join(du, 'eeee00000002_second_copy.py') };
    client = await LspTestClient.start({ folders: Object.entries(dirs).map(([name, p]) => ({ name, path: p })) });
  });

  afterEach(async () => {
    await client.stop();
  });

  it('puts multiple-heads on the revision line of each head, naming the other head as related information', async () => {
    const has = (d: Diagnostic[]): boolean => d.some((x) => x.code === 'multiple-heads');
    const email = await client.waitForDiagnostics(heads.email, 'multiple-heads', has);
    const orders = await client.waitForDiagnostics(heads.orders, 'multiple-heads', has);
    const message =
      "2 heads: 2b3c4d5e6f70, 3c4d5e6f7081. 'alembic upgrade head' will fail. Merge them: " +
      'alembic merge -m "merge heads" 2b3c4d5e6f70 3c4d5e6f7081';
    assert.deepEqual(email, [
      {
        range: range(14, 0, 30),
        severity: ERROR,
        source: 'alembic',
        code: 'multiple-heads',
        message,
        relatedInformation: [{ location: { uri: uriOf(heads.orders), range: range(14, 0, 30) }, message: 'other head 3c4d5e6f7081' }],
        data: { kind: 'heads', heads: ['2b3c4d5e6f70', '3c4d5e6f7081'] },
      },
    ]);
    assert.deepEqual(orders[0].relatedInformation, [
      { location: { uri: uriOf(heads.email), range: range(14, 0, 30) }, message: 'other head 2b3c4d5e6f70' },
    ]);
    // The base is fine: nothing is published for it.
    assert.equal(client.diagnosticsOf(heads.users), undefined);
  });

  it('puts a broken down_revision on the id in its down_revision line', async () => {
    const d = await client.waitForDiagnostics(broken.third, 'missing-down-revision', (x) =>
      x.some((y) => y.code === 'missing-down-revision'),
    );
    const missing = d.find((x) => x.code === 'missing-down-revision');
    assert.deepEqual(missing?.range, range(15, 50, 61));
    assert.equal(missing?.severity, ERROR);
    assert.equal(
      msgOf(missing),
      "down_revision 'aaaa0000002' does not match any revision in this folder (Revision aaaa0000002 referenced " +
        "from bbbb00000003 is not present). Alembic fails with KeyError: 'aaaa0000002' on every command.",
    );
    assert.deepEqual(missing?.data, { kind: 'missing-ref', missing: 'aaaa0000002', referencedFrom: 'bbbb00000003', field: 'down_revision' });
  });

  it('flags a duplicated revision id in both files, each pointing at the other', async () => {
    const has = (d: Diagnostic[]): boolean => d.some((x) => x.code === 'duplicate-revision');
    const first = await client.waitForDiagnostics(dup.first, 'duplicate-revision', has);
    const second = await client.waitForDiagnostics(dup.second, 'duplicate-revision', has);
    const f = first.find((x) => x.code === 'duplicate-revision');
    const s = second.find((x) => x.code === 'duplicate-revision');
    assert.deepEqual(f?.range, range(14, 0, 30));
    assert.deepEqual(s?.range, range(14, 0, 30));
    assert.match(msgOf(f), /^Revision eeee00000002 is present more than once \(also in .*eeee00000002_second_copy\.py\)/);
    assert.deepEqual(f?.relatedInformation?.map((r) => r.location.uri), [uriOf(dup.second)]);
    assert.deepEqual(s?.relatedInformation?.map((r) => r.location.uri), [uriOf(dup.first)]);
  });

  it('clears the diagnostics once an unsaved edit fixes the link, and brings them back when the buffer is closed unsaved', async () => {
    await client.waitForDiagnostics(broken.third, 'initial', (d) => d.length === 1);
    // The chain cut off by the broken link ends in a second head; it is no multiple-heads noise.
    assert.equal(client.diagnosticsOf(broken.second), undefined);
    const text = await client.open(broken.third);
    const headsPublishedBefore = client.published.filter((p) => p.uri === uriOf(heads.email)).length;
    await client.change(broken.third, text.replace("= 'aaaa0000002'", "= 'aaaa00000002'"));
    await client.waitForDiagnostics(broken.third, 'cleared after the fix', (d) => d.length === 0);
    // Only files whose diagnostics changed are republished: the other project's are not.
    assert.equal(client.published.filter((p) => p.uri === uriOf(heads.email)).length, headsPublishedBefore);
    // The disk still holds the broken link: closing the unsaved buffer restores the diagnostics.
    await client.close(broken.third);
    const back = await client.waitForDiagnostics(broken.third, 'restored from disk', (d) => d.length === 1);
    assert.deepEqual(codes(back), ['missing-down-revision']);
    assert.equal(client.diagnosticsOf(broken.second), undefined);
  });

  it('the open buffer wins over the disk: a disk change of an open file is ignored until it is closed', async () => {
    await client.waitForDiagnostics(broken.third, 'initial', (d) => d.length === 1);
    const text = await client.open(broken.third);
    const fixed = text.replace("= 'aaaa0000002'", "= 'aaaa00000002'");
    await fs.writeFile(broken.third, fixed);
    await client.filesChanged([{ file: broken.third, type: 2 }]);
    // Now break the buffer differently; the server must follow the buffer, not the fixed disk.
    await client.change(broken.third, text.replace("= 'aaaa0000002'", "= 'ffff00000000'"));
    const d = await client.waitForDiagnostics(broken.third, 'buffer link', (x) =>
      x.some((y) => y.code === 'missing-down-revision' && msgOf(y).startsWith("down_revision 'ffff00000000'")),
    );
    assert.deepEqual(codes(d), ['missing-down-revision']);
    await client.close(broken.third);
    await client.waitForDiagnostics(broken.third, 'disk is fixed', (x) => x.length === 0);
  });

  it('clears the diagnostics of a file deleted on disk, and of the head it leaves alone', async () => {
    await client.waitForDiagnostics(heads.orders, 'initial', (d) => d.length === 1);
    await fs.rm(heads.orders);
    await client.filesChanged([{ file: heads.orders, type: 3 }]);
    await client.waitForDiagnostics(heads.orders, 'deleted file cleared', (d) => d.length === 0);
    await client.waitForDiagnostics(heads.email, 'remaining head cleared', (d) => d.length === 0);
  });

  it('follows a rename on disk (delete + create) and a new merge revision', async () => {
    await client.waitForDiagnostics(heads.orders, 'initial', (d) => d.length === 1);
    const renamed = path.join(path.dirname(heads.orders), '3c4d5e6f7081_orders_renamed.py');
    await fs.rename(heads.orders, renamed);
    await client.filesChanged([
      { file: heads.orders, type: 3 },
      { file: renamed, type: 1 },
    ]);
    await client.waitForDiagnostics(heads.orders, 'old name cleared', (d) => d.length === 0);
    await client.waitForDiagnostics(renamed, 'new name flagged', (d) => d.some((x) => x.code === 'multiple-heads'));
    const merge = path.join(path.dirname(heads.orders), '4d5e6f708192_merge.py');
    const src = await fs.readFile(heads.email, 'utf8');
    await fs.writeFile(
      merge,
      src
        .replace(/2b3c4d5e6f70/g, '4d5e6f708192')
        .replace("down_revision: Union[str, Sequence[str], None] = '1a2b3c4d5e6f'", "down_revision = ('2b3c4d5e6f70', '3c4d5e6f7081')"),
    );
    await client.filesChanged([{ file: merge, type: 1 }]);
    await client.waitForDiagnostics(renamed, 'merged', (d) => d.length === 0);
    await client.waitForDiagnostics(heads.email, 'merged', (d) => d.length === 0);
    assert.equal(client.diagnosticsOf(merge), undefined);
  });

  it('takes a burst of 250 new files (a branch switch) in one go', async () => {
    await client.waitForDiagnostics(heads.orders, 'initial', (d) => d.length === 1);
    const v = path.dirname(heads.orders);
    const ids = Array.from({ length: 250 }, (_, i) => `c0de${String(i).padStart(8, '0')}`);
    const files = ids.map((id) => path.join(v, `${id}_step.py`));
    await Promise.all(
      ids.map((id, i) => fs.writeFile(files[i], renderMigration({ id, down: i === 0 ? '3c4d5e6f7081' : ids[i - 1], message: `step ${i}` }))),
    );
    await client.filesChanged(files.map((file) => ({ file, type: 1 as const })));
    await client.waitForDiagnostics(heads.orders, 'no longer a head', (d) => d.length === 0);
    const last = await client.waitForDiagnostics(files[249], 'the new head', (d) => d.length === 1);
    assert.equal(last[0].code, 'multiple-heads');
    assert.deepEqual(last[0].data, { kind: 'heads', heads: ['2b3c4d5e6f70', 'c0de00000249'] });
  });

  it('rediscovers a project when its alembic.ini changes, and drops it when the ini is deleted', async () => {
    await client.waitForDiagnostics(heads.orders, 'initial', (d) => d.length === 1);
    const ini = path.join(dirs['two-heads'], 'alembic.ini');
    // Point the project at a versions folder that holds only the base: no second head any more.
    const only = path.join(dirs['two-heads'], 'other_versions');
    await fs.mkdir(only);
    await fs.copyFile(heads.users, path.join(only, path.basename(heads.users)));
    const text = await fs.readFile(ini, 'utf8');
    await fs.writeFile(ini, text.replace('prepend_sys_path = .', 'prepend_sys_path = .\nversion_locations = %(here)s/other_versions'));
    await client.filesChanged([{ file: ini, type: 2 }]);
    await client.waitForDiagnostics(heads.orders, 'cleared after the config change', (d) => d.length === 0);
    const snap = await client.request<Array<{ key: string; versionLocations: string[] }>>('alembic/projects', null);
    assert.deepEqual(snap.find((s) => s.key === ini)?.versionLocations, [only]);
    await fs.writeFile(ini, text);
    await client.filesChanged([{ file: ini, type: 2 }]);
    await client.waitForDiagnostics(heads.orders, 'back after the config is restored', (d) => d.length === 1);
    await fs.rm(ini);
    await client.filesChanged([{ file: ini, type: 3 }]);
    await client.waitForDiagnostics(heads.orders, 'cleared when the project is gone', (d) => d.length === 0);
    const after = await client.request<Array<{ key: string }>>('alembic/projects', null);
    assert.equal(after.some((s) => s.key === ini), false);
  });

  it('survives garbage, non-UTF-8 and huge files: a diagnostic, and the server keeps answering', async () => {
    await client.waitForDiagnostics(heads.orders, 'initial', (d) => d.length === 1);
    const v = path.dirname(heads.orders);
    const garbage = path.join(v, '9999_garbage.py');
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    await fs.writeFile(garbage, bytes);
    const latin1 = path.join(v, '8888_latin1.py');
    await fs.writeFile(latin1, Buffer.from('"""caf\xe9"""\nrevision = \'88880000aaaa\'\ndown_revision = \'1a2b3c4d5e6f\'\n', 'latin1'));
    const huge = path.join(v, '7777_huge.py');
    await fs.writeFile(huge, `revision = '77770000aaaa'\ndown_revision = '3c4d5e6f7081'\n` + `x = '${'y'.repeat(200)}'\n`.repeat(40000));
    await client.filesChanged([
      { file: garbage, type: 1 },
      { file: latin1, type: 1 },
      { file: huge, type: 1 },
    ]);
    const g = await client.waitForDiagnostics(garbage, 'garbage reported', (d) => d.length > 0);
    assert.ok(g.every((x) => x.source === 'alembic'));
    const l = await client.waitForDiagnostics(latin1, 'latin-1 reported', (d) => d.some((x) => x.code === 'parse-error'));
    assert.ok(l.length > 0);
    // The huge file was read: it is now a child of 3c4d5e6f7081, so that head moved to 7777….
    await client.waitForDiagnostics(heads.orders, 'huge file read', (d) => d.length === 0);
    // Opening the garbage as a buffer (as an editor would) is fine too.
    await client.open(garbage, bytes.toString('latin1'));
    const snap = await client.request<Array<{ key: string; heads: string[] }>>('alembic/projects', null);
    assert.ok(snap.find((s) => s.key === path.join(dirs['two-heads'], 'alembic.ini'))?.heads.includes('77770000aaaa'));
    assert.ok(client.alive);
  });

  it('an interpolation bomb in alembic.ini is an error on its line; the server keeps answering', async () => {
    await client.waitForDiagnostics(heads.orders, 'initial', (d) => d.length === 1);
    const ini = path.join(dirs['two-heads'], 'alembic.ini');
    const lines = ['[alembic]', 'script_location = %(here)s/migrations', 'sqlalchemy.url = %(k9)s', 'k0 = x'];
    for (let i = 1; i <= 9; i++) lines.push(`k${i} = ${`%(k${i - 1})s`.repeat(30)}`);
    await fs.writeFile(ini, lines.join('\n') + '\n');
    await client.filesChanged([{ file: ini, type: 2 }]);
    const d = await client.waitForDiagnostics(ini, 'the bomb reported', (x) => x.some((y) => /expand to more than 1 MB/.test(msgOf(y))));
    const bomb = d.find((y) => /expand to more than 1 MB/.test(msgOf(y)));
    assert.equal(bomb?.severity, ERROR);
    assert.equal(bomb?.range.start.line, 2);
    assert.ok(client.alive);
  });

  it('a versions folder that disappears clears its files and reports the missing folder on the config', async () => {
    await client.waitForDiagnostics(heads.orders, 'initial', (d) => d.length === 1);
    const v = path.dirname(heads.orders);
    await fs.rm(v, { recursive: true });
    await client.filesChanged([{ file: v, type: 3 }]);
    await client.waitForDiagnostics(heads.orders, 'folder gone', (d) => d.length === 0);
    const ini = path.join(dirs['two-heads'], 'alembic.ini');
    const d = await client.waitForDiagnostics(ini, 'missing folder', (x) => x.length > 0);
    assert.match(msgOf(d[0]), /Versions folder does not exist: .*migrations[/\\]versions/);
    const snap = await client.request<Array<{ key: string; revisions: unknown[] }>>('alembic/projects', null);
    assert.equal(snap.find((s) => s.key === ini)?.revisions.length, 0);
  });
});
