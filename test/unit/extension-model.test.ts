// The Revisions tree's rows (src/extension/views/model.ts) and the menus of package.json that key on
// their contextValue: which inline buttons each row really gets.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DbRead } from '../../src/extension/db/dbread';
import { childrenOf, projectNode, viewDescription, type Node, type RevisionNode } from '../../src/extension/views/model';
import { snapshotEntry } from '../support/snapshot-entry';
import type { ProjectEntry } from '../../src/extension/projects/projects';
import type { RevisionInfo } from '../../src/protocol/protocol';

function rev(id: string, down: string[], extra: Partial<RevisionInfo> = {}): RevisionInfo {
  return {
    id, path: `/p/versions/${id}.py`, line: 14, downRevisions: down, dependsOn: [], branchLabels: [],
    effectiveBranchLabels: [], children: [], message: `msg ${id}`, createDate: null, ...extra,
  };
}

// base1 ─ mid2 ─ headA3 (label a)
//              └ headB3
const REVS: RevisionInfo[] = [
  rev('headB3000000000', ['mid200000000000']),
  rev('headA3000000000', ['mid200000000000'], { branchLabels: ['a'], effectiveBranchLabels: ['a'] }),
  rev('mid200000000000', ['base10000000000'], { children: ['headA3000000000', 'headB3000000000'] }),
  rev('base10000000000', [], { children: ['mid200000000000'], message: null }),
];

/** 2026-01-02 03:04:05 local time: when the database was read. */
const READ_AT = new Date(2026, 0, 2, 3, 4, 5).getTime();
function entry(db: DbRead, revisions: RevisionInfo[] = REVS): ProjectEntry {
  const snapshot = {
    key: '/p/alembic.ini', name: 'p (alembic.ini)', cwd: '/p', configPath: '/p/alembic.ini', section: 'alembic',
    versionLocations: ['/p/versions'], sqlalchemyUrlRedacted: 'postgresql://app:***@db/app', revisions,
    heads: ['headA3000000000', 'headB3000000000'], bases: ['base10000000000'], mergePoints: [],
    branchPoints: ['mid200000000000'], diagnostics: [],
  };
  return snapshotEntry(snapshot, db, READ_AT);
}

interface MenuItem { command: string; when: string; group?: string }
const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuItem[]> };
};

/** Evaluates the `view == … && viewItem =~ /…/` clauses our menus use against a row. */
function inlineActions(contextValue: string): string[] {
  return manifest.contributes.menus['view/item/context']
    .filter((m) => m.group?.startsWith('inline'))
    .filter((m) => {
      const re = /viewItem =~ \/(.*)\/$/.exec(m.when);
      return re !== null && new RegExp(re[1]).test(contextValue);
    })
    .map((m) => m.command);
}

const revisionRows = (nodes: Node[]): RevisionNode[] => nodes.filter((n): n is RevisionNode => n.kind === 'revision');

describe('extension tree model', () => {
  it('lists revisions newest first labelled "<message> · <short id>" (or the id), "<state>" plus markers as description', () => {
    const e = entry({ kind: 'ok', display: 'app@db:5432/app', dialect: 'postgresql', rows: ['mid200000000000'] });
    const rows = revisionRows(childrenOf(e));
    // The id is in the label because the tree's own find (type to filter) matches labels only.
    assert.deepEqual(rows.map((r) => [r.id, r.label, r.description]), [
      ['/p/alembic.ini/headB3000000000', 'msg headB3000000000 · headB3000000', 'pending · head'],
      ['/p/alembic.ini/headA3000000000', 'msg headA3000000000 · headA3000000', 'pending · head · (a)'],
      ['/p/alembic.ini/mid200000000000', 'msg mid200000000000 · mid200000000', 'current · branch point'],
      ['/p/alembic.ini/base10000000000', 'base10000000000', 'applied · base'],
    ]);
    assert.deepEqual(rows.map((r) => r.contextValue), [
      'revision:pending:head', 'revision:pending:head', 'revision:current:branchpoint', 'revision:applied',
    ]);
  });

  it('gives pending rows "Upgrade to Here" and applied/current rows "Downgrade to Here…" as inline buttons', () => {
    const e = entry({ kind: 'ok', display: 'app@db:5432/app', dialect: 'postgresql', rows: ['mid200000000000'] });
    const byState = new Map(revisionRows(childrenOf(e)).map((r) => [r.state, inlineActions(r.contextValue)]));
    assert.deepEqual(byState.get('pending'), ['alembic.upgradeToHere']);
    assert.deepEqual(byState.get('current'), ['alembic.downgradeToHere']);
    assert.deepEqual(byState.get('applied'), ['alembic.downgradeToHere']);
  });

  it('summarises the project as display · pending count; a labelled head and an unlabelled one get no Merge Heads button', () => {
    const e = entry({ kind: 'ok', display: 'app@db:5432/app', dialect: 'postgresql', rows: ['mid200000000000'] });
    const p = projectNode(e);
    assert.equal(p.id, '/p/alembic.ini');
    assert.equal(p.label, 'p (alembic.ini)');
    assert.equal(p.description, 'app@db:5432/app · 2 pending');
    // Separate lines by design (core/merge.ts): `a@head` / `heads` upgrade them; a merge would fold 'a' away.
    assert.equal(p.contextValue, 'project:postgresql:pending');
    assert.deepEqual(inlineActions(p.contextValue), ['alembic.upgradeHead']);
  });

  it('flags two unlabelled heads for the Merge Heads button', () => {
    const unlabelled = REVS.map((r) => ({ ...r, branchLabels: [], effectiveBranchLabels: [] }));
    const p = projectNode(entry({ kind: 'ok', display: 'app@db:5432/app', dialect: 'postgresql', rows: ['mid200000000000'] }, unlabelled));
    assert.equal(p.contextValue, 'project:postgresql:pending:multipleHeads');
    assert.deepEqual(inlineActions(p.contextValue), ['alembic.mergeHeads', 'alembic.upgradeHead']);
  });

  it('with a row the folder lacks, revisions no known row applies are unknown, and the counts say so', () => {
    const p = projectNode(entry({ kind: 'ok', display: 'app@db:5432/app', dialect: 'postgresql', rows: ['feedface0001'] }));
    assert.equal(p.description, 'app@db:5432/app · 0 pending · 4 unknown · 1 missing');
    const states = revisionRows(childrenOf(entry({ kind: 'ok', display: 'd', dialect: 'postgresql', rows: ['feedface0001'] }))).map((r) => r.state);
    assert.deepEqual(states, ['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('shows version-table rows missing from the folder first, with a Stamp… button', () => {
    const e = entry({ kind: 'ok', display: 'app@db:5432/app', dialect: 'postgresql', rows: ['headA3000000000', 'feedface0001'] });
    const nodes = childrenOf(e);
    assert.deepEqual(nodes[0], { kind: 'missing', id: '/p/alembic.ini/#missing/feedface0001', key: '/p/alembic.ini', revision: 'feedface0001' });
    assert.deepEqual(inlineActions('missing'), ['alembic.stamp']);
    assert.equal(projectNode(e).description, 'app@db:5432/app · 0 pending · 1 unknown · 1 missing');
  });

  it('turns a database error into one row saying why, with Retry and Open Settings (and Store Password for auth)', () => {
    const e = entry({ kind: 'error', display: 'app@db:5432/app', dialect: 'postgresql', reason: 'auth', message: 'password authentication failed for user "app"' });
    const nodes = childrenOf(e);
    assert.deepEqual(nodes[0], {
      kind: 'dbError', id: '/p/alembic.ini/#db', key: '/p/alembic.ini', reason: 'auth',
      label: 'Wrong user name or password', message: 'password authentication failed for user "app"',
    });
    assert.deepEqual(inlineActions('dbError:auth'), ['alembic.refresh', 'alembic.openSettings', 'alembic.setDatabasePassword']);
    assert.deepEqual(inlineActions('dbError:unreachable'), ['alembic.refresh', 'alembic.openSettings']);
    // Without a state, revision rows carry no state word and no migrate buttons.
    const rows = revisionRows(nodes);
    assert.equal(rows[3].description, 'base');
    assert.deepEqual(inlineActions(rows[3].contextValue), []);
    assert.equal(projectNode(e).description, 'app@db:5432/app · wrong user name or password');
    assert.ok(projectNode(e).tooltip.includes('Last read attempt 03:04:05 from app@db:5432/app: wrong user name or password'), projectNode(e).tooltip);
    assert.equal(viewDescription([e]), undefined, 'no state was read');
  });

  it('marks everything pending and says "not initialised" when the version table does not exist', () => {
    const e = entry({ kind: 'not-initialised', display: 'app@db:5432/app', dialect: 'postgresql' });
    const nodes = childrenOf(e);
    assert.equal(nodes[0].kind === 'notice' && nodes[0].label, 'Database not initialised');
    assert.deepEqual(revisionRows(nodes).map((r) => r.state), ['pending', 'pending', 'pending', 'pending']);
    assert.equal(projectNode(e).description, 'app@db:5432/app · not initialised · 4 pending');
    assert.ok(projectNode(e).tooltip.includes('State read 03:04:05 from app@db:5432/app'), projectNode(e).tooltip);
    // The view's title says when the newest state shown was read.
    assert.equal(viewDescription([e]), 'state read 03:04:05');
    const later = { ...e, readAt: e.readAt + 61_000 };
    const failed = { ...e, db: { kind: 'error', display: 'x', dialect: 'postgresql', reason: 'unreachable', message: 'm' } as const, readAt: e.readAt + 3_600_000 };
    assert.equal(viewDescription([e, later, failed]), 'state read 03:05:06');
  });

  it('says only "no database URL" when the config holds alembic\'s driver:// placeholder, not the placeholder beside it', () => {
    const e = entry({ kind: 'no-url' });
    e.snapshot.sqlalchemyUrlRedacted = 'driver://user:***@localhost/dbname';
    assert.equal(projectNode(e).description, 'no database URL');
    assert.ok(!projectNode(e).tooltip.includes('driver://'));
    assert.ok(!/read/i.test(projectNode(e).tooltip), 'nothing was read without a URL');
    assert.equal(viewDescription([e]), undefined);
    const first = childrenOf(e)[0];
    assert.equal(first.kind === 'notice' && first.label, 'No database URL configured');
  });

  it('in Restricted Mode lists every revision without a state, says why, and its notice row opens Manage Workspace Trust', () => {
    const e = entry({ kind: 'restricted' });
    const nodes = childrenOf(e);
    const first = nodes[0];
    assert.equal(first.kind, 'notice');
    assert.ok(first.kind === 'notice' && /Restricted Mode/.test(first.label) && first.command === 'workbench.trust.manage');
    assert.deepEqual(revisionRows(nodes).map((r) => [r.revision.id, r.state]), REVS.map((r) => [r.id, null]));
    assert.match(projectNode(e).description, /Restricted Mode/);
  });

  it('the manifest declares limited Workspace Trust support, restricting every setting that picks a command, URL, variable or config file', () => {
    const m = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: unknown }; virtualWorkspaces?: unknown };
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    const trust = m.capabilities?.untrustedWorkspaces;
    assert.equal(trust?.supported, 'limited');
    const restricted = trust?.restrictedConfigurations;
    assert.ok(Array.isArray(restricted));
    for (const key of ['alembic.command', 'alembic.xArgs', 'alembic.databaseUrl', 'alembic.databaseUrlEnvVar', 'alembic.configFile']) {
      assert.ok(restricted.includes(key), `${key} is restricted`);
    }
    for (const key of restricted) assert.ok(typeof key === 'string' && key in m.contributes.configuration.properties, `${String(key)} is a setting`);
    assert.notEqual(m.capabilities?.virtualWorkspaces, undefined);
  });

  it('Pending only keeps the pending revisions and the database rows; without a known state it hides nothing', () => {
    const e = entry({ kind: 'ok', display: 'app@db:5432/app', dialect: 'postgresql', rows: ['mid200000000000', 'gone00000000'] });
    const nodes = childrenOf(e, { pendingOnly: true });
    assert.deepEqual(nodes.map((n) => n.id), ['/p/alembic.ini/#missing/gone00000000', '/p/alembic.ini/headB3000000000', '/p/alembic.ini/headA3000000000']);
    const unknown = entry({ kind: 'no-url' });
    assert.equal(revisionRows(childrenOf(unknown, { pendingOnly: true })).length, 4);
  });
});
