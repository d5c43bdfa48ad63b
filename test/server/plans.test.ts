// The plan requests the extension asks instead of computing any Alembic rule itself
// (alembic/state, alembic/plan, alembic/offers, alembic/ownSql), and the config's database URL the
// extension asks instead of parsing the config (alembic/databaseUrl), over stdio against dist/server.js.
import * as assert from 'node:assert/strict';
import type { DatabaseUrlResult, OfferInfo, OwnSqlResult, PlanResult, ProjectSnapshot, StateResult } from '../../src/protocol/protocol';
import { copyFixtures, LspTestClient } from './lsp-client';

describe('server plan requests (LSP over stdio)', function () {
  this.timeout(60000);
  let client: LspTestClient | undefined;
  let key = '';

  before(async () => {
    const { dirs } = await copyFixtures('two-heads');
    client = await LspTestClient.start({ folders: [{ name: 'two-heads', path: dirs['two-heads'] }] });
    const projects = await client.request<ProjectSnapshot[]>('alembic/projects', null);
    key = projects[0].key;
    // Two unlabelled heads over one base: they want a merge.
    assert.deepEqual(projects[0].mergeCandidates, [['2b3c4d5e6f70', '3c4d5e6f7081']]);
    assert.equal(projects[0].labelledMergeWarning, null);
  });
  after(async () => {
    await client?.stop();
  });

  it('alembic/state: core\'s states; a row the folder lacks makes the rest unknown, not pending', async () => {
    const s = await client?.request<StateResult>('alembic/state', { key, rows: ['2b3c4d5e6f70'] });
    assert.deepEqual(s, { rows: ['2b3c4d5e6f70'], states: { '1a2b3c4d5e6f': 'applied', '2b3c4d5e6f70': 'current', '3c4d5e6f7081': 'pending' }, missing: [], notes: [] });
    const m = await client?.request<StateResult>('alembic/state', { key, rows: ['ffff00001111'] });
    assert.deepEqual(m?.states, { '1a2b3c4d5e6f': 'unknown', '2b3c4d5e6f70': 'unknown', '3c4d5e6f7081': 'unknown' });
    assert.deepEqual(m?.missing, ['ffff00001111']);
  });

  it('alembic/plan: the plan with the rows after, or alembic\'s message', async () => {
    const up = await client?.request<PlanResult>('alembic/plan', { key, rows: ['2b3c4d5e6f70'], command: 'upgrade', target: 'heads', purge: false });
    assert.deepEqual(up, { ok: true, plan: { command: ['upgrade', 'heads'], apply: ['3c4d5e6f7081'], revert: [], rowsAfter: ['2b3c4d5e6f70', '3c4d5e6f7081'], orderNote: null } });
    const head = await client?.request<PlanResult>('alembic/plan', { key, rows: [], command: 'upgrade', target: 'head', purge: false });
    assert.equal(head?.ok, false);
    assert.match(head?.ok === false ? head.message : '', /^Multiple head revisions are present for given argument 'head'/);
  });

  it('alembic/offers: only targets whose plan succeeds; downgradeOne reverts one row', async () => {
    const ups = (await client?.request<OfferInfo[]>('alembic/offers', { key, rows: [], kind: 'upgrade', purge: false, row: null })) ?? [];
    assert.ok(!ups.some((o) => o.target === 'head'), 'head fails with two heads');
    assert.equal(ups[0].target, 'heads');
    const one = await client?.request<OfferInfo[]>('alembic/offers', { key, rows: ['2b3c4d5e6f70', '3c4d5e6f7081'], kind: 'downgradeOne', purge: false, row: '3c4d5e6f7081' });
    assert.deepEqual(one?.map((o) => [o.target, o.plan.revert]), [['3c4d5e6f7081@-1', ['3c4d5e6f7081']]]);
  });

  it('alembic/ownSql: a revision\'s own SQL arguments; an unknown project or malformed params answer null', async () => {
    const sql = await client?.request<OwnSqlResult>('alembic/ownSql', { key, rows: ['2b3c4d5e6f70'], revision: '2b3c4d5e6f70' });
    assert.deepEqual(sql, { args: ['downgrade', '2b3c4d5e6f70:1a2b3c4d5e6f', '--sql'], others: [] });
    assert.equal(await client?.request('alembic/ownSql', { key: 'nope', rows: [], revision: 'x' }), null);
    assert.equal(await client?.request('alembic/plan', { key, rows: 'x', command: 'upgrade', target: 'head' }), null);
  });

  it('alembic/databaseUrl: the config\'s sqlalchemy.url as the server parsed it (password included), only when asked', async () => {
    const answer = await client?.request<DatabaseUrlResult>('alembic/databaseUrl', { key });
    assert.deepEqual(answer, { url: 'postgresql://app:s3cret@localhost:5432/app' });
    // The snapshots every view gets carry the redacted form only.
    const projects = (await client?.request<ProjectSnapshot[]>('alembic/projects', null)) ?? [];
    assert.equal(projects[0].sqlalchemyUrlRedacted, 'postgresql://app:***@localhost:5432/app');
    assert.ok(!JSON.stringify(projects).includes('s3cret'));
    assert.equal(await client?.request('alembic/databaseUrl', { key: 'nope' }), null);
    assert.equal(await client?.request('alembic/databaseUrl', { key: 3 }), null);
  });
});
