// Differential test of every plan the UI and the CLI show: generated graphs (branches, merges,
// labelled lines, several bases, depends_on) become real projects whose migrations log their
// upgrade()/downgrade() into a table; for several starting version tables (rows in table order)
// every target the pickers offer (core/offers.ts) plus probes the UI does not offer (`head`, `-1`,
// `+1`, `<label>@-1`…) run through real alembic 1.8 on a real PostgreSQL (alembic_cases.py runs
// many cases in one process). The plan shown before must equal what alembic did: the revisions
// whose code ran (in order, unless core says the order is alembic's folder listing), the rows
// afterwards, and, where core predicts a failure, alembic's own message. No offered target may
// fail in alembic. Seeded and bounded: about a thousand alembic commands.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { RevisionGraph } from '../../src/core/graph';
import { appliedBy, tryPlan, type PlanRequest } from '../../src/core/plan';
import { downgradeOffers, ownSql, stampOffers, upgradeOffers } from '../../src/core/offers';
import { alembic } from './helpers';
import { migrationFileOf, type RevSpec } from '../support/fixture-writer';
import { writeAlembicProject, type AlembicProject, type ProjectRevision } from '../support/alembic-project';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { prng } from '../support/prng';
import { randomGraph } from '../support/random-graph';
import { DEMO_SHAPE } from '../support/demo-shape';

const DRIVER = path.join(__dirname, '..', '..', '..', 'test', 'db', 'alembic_cases.py');

const DEMO = DEMO_SHAPE;

function generatedGraph(seed: number): RevSpec[] {
  return randomGraph(prng(seed), seed, {
    minRevisions: 8,
    extraRevisions: 10,
    baseRate: 0.1,
    mergeBelow: 0.22,
    labelDependencies: false,
    id: (sd, i) => `r${sd.toString(16)}x${(i * 2654435761 >>> 0).toString(16).padStart(8, '0').slice(0, 6)}${i.toString(36)}`,
  }).specs;
}

function logging(spec: RevSpec): ProjectRevision {
  return {
    ...spec,
    upgrade: [`op.execute("INSERT INTO ran (what, rev) VALUES ('up', '${spec.id}')")`],
    downgrade: [`op.execute("INSERT INTO ran (what, rev) VALUES ('down', '${spec.id}')")`],
  };
}

/** A version table alembic could hold: the down_revision heads of what a few revisions need, in a shuffled order. */
function randomRows(graph: RevisionGraph, rnd: () => number): string[] {
  const ids = [...graph.revisions.keys()];
  const chosen = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ids[Math.floor(rnd() * ids.length)]);
  const applied = appliedBy(graph, chosen);
  const rows = [...applied].filter((id) => !(graph.get(id)?.children ?? []).some((c) => applied.has(c)));
  return rows.sort(() => rnd() - 0.5);
}

interface Case {
  rows: string[];
  req: PlanRequest;
  offered: boolean;
}
interface Outcome {
  ok: boolean;
  error: string | null;
  ran: Array<['up' | 'down', string]>;
  rows: string[];
}

function sample<T>(xs: T[], n: number, rnd: () => number): T[] {
  if (xs.length <= n) return xs;
  const copy = xs.slice();
  const out: T[] = [];
  while (out.length < n) out.push(copy.splice(Math.floor(rnd() * copy.length), 1)[0]);
  return out;
}

function casesFor(graph: RevisionGraph, specs: RevSpec[], rows: string[], rnd: () => number): Case[] {
  const order = graph.newestFirst();
  const offered: Case[] = [];
  const add = (req: PlanRequest): void => void offered.push({ rows, req, offered: true });
  for (const o of upgradeOffers(graph, rows, order)) add({ command: 'upgrade', target: o.target });
  for (const o of downgradeOffers(graph, rows, order)) add({ command: 'downgrade', target: o.target });
  for (const o of stampOffers(graph, rows, order, false)) add({ command: 'stamp', target: o.target });
  for (const o of stampOffers(graph, rows, order, true)) add({ command: 'stamp', target: o.target, purge: true });
  const labels = specs.flatMap((s) => s.branchLabels ?? []);
  const probes: Case[] = ['head', 'heads', '-1', '+1', '-2', '+2', ...labels.flatMap((l) => [`${l}@-1`, `${l}@+1`, `${l}@head`]), ...rows.map((r) => `${r}@-1`)].flatMap(
    (t): Case[] => [
      { rows, req: { command: t.startsWith('-') || t.endsWith('@-1') ? 'downgrade' : 'upgrade', target: t }, offered: false },
    ],
  );
  return [...sample(offered, 22, rnd), ...sample(probes, 6, rnd)];
}

function runCases(project: AlembicProject, url: string, cases: Case[]): Outcome[] {
  const input = JSON.stringify({
    ini: project.ini,
    url,
    cases: cases.map((c) => ({ rows: c.rows, argv: [c.req.command, ...(c.req.purge ? ['--purge'] : []), c.req.target] })),
  });
  const r = spawnSync('/usr/bin/python3', [DRIVER], { cwd: project.dir, input, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Outcome[];
}

/** alembic lists the overlapping revisions in set order (random per process): compare them as a set. */
const normalize = (m: string): string => m.replace(/(overlaps with other requested revisions )(.*)$/u, (_, a: string, ids: string) => a + ids.split(', ').sort().join(', '));

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

/** Every disagreement between core's plan and what alembic did, one line each. */
function compare(graph: RevisionGraph, c: Case, got: Outcome): string | null {
  const argv = `${c.req.command}${c.req.purge ? ' --purge' : ''} ${c.req.target} from [${c.rows.join(', ')}]`;
  const want = tryPlan(graph, c.rows, c.req);
  if (!want.ok) {
    if (c.offered) return `${argv}: offered, but core's plan fails: ${want.message}`;
    if (got.ok) return `${argv}: core says alembic fails (${want.message}), alembic succeeded with rows [${got.rows.join(', ')}]`;
    // alembic's bare AssertionError has no message to match: core says why in its own words.
    if (normalize(got.error ?? '') !== normalize(want.message) && !(got.error ?? '').startsWith('AssertionError')) return `${argv}: both fail, messages differ:\n    core:    ${want.message}\n    alembic: ${got.error ?? ''}`;
    return null;
  }
  if (!got.ok) return `${argv}: ${c.offered ? 'offered and ' : ''}planned (apply ${want.plan.apply.join(',')} revert ${want.plan.revert.join(',')}), alembic failed: ${got.error ?? ''}`;
  const plan = want.plan;
  if (!sameSet(got.rows, plan.rowsAfter)) return `${argv}: rows after: core [${plan.rowsAfter.join(', ')}], alembic [${got.rows.join(', ')}]`;
  const ups = got.ran.filter(([w]) => w === 'up').map(([, id]) => id);
  const downs = got.ran.filter(([w]) => w === 'down').map(([, id]) => id);
  if (c.req.command === 'stamp') {
    if (got.ran.length > 0) return `${argv}: stamp ran code: ${JSON.stringify(got.ran)}`;
    const before = appliedBy(graph, c.rows.filter((r) => graph.revisions.has(r)));
    const after = appliedBy(graph, got.rows);
    const becameApplied = [...after].filter((x) => !before.has(x));
    const becameNot = [...before].filter((x) => !after.has(x));
    if (!sameSet(becameApplied, plan.apply) || !sameSet(becameNot, plan.revert)) {
      return `${argv}: stamp marks: core +[${plan.apply.join(',')}] -[${plan.revert.join(',')}], alembic +[${becameApplied.join(',')}] -[${becameNot.join(',')}]`;
    }
    return null;
  }
  const runOf = c.req.command === 'upgrade' ? plan.apply : plan.revert;
  const ran = c.req.command === 'upgrade' ? ups : downs;
  const other = c.req.command === 'upgrade' ? downs : ups;
  if (other.length > 0) return `${argv}: alembic also ran ${JSON.stringify(other)}`;
  const agree = plan.orderNote === null ? ran.length === runOf.length && ran.every((x, i) => x === runOf[i]) : sameSet(ran, runOf);
  if (!agree) return `${argv}: ran: core [${runOf.join(', ')}]${plan.orderNote ? ' (any order)' : ''}, alembic [${ran.join(', ')}]`;
  return null;
}

describe('plans vs real alembic on PostgreSQL: every offered target, generated graphs', function () {
  this.timeout(900_000);
  let pg: TestPostgres;
  const projects: AlembicProject[] = [];
  let total = 0;

  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    for (const p of projects) await p.remove();
    await pg?.stop();
    process.stderr.write(`\nplans vs alembic: ${total} alembic commands compared\n`);
  });

  const graphs: Array<{ name: string; specs: RevSpec[]; seed: number }> = [
    { name: 'demo-shaped project (billing merge, analytics line, depends_on)', specs: DEMO, seed: 99 },
    ...[1, 2, 3, 4, 5, 6, 7].map((seed) => ({ name: `generated graph ${seed}`, specs: generatedGraph(seed), seed })),
  ];

  for (const g of graphs) {
    it(`${g.name}: the plan shown is what alembic does, for every offered target`, async () => {
      const graph = RevisionGraph.build(g.specs.map((s) => migrationFileOf(s, `v/${s.id}.py`)));
      const url = await pg.createDatabase(`plans_${g.seed}`);
      const project = await writeAlembicProject({ url, revisions: g.specs.map(logging) });
      projects.push(project);
      const rnd = prng(g.seed * 31 + 7);
      const states: string[][] = [[]];
      if (g.specs === DEMO) states.push(['0a7d3f6b2ca9'], ['605ac23a0d8f'], ['0a7d3f6b2ca9', 'a0a0a0a0a002'], ['e5e5e5e5e501', 'a0a0a0a0a002']);
      while (states.length < 5) states.push(randomRows(graph, rnd));
      const cases = states.flatMap((rows) => casesFor(graph, g.specs, rows, rnd));
      const got = runCases(project, url, cases);
      total += cases.length;
      const problems = cases.map((c, i) => compare(graph, c, got[i])).filter((x): x is string => x !== null);
      assert.equal(problems.length, 0, `${problems.length} of ${cases.length} disagree:\n  ${problems.slice(0, 12).join('\n  ')}`);
    });
  }

  it("Show SQL: each revision's own upgrade SQL (pending) or downgrade SQL (applied), rendered by alembic offline", async () => {
    const graph = RevisionGraph.build(DEMO.map((s) => migrationFileOf(s, `v/${s.id}.py`)));
    const project = await writeAlembicProject({ url: 'postgresql://offline@127.0.0.1:1/none', revisions: DEMO.map(logging) });
    projects.push(project);
    const problems: string[] = [];
    for (const rows of [['7e4d0a6b3c32']]) {
      for (const id of graph.newestFirst()) {
        const { args, others } = ownSql(graph, rows, id);
        const r = await alembic(project, ...args);
        const logged = [...r.stdout.matchAll(/INSERT INTO ran \(what, rev\) VALUES \('(up|down)', '(\w+)'\)/gu)].map((m) => `${m[1]} ${m[2]}`);
        const dir = args[0] === 'upgrade' ? 'up' : 'down';
        const want = [...others.map((o) => `${dir} ${o}`), `${dir} ${id}`];
        if (r.code !== 0 || logged.join(',') !== want.join(',')) problems.push(`alembic ${args.join(' ')} (rows ${rows.join(',')}): ${r.code !== 0 ? r.stdout + r.stderr : logged.join(', ')}; want ${want.join(', ')}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
