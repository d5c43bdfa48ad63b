// `alembic-migrations graph` (text) against the real `alembic history` (/usr/bin/alembic) on the
// same folders: the same lines, and newest first (every revision before its parents).
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateSpecs } from '../../bench/generate';
import { writeMigrationFolder, type RevSpec } from '../support/fixture-writer';
import { CLI, runProcess, type Run } from '../support/cli';

const ALEMBIC = '/usr/bin/alembic';
/**
 * alembic 1.8.1 lists a folder in os.listdir order (file-system dependent); 1.10+ sorts it. This
 * runs the installed alembic with sorted listings, so its history order is the 1.10+ one.
 */
const SORTED_ALEMBIC = [
  '-c',
  "import os, sys\n_l = os.listdir\nos.listdir = lambda p='.': sorted(_l(p))\nfrom alembic.config import main\nsys.exit(main(prog='alembic'))",
];

const run = (cmd: string, args: string[], cwd: string): Run => runProcess(cmd, args, cwd);

/** The revision id of a history line (`<parents> [(deps)] -> <id> …`). */
function idOf(line: string): string {
  const m = / -> ([^\s,]+)/u.exec(line);
  assert.ok(m, `not a history line: ${line}`);
  return m[1];
}

async function compare(specs: RevSpec[]): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-cli-history-'));
  try {
    await fs.writeFile(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
    await writeMigrationFolder(path.join(dir, 'migrations', 'versions'), specs);
    const theirs = run(ALEMBIC, ['history'], dir);
    assert.equal(theirs.code, 0, theirs.stderr);
    const ours = run(process.execPath, [CLI, 'graph'], dir);
    assert.equal(ours.code, 0, ours.stderr);
    const a = theirs.stdout.trimEnd().split('\n');
    const b = ours.stdout.trimEnd().split('\n');
    assert.deepEqual([...b].sort(), [...a].sort());
    // and in the same order as alembic 1.10+ (sorted load order)
    const sorted = run('/usr/bin/python3', [...SORTED_ALEMBIC, 'history'], dir);
    assert.equal(sorted.code, 0, sorted.stderr);
    assert.deepEqual(b, sorted.stdout.trimEnd().split('\n'));

    // newest first: a revision's line comes before the lines of its down_revisions
    // (a message wrapped over lines continues on lines of its own, as alembic prints it)
    const pos = new Map(b.flatMap((l, i) => (l.includes(' -> ') ? [[idOf(l), i] as const] : [])));
    for (const s of specs) {
      const parents = s.down === null ? [] : typeof s.down === 'string' ? [s.down] : s.down;
      for (const p of parents) assert.ok((pos.get(s.id) ?? -1) < (pos.get(p) ?? -1), `${s.id} is listed after its parent ${p}`);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('cli graph history view vs alembic history', () => {
  it('prints the same lines as alembic history for branches, a merge (with a wrapped message), a label and depends_on', async () => {
    await compare([
      { id: 'aaaa0001', down: null, message: 'base' },
      { id: 'bbbb0002', down: 'aaaa0001', message: 'left' },
      { id: 'cccc0003', down: 'aaaa0001', message: 'right' },
      { id: 'dddd0004', down: ['bbbb0002', 'cccc0003'], message: 'merge\nleft and right' },
      { id: 'eeee0005', down: 'dddd0004', branchLabels: ['feature'], dependsOn: ['cccc0003'], message: 'feature start' },
    ]);
  });

  it('prints the same lines as alembic history for two labelled bases and an effective head', async () => {
    await compare([
      { id: 'aaaa0001', down: null, branchLabels: ['main'], message: 'main base' },
      { id: 'bbbb0002', down: 'aaaa0001', dependsOn: ['cccc0003'], message: 'uses audit' },
      { id: 'cccc0003', down: null, branchLabels: ['audit'], message: 'audit base' },
    ]);
  });

  it('lists heads in load order, each walked down until another head needs the revision, as alembic does', async () => {
    // three heads (one labelled, one with depends_on) over one branch point: the old
    // depth-first order printed the last head first
    await compare([
      { id: '9f83c7c23f13', down: null, message: 'first' },
      { id: '87f0db493b80', down: '9f83c7c23f13', message: 'second' },
      { id: '5ab8f07ffe6f', down: '87f0db493b80', message: 'merge everything' },
      { id: '7433bcf2edf8', down: '9f83c7c23f13', branchLabels: ['feat_a'], message: 'branch a' },
      { id: '4cf430274f4b', down: '9f83c7c23f13', dependsOn: ['87f0db493b80'], message: 'branch b' },
      { id: 'be459ddd678f', down: '7433bcf2edf8', message: 'in other' },
    ]);
  });

  it('skips a dependency an ancestor already depends on when ordering, as alembic does', async () => {
    await compare([
      { id: 'ra0', down: null, fileName: 'zra0.py' },
      { id: 'rd2', down: 'ra0', fileName: 'ard2.py' },
      { id: 're3', down: null, fileName: 'mre3.py' },
      { id: 'rh5', down: 'rd2', fileName: 'arh5.py' },
      { id: 'rb13', down: 'rh5', dependsOn: ['ra0'], fileName: 'mrb13.py' },
      { id: 'rg10', down: 're3', fileName: 'arg10.py' },
      { id: 'rh14', down: ['rb13', 'rg10'], dependsOn: ['ra0'], fileName: 'arh14.py' },
      { id: 'rf12', down: 'ra0', fileName: 'arf12.py' },
      { id: 'rd11', down: null, fileName: 'zrd11.py' },
    ]);
  });

  it('prints the same lines as alembic history on a generated 300-revision project', async () => {
    await compare(generateSpecs(300));
  });
});
