// The graph webview's model (src/extension/graph/model.ts), computed in the host: states, markers,
// labels, ghosts, database rows the folder lacks, folds; the detail panel's functions; the SVG export.
import * as assert from 'node:assert/strict';
import type { DbRead } from '../../src/extension/db/dbread';
import type { ModelRow } from '../../src/extension/graph/messages';
import { buildGraphModel, migrationFunctions, type FoldState } from '../../src/extension/graph/model';
import { renderSvg } from '../../src/extension/graph/svg';
import { snapshotEntry } from '../support/snapshot-entry';
import type { ProjectEntry } from '../../src/extension/projects/projects';
import type { ProjectSnapshot, RevisionInfo } from '../../src/protocol/protocol';

function rev(id: string, down: string[], extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return {
    id, path: `/p/versions/${id}_x.py`, line: 14, downRevisions: down, dependsOn: [], branchLabels: [],
    effectiveBranchLabels: [], children: [], message: `msg ${id}`, createDate: '2026-01-01 10:00:00', ...extra,
  };
}

/** 2026-01-02 03:04:05 local time: when the database was read. */
const READ_AT = new Date(2026, 0, 2, 3, 4, 5).getTime();
function entry(revisions: RevisionInfo[], db: DbRead, extra: Partial<ProjectSnapshot> = {}): ProjectEntry {
  const children = new Map<string, string[]>();
  for (const r of revisions) for (const p of r.downRevisions) children.set(p, [...(children.get(p) ?? []), r.id]);
  for (const r of revisions) r.children = children.get(r.id) ?? [];
  const snapshot = {
    key: '/p/alembic.ini', name: 'p (alembic.ini)', cwd: '/p', configPath: '/p/alembic.ini', section: 'alembic',
    versionLocations: ['/p/versions'], sqlalchemyUrlRedacted: null, revisions,
    heads: revisions.filter((r) => (children.get(r.id) ?? []).length === 0).map((r) => r.id),
    bases: revisions.filter((r) => r.downRevisions.length === 0).map((r) => r.id),
    mergePoints: revisions.filter((r) => r.downRevisions.length > 1).map((r) => r.id),
    branchPoints: revisions.filter((r) => (children.get(r.id) ?? []).length > 1).map((r) => r.id),
    diagnostics: [], ...extra,
  };
  return snapshotEntry(snapshot, db, READ_AT);
}

const ok = (rows: string[]): DbRead => ({ kind: 'ok', display: 'app@db/app', dialect: 'postgresql', rows });
const noFolds: FoldState = { foldByDefault: false, toggled: new Set() };
const rowsOf = (e: ProjectEntry, folds = noFolds): ModelRow[] => buildGraphModel(e, [e], folds).model.lines.filter((l): l is ModelRow => l.kind === 'row');

/** A chain of n revisions r1 (base) … rn (head), newest first. */
function chain(n: number, label?: string): RevisionInfo[] {
  return Array.from({ length: n }, (_, k) => {
    const i = n - k;
    return rev(`r${String(i).padStart(3, '0')}`, i === 1 ? [] : [`r${String(i - 1).padStart(3, '0')}`], i === 1 && label ? { branchLabels: [label] } : {});
  });
}

describe('buildGraphModel', () => {
  it('colours every node by its database state and marks heads, bases, merges, branch points and labels', () => {
    // base ─ a ─┬─ b ─┐
    //           └─ c ─┴─ m (merge, head)
    const revs = [rev('m', ['b', 'c']), rev('c', ['a']), rev('b', ['a']), rev('a', ['base'], { branchLabels: ['core'] }), rev('base', [])];
    const rows = rowsOf(entry(revs, ok(['b'])));
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    assert.deepEqual(rows.map((r) => [r.id, r.state]), [['m', 'pending'], ['c', 'pending'], ['b', 'current'], ['a', 'applied'], ['base', 'applied']]);
    assert.ok(by.m.head && by.m.merge && !by.m.base);
    assert.ok(by.base.base && by.a.branchPoint);
    assert.deepEqual(by.a.labels, ['core']);
    assert.equal(by.a.file, 'a_x.py', 'the webview gets the file name, not the path');
    assert.notEqual(by.b.lane, by.c.lane, 'the two branches get two lanes');
  });

  it('says "unknown" without a database, and gives the note', () => {
    const built = buildGraphModel(entry(chain(3), { kind: 'no-url' }), [], noFolds).model;
    assert.ok(built.lines.every((l) => l.kind === 'row' && l.state === 'unknown'));
    assert.equal(built.note, 'No database URL configured.');
  });

  it('draws a missing parent as a ghost with the children that name it, and database rows the folder lacks on top', () => {
    const revs = [rev('b', ['gone']), rev('a', [])];
    const rows = rowsOf(entry(revs, ok(['a', 'zzz'])));
    assert.deepEqual(rows.map((r) => [r.id, r.state, r.ghost]), [['zzz', 'missing', false], ['b', 'broken', false], ['gone', 'unknown', true], ['a', 'current', false]]);
    assert.deepEqual(rows[2].brokenChildren, ['b']);
    // A database row that is also the missing parent is drawn once, as the ghost, coloured missing;
    // b (broken link) is broken (its own state, as core/state.ts says), a (maybe below the row the
    // folder lacks) is unknown, not pending.
    const again = rowsOf(entry(revs, ok(['gone'])));
    assert.deepEqual(again.map((r) => [r.id, r.state, r.ghost]), [['b', 'broken', false], ['gone', 'missing', true], ['a', 'unknown', false]]);
    // Without a row the folder lacks: a is current, b broken (not pending: alembic refuses it).
    const third = rowsOf(entry(revs, ok(['a'])));
    assert.deepEqual(third.map((r) => [r.id, r.state]), [['b', 'broken'], ['gone', 'unknown'], ['a', 'current']]);
  });

  it('folds long linear runs, keeping heads, bases, labels and the applied/pending boundary in view', () => {
    const revs = chain(40, 'main');
    const e = entry(revs, ok(['r030']));
    const all = buildGraphModel(e, [e], { foldByDefault: true, toggled: new Set() });
    const kinds = all.model.lines.map((l) => (l.kind === 'fold' ? `fold ${l.hidden}` : l.kind === 'row' ? l.id : ''));
    // r040 head, r031 the pending row above the current r030, r029 the applied row below it, r001 base with its label.
    assert.deepEqual(kinds, ['r040', 'fold 8', 'r031', 'r030', 'r029', 'r028', 'fold 26', 'r001']);
    // A fold carries what it hides, so search finds a folded revision (and unfolds its run).
    const fold = all.model.lines[1];
    assert.ok(fold.kind === 'fold');
    assert.deepEqual(fold.ids, ['r039', 'r038', 'r037', 'r036', 'r035', 'r034', 'r033', 'r032']);
    assert.equal(fold.search[0], 'r039 msg r039  r039_x.py');
    // Edges into and out of a fold stay attached to the rows around it.
    assert.ok(all.model.edges.every((x) => x.c < x.p && x.p < all.model.lines.length));
    // Unfolding one run by its first row id brings its rows back.
    const one = buildGraphModel(e, [e], { foldByDefault: true, toggled: new Set([all.runIds[0]]) });
    assert.equal(one.model.lines.filter((l) => l.kind === 'fold').length, 1);
    assert.equal(rowsOf(e).length, 40);
  });

  it('counts revisions, pending and missing for the header (with a row the folder lacks, nothing is invented as pending)', () => {
    const e = entry(chain(5), ok(['r002', 'nope']));
    assert.deepEqual(buildGraphModel(e, [e], noFolds).model.counts, { revisions: 5, pending: 0, missing: 1 });
    const f = entry(chain(5), ok(['r002']));
    assert.deepEqual(buildGraphModel(f, [f], noFolds).model.counts, { revisions: 5, pending: 3, missing: 0 });
  });
});

describe('migrationFunctions', () => {
  it('returns upgrade() and downgrade() verbatim, comments and blank lines inside kept', () => {
    const text = [
      '"""add email"""', 'from alembic import op', '', 'revision = "b"', '', '', 'def upgrade() -> None:', '    # add it',
      '    op.add_column("users", sa.Column("email", sa.String()))', '', '    op.create_index("ix", "users", ["email"])', '', '',
      'def downgrade():', '    op.drop_column("users", "email")', '',
    ].join('\n');
    const f = migrationFunctions(text);
    assert.equal(f.upgrade, 'def upgrade() -> None:\n    # add it\n    op.add_column("users", sa.Column("email", sa.String()))\n\n    op.create_index("ix", "users", ["email"])');
    assert.equal(f.downgrade, 'def downgrade():\n    op.drop_column("users", "email")');
    assert.deepEqual(migrationFunctions('x = 1'), { upgrade: '', downgrade: '' });
  });
});

describe('renderSvg', () => {
  it('writes a standalone SVG with every node, edge and escaped text', () => {
    const revs = [rev('b', ['a'], { message: 'a <b> & "c"', dependsOn: ['d'] }), rev('a', []), rev('d', [])];
    const e = entry(revs, ok(['a']));
    const svg = renderSvg(buildGraphModel(e, [e], noFolds).model, 'p & q');
    assert.ok(svg.startsWith('<?xml'));
    assert.match(svg, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal((svg.match(/<circle /g) ?? []).length, 3);
    assert.equal((svg.match(/<path /g) ?? []).length, 2, 'one down edge, one dashed depends_on');
    assert.match(svg, /stroke-dasharray="4 3"/);
    assert.match(svg, /a &#60;b&#62; &#38; &#34;c&#34;/);
    assert.doesNotMatch(svg, /<script|href=/);
    // Balanced tags: every opened element is closed (a cheap well-formedness check; the UI test parses it in a browser).
    const opened = (svg.match(/<(svg|g|text|title|tspan|circle)\b/g) ?? []).length - (svg.match(/<(svg|g|text|title|tspan|circle)\b[^>]*\/>/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|g|text|title|tspan|circle)>/g) ?? []).length;
    assert.equal(opened, closed);
  });
});

describe('graphHtml', () => {
  it('has a strict CSP: nothing by default, scripts only with the nonce, no inline styles, nothing remote', async () => {
    const { graphHtml } = await import('../../src/extension/graph/html');
    const html = graphHtml({ cspSource: 'vscode-resource:', nonce: 'N0nce', asset: (...p) => `vscode-resource:/ext/${p.join('/')}` });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0nce'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.ok(scripts.length === 1 && scripts.every((t) => t.includes('nonce="N0nce"') && t.includes('dist/webview/graph.js')));
    assert.doesNotMatch(html.replace(/xmlns="[^"]*"/g, ""), /https?:\/\//, "no remote URL (an XML namespace is a name, not a load)");
    assert.doesNotMatch(html, /\sstyle="/);
    // Every control a screen reader meets has a name.
    for (const b of html.match(/<button[^>]*>/g) ?? []) assert.match(b, /aria-label="|id="merge"/);
  });
});
