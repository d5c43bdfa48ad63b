import * as assert from 'node:assert/strict';
import { RevisionGraph } from '../../src/core/graph';
import { graphDiagnostics } from '../../src/core/graph-diagnostics';
import type { Diagnostic, MigrationFile } from '../../src/core/types';
import { migrationFileOf, type RevSpec } from '../support/fixture-writer';

// Lines of the rendered template (0-based): revision 14, down_revision 15, branch_labels 16, depends_on 17.
const build = (specs: RevSpec[]): RevisionGraph => RevisionGraph.build(specs.map((s) => migrationFileOf(s, s.fileName ?? `v/${s.id}.py`)));
const only = (g: RevisionGraph, code: string): Diagnostic[] => graphDiagnostics(g).filter((d) => d.code === code);

describe('graph diagnostics', () => {
  it('multiple-heads: an error on every head line naming the heads and the merge command', () => {
    const g = build([
      { id: 'a1b2', down: 'base0' },
      { id: 'base0', down: null },
      { id: 'c3d4', down: 'base0' },
    ]);
    const ds = only(g, 'multiple-heads');
    assert.deepEqual(ds.map((d) => [d.path, d.range.start.line, d.severity]), [['v/a1b2.py', 14, 'error'], ['v/c3d4.py', 14, 'error']]);
    assert.equal(ds[0].message, `2 heads: a1b2, c3d4. 'alembic upgrade head' will fail. Merge them: alembic merge -m "merge heads" a1b2 c3d4`);
    assert.deepEqual(ds[0].related?.map((r) => [r.path, r.range.start.line, r.message]), [['v/c3d4.py', 14, 'other head c3d4']]);
    assert.deepEqual(ds[0].data, { kind: 'heads', heads: ['a1b2', 'c3d4'] });
  });

  it('labelled heads by design get one info each instead of multiple-heads', () => {
    const g = build([
      { id: 'a', down: null },
      { id: 'e1', down: 'a', branchLabels: ['expand'] },
      { id: 'c1', down: 'a', branchLabels: ['contract'] },
    ]);
    assert.deepEqual(only(g, 'multiple-heads'), []);
    const infos = only(g, 'labelled-heads');
    assert.deepEqual(infos.map((d) => [d.path, d.severity]), [['v/c1.py', 'info'], ['v/e1.py', 'info']]);
    assert.equal(
      infos[0].message,
      "Head c1 of branch 'contract' is one of 2 heads kept apart by branch labels (c1, e1). Upgrade with 'alembic upgrade heads' or 'contract@head'; 'alembic upgrade head' fails while several heads exist.",
    );
  });

  it('two heads inside one labelled branch still raise multiple-heads for that branch', () => {
    const g = build([
      { id: 'a', down: null },
      { id: 'e1', down: 'a', branchLabels: ['expand'] },
      { id: 'e2', down: 'e1' },
      { id: 'e3', down: 'e1' },
      { id: 'c1', down: 'a', branchLabels: ['contract'] },
    ]);
    const ds = only(g, 'multiple-heads');
    assert.deepEqual(ds.map((d) => d.path), ['v/e2.py', 'v/e3.py']);
    assert.equal(
      ds[0].message,
      `2 heads on branch 'expand': e2, e3. 'alembic upgrade expand@head' will fail (and so will 'alembic upgrade head'). Merge them: alembic merge -m "merge heads" e2 e3`,
    );
    assert.deepEqual(only(g, 'labelled-heads'), []);
  });

  it('missing-down-revision points at the broken id with alembic wording and data for quick fixes', () => {
    const g = build([
      { id: 'aaaa', down: null },
      { id: 'bbbb', down: ['aaaa', 'aaaa_users.py'] },
    ]);
    const [d] = only(g, 'missing-down-revision');
    assert.equal(d.path, 'v/bbbb.py');
    assert.deepEqual(d.range, { start: { line: 15, character: 59 }, end: { line: 15, character: 72 } });
    assert.equal(
      d.message,
      "down_revision 'aaaa_users.py' does not match any revision in this folder (Revision aaaa_users.py referenced from bbbb is not present). Alembic fails with KeyError: 'aaaa_users.py' on every command.",
    );
    assert.deepEqual(d.data, { kind: 'missing-ref', missing: 'aaaa_users.py', referencedFrom: 'bbbb', field: 'down_revision' });
  });

  it('a down_revision or depends_on that names a revision file (with or without .py) says which id that file holds', () => {
    const g = build([
      { id: '1a2b3c4d5e6f', down: null, fileName: 'alembic/versions/2024_01_02-1a2b3c4d5e6f_add_users.py' },
      { id: 'bbbb', down: '2024_01_02-1a2b3c4d5e6f_add_users' },
      { id: 'cccc', down: 'bbbb', dependsOn: ['versions/2024_01_02-1a2b3c4d5e6f_add_users.py'] },
      { id: 'dddd', down: 'cccc_nope' },
    ]);
    assert.deepEqual(
      [...only(g, 'missing-down-revision'), ...only(g, 'missing-depends-on')].map((d) => [d.path, d.message]),
      [
        [
          'v/bbbb.py',
          "down_revision '2024_01_02-1a2b3c4d5e6f_add_users' does not match any revision in this folder (Revision 2024_01_02-1a2b3c4d5e6f_add_users referenced from bbbb is not present). Alembic fails with KeyError: '2024_01_02-1a2b3c4d5e6f_add_users' on every command. '2024_01_02-1a2b3c4d5e6f_add_users' is a file name: use the revision id in that file, '1a2b3c4d5e6f'.",
        ],
        [
          'v/dddd.py',
          "down_revision 'cccc_nope' does not match any revision in this folder (Revision cccc_nope referenced from dddd is not present). Alembic fails with KeyError: 'cccc_nope' on every command.",
        ],
        [
          'v/cccc.py',
          "depends_on 'versions/2024_01_02-1a2b3c4d5e6f_add_users.py' does not match any revision or branch label in this folder (Revision versions/2024_01_02-1a2b3c4d5e6f_add_users.py referenced from cccc is not present). Alembic fails with KeyError: 'versions/2024_01_02-1a2b3c4d5e6f_add_users.py' on every command. 'versions/2024_01_02-1a2b3c4d5e6f_add_users.py' is a file name: use the revision id in that file, '1a2b3c4d5e6f'.",
        ],
      ],
    );
  });

  it('a down_revision that names a branch label says labels are not allowed there and names the head of that branch', () => {
    const g = build([
      { id: 'a1', down: null, branchLabels: ['core'] },
      { id: 'b2', down: 'a1' },
      { id: 'c3', down: 'core' },
    ]);
    assert.deepEqual(
      only(g, 'missing-down-revision').map((d) => d.message),
      [
        "down_revision 'core' does not match any revision in this folder (Revision core referenced from c3 is not present). Alembic fails with KeyError: 'core' on every command. 'core' is a branch label; down_revision takes revision ids only (depends_on accepts labels): the head of branch 'core' is 'b2'.",
      ],
    );
  });

  it('a broken down_revision raises only missing-down-revision: the chain it cuts off is no second head to merge', () => {
    const g = build([
      { id: 'aaaa', down: null },
      { id: 'bbbb', down: 'aaaa' },
      { id: 'cccc', down: 'bbbx' },
      { id: 'dddd', down: 'cccc' },
    ]);
    // alembic's heads still hold both ends, as alembic computes them.
    assert.deepEqual(g.heads, ['bbbb', 'dddd']);
    assert.deepEqual(
      graphDiagnostics(g).map((d) => [d.code, d.path, d.range.start.line, d.message]),
      [
        [
          'missing-down-revision',
          'v/cccc.py',
          15,
          "down_revision 'bbbx' does not match any revision in this folder (Revision bbbx referenced from cccc is not present). Alembic fails with KeyError: 'bbbx' on every command.",
        ],
      ],
    );
  });

  it('heads clear of the broken link still raise multiple-heads, naming only those heads', () => {
    const g = build([
      { id: 'base', down: null },
      { id: 'x1', down: 'base' },
      { id: 'y1', down: 'base' },
      { id: 'cut1', down: 'gone' },
      { id: 'cut2', down: 'cut1' },
    ]);
    assert.deepEqual(g.heads, ['cut2', 'x1', 'y1']);
    assert.deepEqual(
      graphDiagnostics(g).map((d) => [d.code, d.path]),
      [
        ['missing-down-revision', 'v/cut1.py'],
        ['multiple-heads', 'v/x1.py'],
        ['multiple-heads', 'v/y1.py'],
      ],
    );
    const [d] = only(g, 'multiple-heads');
    assert.equal(d.message, `2 heads: x1, y1. 'alembic upgrade head' will fail. Merge them: alembic merge -m "merge heads" x1 y1`);
    assert.deepEqual(d.data, { kind: 'heads', heads: ['x1', 'y1'] });
  });

  it('labelled heads leave out a head cut off by a broken down_revision too', () => {
    const g = build([
      { id: 'a', down: null },
      { id: 'e1', down: 'a', branchLabels: ['expand'] },
      { id: 'c1', down: 'a', branchLabels: ['contract'] },
      { id: 'lost', down: 'nowhere' },
    ]);
    assert.deepEqual(g.heads, ['c1', 'e1', 'lost']);
    const infos = only(g, 'labelled-heads');
    assert.deepEqual(infos.map((d) => d.path), ['v/c1.py', 'v/e1.py']);
    assert.deepEqual(infos[0].data, { kind: 'heads', heads: ['c1', 'e1'] });
    assert.deepEqual(only(g, 'multiple-heads'), []);
  });

  it('missing-depends-on is raised on the depends_on line', () => {
    const g = build([{ id: 'aaaa', down: null, dependsOn: ['gone'] }]);
    const [d] = only(g, 'missing-depends-on');
    assert.equal(d.range.start.line, 17);
    assert.ok(d.message.includes('(Revision gone referenced from aaaa is not present)'), d.message);
  });

  it('duplicate-revision is raised on both files', () => {
    const g = build([
      { id: 'aaaa', down: null, fileName: 'v/1.py' },
      { id: 'aaaa', down: null, fileName: 'v/2.py' },
    ]);
    const ds = only(g, 'duplicate-revision');
    assert.deepEqual(ds.map((d) => [d.path, d.range.start.line]), [['v/1.py', 14], ['v/2.py', 14]]);
    assert.ok(ds[0].message.startsWith('Revision aaaa is present more than once (also in v/2.py).'), ds[0].message);
    assert.deepEqual(ds[1].data, { kind: 'duplicate', revision: 'aaaa', otherPaths: ['v/1.py'] });
  });

  it('cycle: each revision of the loop, on the link that closes it', () => {
    const g = build([
      { id: 'a', down: null },
      { id: 'm', down: ['a', 'n'] },
      { id: 'n', down: 'm' },
      { id: 's', down: 's' },
    ]);
    const ds = only(g, 'cycle');
    assert.deepEqual(ds.map((d) => [d.path, d.range.start.line]), [['v/m.py', 15], ['v/n.py', 15], ['v/s.py', 15]]);
    assert.equal(ds[0].message, 'Cycle is detected in revisions (m, n): these revisions form a loop through down_revision, so there is no order to apply them in. Alembic 1.8 may miss it or hang.');
    assert.equal(ds[2].message, 'Self-loop is detected in revisions (s): revision s names itself through down_revision, so it can never be applied.');
    assert.deepEqual(ds[0].data, { kind: 'cycle', revisions: ['m', 'n'] });
  });

  it('branch-label-conflict: a reused label and a label equal to a revision id', () => {
    const g = build([
      { id: 'aaaa', down: null, branchLabels: ['shared'] },
      { id: 'bbbb', down: 'aaaa', branchLabels: ['shared'] },
      { id: 'cccc', down: 'bbbb', branchLabels: ['aaaa'] },
    ]);
    const ds = only(g, 'branch-label-conflict');
    assert.deepEqual(ds.map((d) => [d.path, d.range.start.line]), [['v/bbbb.py', 16], ['v/cccc.py', 16]]);
    assert.equal(ds[0].message, "Branch name 'shared' in revision bbbb already used by revision aaaa: revision aaaa already declares it. Alembic refuses to load the folder; choose another label.");
    assert.ok(ds[1].message.startsWith("Branch name 'aaaa' in revision cccc already used by revision aaaa: 'aaaa' is the id of revision aaaa."), ds[1].message);
  });

  it('invalid-revision-id when the reader did not already report it, and file problems pass through', () => {
    const bad = migrationFileOf({ id: 'a-b', down: null }, 'v/ab.py');
    const broken: MigrationFile = {
      ...migrationFileOf({ id: 'zzzz', down: 'a-b' }, 'v/z.py'),
      problems: [{ code: 'unresolved-value', severity: 'warning', message: 'depends_on = make() cannot be read', range: { start: { line: 17, character: 0 }, end: { line: 17, character: 5 } } }],
    };
    const g = RevisionGraph.build([bad, broken]);
    assert.deepEqual(
      graphDiagnostics(g).map((d) => [d.code, d.path, d.range.start.line]),
      [['invalid-revision-id', 'v/ab.py', 14], ['unresolved-value', 'v/z.py', 17]],
    );
    assert.ok(graphDiagnostics(g)[0].message.startsWith("Character(s) '-' not allowed in revision identifier 'a-b'."));
  });

  it('a clean folder has no diagnostics', () => {
    const g = build([{ id: 'a', down: null }, { id: 'b', down: 'a' }]);
    assert.deepEqual(graphDiagnostics(g), []);
  });
});
