// Differential test: the same generated folders go to this core (readMigration + RevisionGraph +
// targets) and to real Alembic's RevisionMap / ScriptDirectory (alembic_oracle.py with the Debian
// package under /usr/bin/python3). Heads, bases, parents, labels, target resolutions, upgrade and
// downgrade plans, and every failure (which case, and alembic's message) must agree.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readMigration } from '../../src/core/migration';
import { RevisionGraph } from '../../src/core/graph';
import { graphDiagnostics } from '../../src/core/graph-diagnostics';
import { RevisionError } from '../../src/core/errors';
import { downgradePlan, resolveTarget, upgradePlan } from '../../src/core/targets';
import type { Diagnostic } from '../../src/core/types';
import { writeMigrationFolder } from '../support/fixture-writer';
import { randomScenarios, SCENARIOS, type Scenario } from './scenarios';
import { ORACLE, ours, uniqSorted, type Outcome } from './oracle';

interface OracleResult {
  warnings: string[];
  load: Outcome<null>;
  heads?: string[];
  bases?: string[];
  realHeads?: string[];
  revisions?: Record<string, { down: string[]; deps: string[]; labels: string[]; path: string; doc: string }>;
  targets?: Record<string, Outcome<string[]>>;
  upgrades?: Array<Outcome<string[]>>;
  downgrades?: Array<Outcome<string[]>>;
}

function askAlembic(versions: string, s: Scenario): OracleResult {
  const input = JSON.stringify({ versions, targets: s.targets ?? [], upgrades: s.upgrades ?? [], downgrades: s.downgrades ?? [] });
  const r = spawnSync('/usr/bin/python3', [ORACLE], { input, encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    return { warnings: [], load: { ok: false, error: { type: 'Timeout', message: 'alembic did not finish' } } };
  }
  assert.equal(r.status, 0, `oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleResult;
}

function loadCore(versions: string): RevisionGraph {
  const files = readdirSync(versions)
    .filter((n) => n.endsWith('.py'))
    .map((n) => readMigration(readFileSync(path.join(versions, n), 'utf8'), path.join(versions, n)));
  return RevisionGraph.build(files);
}

const FATAL = new Set(['missing-down-revision', 'missing-depends-on', 'cycle', 'branch-label-conflict', 'invalid-revision-id']);
const outcomes: string[] = [];

describe('differential: this core vs real Alembic 1.8 RevisionMap', function () {
  this.timeout(120_000);
  let root = '';
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-diff-'));
  });
  after(async () => {
    await fs.rm(root, { recursive: true, force: true });
    process.stderr.write(`\nAlembic outcomes per scenario:\n${outcomes.map((o) => `  ${o}`).join('\n')}\n`);
  });

  for (const s of [...SCENARIOS, ...randomScenarios(40)]) {
    it(`${s.name}: ${s.expect}`, async () => {
      const versions = path.join(root, s.name.replace(/\W+/gu, '_'), 'versions');
      await writeMigrationFolder(versions, s.specs);
      const alembic = askAlembic(versions, s);
      const graph = loadCore(versions);
      const codes = new Set(graphDiagnostics(graph).map((d) => d.code));
      const fatal = graphDiagnostics(graph).filter((d) => FATAL.has(d.code));
      const byCode = (c: string): Diagnostic[] => graphDiagnostics(graph).filter((d) => d.code === c);
      outcomes.push(`${s.name}: alembic ${alembic.load.ok ? 'loads' : `${alembic.load.error?.type}: ${alembic.load.error?.message}`}; we flag ${[...codes].sort().join(', ') || 'nothing'}`);

      for (const c of s.flags ?? []) assert.ok(codes.has(c), `expected a ${c} diagnostic, got ${[...codes].join(', ')}`);

      if (s.alembicMisses) {
        // Known alembic 1.8 blind spot: it loads (or hangs) where we see a cycle.
        assert.ok(alembic.load.ok || alembic.load.error?.type === 'Timeout', `alembic now catches it: ${JSON.stringify(alembic.load)}`);
        assert.ok(codes.has('cycle'), 'the cycle alembic misses must be flagged');
        // Our plans still terminate on the loop; record what alembic plans there.
        for (const [rows, t] of s.upgrades ?? []) ours(() => upgradePlan(graph, rows, t));
        for (const [rows, t] of s.downgrades ?? []) ours(() => downgradePlan(graph, rows, t));
        assert.equal(graph.topoOrder().length, graph.revisions.size);
        const plans = [...(alembic.upgrades ?? []), ...(alembic.downgrades ?? [])];
        outcomes.push(`  ${s.name}: alembic plans ${plans.map((p) => (p.ok ? `[${(p.value ?? []).join(' ')}]` : p.error?.type)).join(', ')}`);
        return;
      }

      if (!alembic.load.ok) {
        const err = alembic.load.error as { type: string; message: string };
        assert.ok(fatal.length > 0, `alembic fails (${err.type}: ${err.message}) but we flag nothing fatal`);
        switch (err.type) {
          case 'KeyError':
            assert.ok(
              graphDiagnostics(graph).some((d) => d.data?.kind === 'missing-ref' && d.data.missing === err.message),
              `alembic: KeyError '${err.message}'`,
            );
            break;
          case 'CycleDetected':
          case 'DependencyCycleDetected':
          case 'LoopDetected':
          case 'DependencyLoopDetected': {
            const kind = err.message.slice(0, err.message.indexOf(' is detected'));
            assert.ok(byCode('cycle').some((d) => d.message.startsWith(`${kind} is detected`)), `alembic: ${err.message}`);
            break;
          }
          case 'Timeout':
            assert.ok(codes.has('cycle'), 'alembic hangs; we must flag the cycle');
            break;
          default:
            if (err.message.startsWith('Branch name')) {
              const m = /^Branch name '(.+)' in revision (\S+) already used by revision (\S+)$/u.exec(err.message);
              assert.ok(m, err.message);
              const [, label, a, b] = m;
              const ok = byCode('branch-label-conflict').some(
                (d) => d.message.startsWith(`Branch name '${label}' in revision ${a} already used by revision ${b}`) ||
                  d.message.startsWith(`Branch name '${label}' in revision ${b} already used by revision ${a}`),
              );
              assert.ok(ok, `alembic: ${err.message}; we: ${byCode('branch-label-conflict').map((d) => d.message).join(' | ')}`);
            } else if (err.message.startsWith('Character(s)')) {
              assert.ok(byCode('invalid-revision-id').some((d) => d.message.startsWith(err.message)), `alembic: ${err.message}`);
            } else {
              assert.fail(`unexpected alembic failure ${err.type}: ${err.message}`);
            }
        }
        return;
      }

      assert.deepEqual(fatal.map((d) => d.message), [], 'alembic loads this folder; we must not call it broken');
      const dupWarn = alembic.warnings.filter((w) => w.includes('present more than once'));
      assert.deepEqual(
        uniqSorted(byCode('duplicate-revision').map((d) => `Revision ${d.data?.kind === 'duplicate' ? d.data.revision : ''} is present more than once`)),
        uniqSorted(dupWarn),
      );
      assert.deepEqual(graph.heads, uniqSorted(alembic.heads ?? []), 'heads');
      assert.deepEqual(graph.bases, uniqSorted(alembic.bases ?? []), 'bases');
      assert.deepEqual(graph.effectiveHeads(), uniqSorted(alembic.realHeads ?? []), 'real heads');
      const revs = alembic.revisions ?? {};
      assert.deepEqual([...graph.revisions.keys()].sort(), Object.keys(revs).sort(), 'revision ids');
      for (const [id, r] of Object.entries(revs)) {
        const mine = graph.get(id);
        assert.ok(mine, id);
        assert.deepEqual(mine.downRevisions, r.down, `down_revision of ${id}`);
        assert.deepEqual(mine.dependsOn, r.deps, `depends_on of ${id}`);
        assert.deepEqual(graph.effectiveBranchLabels(id), r.labels, `branch labels of ${id}`);
        assert.equal(path.basename(mine.file.path), path.basename(r.path), `file that wins for ${id}`);
        assert.equal(mine.file.message ?? '', r.doc, `message (Script.doc) of ${id}`);
      }
      for (const [t, theirs] of Object.entries(alembic.targets ?? {})) {
        const mine = ours(() => resolveTarget(graph, t));
        compare(`target '${t}'`, mine, theirs, (v) => uniqSorted(v), (e) => e.message);
      }
      (s.upgrades ?? []).forEach(([rows, t], i) => {
        const theirs = (alembic.upgrades ?? [])[i];
        const mine = ours(() => upgradePlan(graph, rows, t));
        compare(`upgrade ${t} from [${rows.join(', ')}]`, mine, theirs, (v) => v, commandMessage(() => upgradePlan(graph, rows, t)));
      });
      (s.downgrades ?? []).forEach(([rows, t], i) => {
        const theirs = (alembic.downgrades ?? [])[i];
        const mine = ours(() => downgradePlan(graph, rows, t));
        compare(`downgrade ${t} from [${rows.join(', ')}]`, mine, theirs, (v) => v, commandMessage(() => downgradePlan(graph, rows, t)));
      });
    });
  }
});

/** What `alembic` prints after FAILED: for our error (the command-level wording). */
function commandMessage(fn: () => unknown): () => string {
  return () => {
    try {
      fn();
      return '(no error)';
    } catch (e) {
      return e instanceof RevisionError ? e.commandMessage() : String(e);
    }
  };
}

function compare(
  what: string,
  mine: Outcome<string[]>,
  theirs: Outcome<string[]>,
  norm: (v: string[]) => string[],
  errText: ((e: { message: string }) => string) | (() => string),
): void {
  if (theirs.ok) {
    assert.ok(mine.ok, `${what}: alembic gives [${(theirs.value ?? []).join(', ')}], we fail: ${mine.error?.message}`);
    assert.deepEqual(norm(mine.value ?? []), norm(theirs.value ?? []), what);
    return;
  }
  const err = theirs.error as { type: string; message: string };
  assert.ok(!mine.ok, `${what}: alembic fails (${err.type}: ${err.message}), we give [${(mine.value ?? []).join(', ')}]`);
  if (['AssertionError', 'Timeout', 'Overwalk'].includes(err.type)) return; // alembic crashed or returned None: no message to match
  const text = errText(mine.error as { message: string });
  assert.equal(text, err.message, what);
}
