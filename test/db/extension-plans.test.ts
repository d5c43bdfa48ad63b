// The sidebar's confirmation modals promise exactly which revisions an upgrade / downgrade /
// stamp touches (src/extension/plans.ts). Here every promise is checked against the real alembic
// on a branched project (sqlite database): the revisions alembic logs as "Running upgrade/downgrade"
// and the rows `alembic current` prints afterwards.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseCurrentOutput } from '../../src/core/alembic-output';
import { SnapshotGraph } from '../../src/extension/plans';
import type { RevisionInfo } from '../../src/protocol/protocol';
import { writeAlembicProject, type AlembicProject, type ProjectRevision } from '../support/alembic-project';
import { alembicOk } from './helpers';

// x ─ a1(alpha) ─ a2 ─ c1            heads: c1, n1, b2
//  │        │      └─ n1 (merge a2+b1)
//  └─ b1 ───┼──────┘
//     └─ b2 (depends_on a1)
const REVISIONS: ProjectRevision[] = [
  { id: 'x0000001', down: null, message: 'base' },
  { id: 'a0000001', down: 'x0000001', branchLabels: ['alpha'], message: 'a one' },
  { id: 'a0000002', down: 'a0000001', message: 'a two' },
  { id: 'c0000001', down: 'a0000002', message: 'c one' },
  { id: 'b0000001', down: 'x0000001', message: 'b one' },
  { id: 'b0000002', down: 'b0000001', dependsOn: ['a0000001'], message: 'b two' },
  { id: 'n0000001', down: ['a0000002', 'b0000001'], message: 'merge' },
];

/** The snapshot the server would send: revisions newest first, children filled in. */
function snapshotRevisions(specs: ProjectRevision[]): RevisionInfo[] {
  const downs = (s: ProjectRevision): string[] => (s.down === null ? [] : Array.isArray(s.down) ? s.down : [s.down]);
  const byId = new Map(specs.map((s) => [s.id, s]));
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    const s = byId.get(id);
    if (!s) return;
    for (const p of [...downs(s), ...(s.dependsOn ?? [])]) visit(p);
    order.push(id);
  };
  specs.forEach((s) => visit(s.id));
  return order.reverse().map((id) => {
    const s = byId.get(id) as ProjectRevision;
    return {
      id,
      path: `/versions/${id}.py`,
      line: 0,
      downRevisions: downs(s),
      dependsOn: s.dependsOn ?? [],
      branchLabels: s.branchLabels ?? [],
      effectiveBranchLabels: s.branchLabels ?? [],
      children: specs.filter((c) => downs(c).includes(id)).map((c) => c.id),
      message: s.message ?? null,
      createDate: null,
    };
  });
}

/** Revisions alembic says it ran: the target of each upgrade, the source of each downgrade. */
function ran(stderr: string): string[] {
  const out: string[] = [];
  for (const m of stderr.matchAll(/Running (upgrade|downgrade) (.*?) -> (.*?), /g)) {
    const side = m[1] === 'upgrade' ? m[3] : m[2];
    out.push(...side.split(',').map((s) => s.trim()).filter(Boolean));
  }
  return out;
}

describe('extension plans agree with the real alembic (sqlite, branched project)', function () {
  this.timeout(120_000);
  const graph = new SnapshotGraph(snapshotRevisions(REVISIONS));
  const projects: AlembicProject[] = [];
  let counter = 0;

  after(async () => {
    await Promise.all(projects.map((p) => p.remove()));
  });

  async function fresh(): Promise<AlembicProject> {
    const p = await writeAlembicProject({ url: 'sqlite:///PLACEHOLDER', revisions: REVISIONS });
    projects.push(p);
    // sqlite URL relative to the project folder, written after the folder exists.
    const { promises: fs } = await import('node:fs');
    const ini = await fs.readFile(p.ini, 'utf8');
    await fs.writeFile(p.ini, ini.replace('sqlite:///PLACEHOLDER', `sqlite:///${path.join(p.dir, `db${counter++}.sqlite`)}`));
    return p;
  }

  async function rows(p: AlembicProject): Promise<string[]> {
    return parseCurrentOutput((await alembicOk(p, 'current')).stdout).sort();
  }

  function assertTopological(plan: string[], reverse: boolean): void {
    const pos = new Map(plan.map((id, i) => [id, i]));
    for (const id of plan) {
      const r = graph.get(id);
      for (const parent of [...(r?.downRevisions ?? []), ...(r?.dependsOn ?? [])]) {
        if (!pos.has(parent)) continue;
        const ok = reverse ? (pos.get(parent) as number) > (pos.get(id) as number) : (pos.get(parent) as number) < (pos.get(id) as number);
        assert.ok(ok, `${parent} must come ${reverse ? 'after' : 'before'} ${id} in ${plan.join(', ')}`);
      }
    }
  }

  it('upgrade to a revision applies exactly its unapplied ancestors, dependencies included, parents first', async () => {
    const p = await fresh();
    const plan = graph.upgradePlan([], ['b0000002']);
    assert.deepEqual([...plan].sort(), ['a0000001', 'b0000001', 'b0000002', 'x0000001']);
    assertTopological(plan, false);
    const r = await alembicOk(p, 'upgrade', 'b0000002');
    assert.deepEqual(ran(r.stderr).sort(), [...plan].sort());
    assert.deepEqual(await rows(p), ['a0000001', 'b0000002']);
    // From there, a merge revision needs its other parent line.
    const next = graph.upgradePlan(await rows(p), ['n0000001']);
    assert.deepEqual(next, ['a0000002', 'n0000001']);
    const r2 = await alembicOk(p, 'upgrade', 'n0000001');
    assert.deepEqual(ran(r2.stderr).sort(), [...next].sort());
  });

  it('upgrade heads applies every revision; states then mark the rows current and the rest applied', async () => {
    const p = await fresh();
    const plan = graph.upgradePlan([], ['c0000001', 'n0000001', 'b0000002']);
    assert.equal(plan.length, 7);
    await alembicOk(p, 'upgrade', 'heads');
    const current = await rows(p);
    assert.deepEqual(current, ['b0000002', 'c0000001', 'n0000001']);
    const states = graph.states(current);
    assert.deepEqual(Object.fromEntries([...states.states].sort()), {
      a0000001: 'applied', a0000002: 'applied', b0000001: 'applied', b0000002: 'current',
      c0000001: 'current', n0000001: 'current', x0000001: 'applied',
    });
    assert.deepEqual(states.missing, []);
  });

  it('downgrade to a revision reverts every applied revision above it on all its branches, but not a revision that only depends on it', async () => {
    const p = await fresh();
    await alembicOk(p, 'upgrade', 'heads');
    const before = await rows(p);
    const plan = graph.downgradePlan(before, 'a0000001');
    assert.deepEqual([...plan].sort(), ['a0000002', 'c0000001', 'n0000001']);
    assertTopological(plan, true);
    const r = await alembicOk(p, 'downgrade', 'a0000001');
    assert.deepEqual(ran(r.stderr).sort(), [...plan].sort());
    const after = graph.states(await rows(p));
    for (const id of plan) assert.equal(after.states.get(id), 'pending', id);
    assert.equal(after.states.get('b0000002'), 'current');
  });

  it('downgrade <rev>@-1 reverts that one revision only, even above a branch point', async () => {
    const p = await fresh();
    await alembicOk(p, 'upgrade', 'b0000002');
    const r = await alembicOk(p, 'downgrade', 'b0000002@-1');
    assert.deepEqual(ran(r.stderr), ['b0000002']);
    assert.deepEqual(await rows(p), ['a0000001', 'b0000001']);
  });

  it('downgrade to base reverts everything applied', async () => {
    const p = await fresh();
    await alembicOk(p, 'upgrade', 'c0000001');
    const plan = graph.downgradePlan(await rows(p), null);
    assert.deepEqual(plan, ['c0000001', 'a0000002', 'a0000001', 'x0000001']);
    const r = await alembicOk(p, 'downgrade', 'base');
    assert.deepEqual(ran(r.stderr), plan);
    assert.deepEqual(await rows(p), []);
  });

  it('stamp moves the bookkeeping as the plan says, with and without --purge', async () => {
    const p = await fresh();
    await alembicOk(p, 'upgrade', 'c0000001');
    const stamp = graph.stampPlan(await rows(p), 'a0000001', false);
    assert.deepEqual(stamp, { marked: [], unmarked: ['c0000001', 'a0000002'] });
    await alembicOk(p, 'stamp', 'a0000001');
    assert.deepEqual(await rows(p), ['a0000001']);

    const forward = graph.stampPlan(['a0000001'], 'b0000002', false);
    assert.deepEqual(forward, { marked: ['b0000001', 'b0000002'], unmarked: [] });
    await alembicOk(p, 'stamp', 'b0000002');
    const afterForward = await rows(p);
    const expectApplied = new Set([...graph.ancestors(['a0000001']), ...forward.marked]);
    assert.deepEqual([...graph.ancestors(afterForward)].sort(), [...expectApplied].sort());

    const purge = graph.stampPlan(afterForward, 'b0000001', true);
    assert.deepEqual(purge, { marked: [], unmarked: ['b0000002', 'a0000001'] });
    await alembicOk(p, 'stamp', '--purge', 'b0000001');
    assert.deepEqual(await rows(p), ['b0000001']);
  });
});
