// The sidebar's confirmation modals promise exactly which revisions an upgrade / downgrade /
// stamp touches (src/extension/plans.ts). Here every promise is checked against the real alembic
// on a branched project (sqlite database): the revisions alembic logs as "Running upgrade/downgrade"
// and the rows `alembic current` prints afterwards.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseCurrentOutput } from '../../src/core/alembic-output';
import { SnapshotGraph, downgradeLabelBasePlan, downgradeRelativeTargets, upgradeRelativeTargets } from '../../src/extension/plans';
import type { RevisionInfo } from '../../src/protocol/protocol';
import { writeAlembicProject, type AlembicProject, type ProjectRevision } from '../support/alembic-project';
import { alembic, alembicOk } from './helpers';

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

  async function fresh(revisions: ProjectRevision[] = REVISIONS): Promise<AlembicProject> {
    const p = await writeAlembicProject({ url: 'sqlite:///PLACEHOLDER', revisions });
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

  // x ─ p1 (feat) ─ p2          heads: p2, q1
  //  └ q1
  const LABELLED: ProjectRevision[] = [
    { id: 'x0000001', down: null, message: 'base' },
    { id: 'p0000001', down: 'x0000001', branchLabels: ['feat'], message: 'p one' },
    { id: 'p0000002', down: 'p0000001', message: 'p two' },
    { id: 'q0000001', down: 'x0000001', message: 'q one' },
  ];
  const labelled = new SnapshotGraph(snapshotRevisions(LABELLED));
  const pick = (rows: string[] | null, target: string): string[] | undefined =>
    upgradeRelativeTargets(labelled, ['x0000001'], ['p0000002', 'q0000001'], rows).find((t) => t.target === target)?.plan;

  it('Upgrade… relative targets +1, <rev>+1 and <label>@head run exactly the revisions their plans list', async () => {
    const p = await fresh(LABELLED);
    assert.deepEqual(pick([], '+1'), ['x0000001']);
    let r = await alembicOk(p, 'upgrade', '+1');
    assert.deepEqual(ran(r.stderr), ['x0000001']);
    // At the branch point +1 is ambiguous for alembic too, so the picker leaves it out.
    assert.deepEqual(await rows(p), ['x0000001']);
    assert.equal(pick(['x0000001'], '+1'), undefined);
    const bad = await alembic(p, 'upgrade', '+1');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Ambiguous walk/);

    assert.deepEqual(pick(['x0000001'], 'feat@head'), ['p0000001', 'p0000002']);
    r = await alembicOk(p, 'upgrade', 'feat@head');
    assert.deepEqual(ran(r.stderr), ['p0000001', 'p0000002']);
    assert.deepEqual(await rows(p), ['p0000002']);

    await alembicOk(p, 'downgrade', 'p0000001');
    await alembicOk(p, 'upgrade', 'q0000001');
    assert.deepEqual(await rows(p), ['p0000001', 'q0000001']);
    assert.equal(pick(['p0000001', 'q0000001'], '+1'), undefined);
    assert.deepEqual(pick(['p0000001', 'q0000001'], 'p0000001+1'), ['p0000002']);
    r = await alembicOk(p, 'upgrade', 'p0000001+1');
    assert.deepEqual(ran(r.stderr), ['p0000002']);
    assert.deepEqual(await rows(p), ['p0000002', 'q0000001']);
  });

  it('Upgrade… <label>@+1 steps along the labelled branch where +1 is ambiguous, also from a row off that branch', async () => {
    const p = await fresh(LABELLED);
    await alembicOk(p, 'upgrade', 'x0000001');
    // At the branch point x, feat@+1 is p1 (q1 is not on feat's lineage).
    assert.deepEqual(pick(['x0000001'], 'feat@+1'), ['p0000001']);
    let r = await alembicOk(p, 'upgrade', 'feat@+1');
    assert.deepEqual(ran(r.stderr), ['p0000001']);
    assert.deepEqual(await rows(p), ['p0000001']);
    // From q1 (off the branch), alembic backtracks to x, the applied tip on feat's lineage.
    await alembicOk(p, 'downgrade', 'x0000001');
    await alembicOk(p, 'upgrade', 'q0000001');
    assert.deepEqual(await rows(p), ['q0000001']);
    assert.deepEqual(pick(['q0000001'], 'feat@+1'), ['p0000001']);
    r = await alembicOk(p, 'upgrade', 'feat@+1');
    assert.deepEqual(ran(r.stderr), ['p0000001']);
    assert.deepEqual(await rows(p), ['p0000001', 'q0000001']);
  });

  it('Downgrade… <rev>@-1 entries revert exactly their row; a row another applied revision depends on is not offered', async () => {
    const p = await fresh();
    await alembicOk(p, 'upgrade', 'b0000002');
    const current = await rows(p);
    assert.deepEqual(current, ['a0000001', 'b0000002']);
    const targets = downgradeRelativeTargets(graph, current);
    assert.deepEqual(targets.map((t) => [t.target, t.plan]), [['b0000002@-1', ['b0000002']]]);
    const r = await alembicOk(p, 'downgrade', 'b0000002@-1');
    assert.deepEqual(ran(r.stderr), ['b0000002']);
  });

  // x ─ p1 (feat) ─ s1 (depends_on r1)      r1 (other) ─ r2      two bases
  const TWO_BASES: ProjectRevision[] = [
    { id: 'x0000001', down: null, message: 'base' },
    { id: 'p0000001', down: 'x0000001', branchLabels: ['feat'], message: 'p one' },
    { id: 'r0000001', down: null, branchLabels: ['other'], message: 'r one' },
    { id: 'r0000002', down: 'r0000001', message: 'r two' },
    { id: 's0000001', down: 'p0000001', dependsOn: ['r0000001'], message: 's one' },
  ];

  it('Downgrade… <label>@base reverts exactly its plan: the branch from its own base up, with what depends on it', async () => {
    const twoBases = new SnapshotGraph(snapshotRevisions(TWO_BASES));
    const p = await fresh(TWO_BASES);
    await alembicOk(p, 'upgrade', 'heads');
    const current = await rows(p);
    assert.deepEqual(current, ['r0000002', 's0000001']);
    const other = downgradeLabelBasePlan(twoBases, current, 'other');
    assert.deepEqual(other?.plan, ['s0000001', 'r0000002', 'r0000001']);
    const r = await alembicOk(p, 'downgrade', 'other@base');
    assert.deepEqual(ran(r.stderr).sort(), [...(other?.plan ?? [])].sort());
    assert.deepEqual(await rows(p), ['p0000001']);
  });
});

