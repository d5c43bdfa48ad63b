// Hostile repositories: bounded reads, walks and interpolation. Each case once made the reader
// hang, grow without bound or crash (measured before the fix: a symlink to /dev/zero grew the CLI
// to 4.2 GB; `version_locations = /` with recursion ran over 300 s; 9 levels x 30 references in
// alembic.ini killed Node with a V8 fatal error after 46 s).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getInterpolated, MAX_INTERPOLATED_CHARS, parseIni } from '../../src/core/ini';
import { readMigrationFileSync, scanProject, scanProjectSync, WALK_LIMITS } from '../../src/io/scan';
import { buildHostileFolder, TRAITS } from '../support/hostile-folder';
import { revisionSource, TempTree } from '../support/temp-tree';
import { runCli } from '../support/cli';


function cli(args: string[], cwd: string): { code: number | null; out: string } {
  // A small heap: an unbounded read or expansion fails here at once instead of swapping.
  const r = runCli(args, cwd, { nodeArgs: ['--max-old-space-size=200'], timeoutMs: 30_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

function bomb(levels: number, width: number, bottom = 'x'): string {
  const lines = ['[alembic]', 'script_location = %(here)s/migrations', `sqlalchemy.url = %(k${levels})s`, `k0 = ${bottom}`];
  for (let i = 1; i <= levels; i++) lines.push(`k${i} = ${`%(k${i - 1})s`.repeat(width)}`);
  return lines.join('\n') + '\n';
}

describe('hostile: bounded interpolation', () => {
  it('stops a value that expands past 1 MB and says why', () => {
    const r = getInterpolated(parseIni(bomb(9, 30)), 'alembic', 'sqlalchemy.url', { here: '/p' });
    assert.ok(r !== undefined && !r.ok);
    assert.equal(r.tooLarge, true);
    assert.match(r.message, /^Bad interpolation in 'sqlalchemy\.url': references expand to more than 1 MB/);
  });

  it('stops references that expand to nothing but are many (time, not memory)', () => {
    const r = getInterpolated(parseIni(bomb(9, 30, '')), 'alembic', 'sqlalchemy.url', { here: '/p' });
    assert.ok(r !== undefined && !r.ok && r.tooLarge === true);
  });

  it('still expands a large legitimate value', () => {
    const r = getInterpolated(parseIni(bomb(2, 30)), 'alembic', 'sqlalchemy.url', { here: '/p' });
    assert.ok(r !== undefined && r.ok);
    assert.equal(r.value, 'x'.repeat(900));
    assert.ok(MAX_INTERPOLATED_CHARS >= 1024 * 1024);
  });

  it('the CLI exits 2 naming the ini line; the extension gets an error on the ini file', () => {
    const tree = new TempTree('alembic-hostile-');
    tree.open();
    try {
      tree.write('alembic.ini', bomb(9, 30));
      tree.write('migrations/versions/a.py', revisionSource('a1', null));
      const r = cli(['check'], tree.dir);
      assert.equal(r.code, 2, r.out);
      assert.match(r.out, /alembic-migrations: alembic\.ini:3: Bad interpolation in 'sqlalchemy\.url': references expand to more than 1 MB/);
    } finally {
      tree.close();
    }
  });
});

describe('hostile: bounded reads', () => {
  const tree = new TempTree('alembic-hostile-');
  beforeEach(tree.open);
  afterEach(tree.close);

  it('never reads a symlink to /dev/zero (skipped when listed, refused when read directly)', async () => {
    tree.write('v/a.py', revisionSource('a1', null));
    fs.symlinkSync('/dev/zero', path.join(tree.dir, 'v/zz.py'));
    for (const scan of [scanProjectSync(tree.project(['v'])), await scanProject(tree.project(['v']))]) {
      assert.deepEqual(scan.files.map((f) => tree.rel(f.path)), ['v/a.py']);
      assert.deepEqual(tree.show(scan.problems), ['.:0 warning: Skipped <tmp>/v/zz.py: a symbolic link to something that is not a regular file']);
    }
    const direct = readMigrationFileSync(path.join(tree.dir, 'v/zz.py'));
    assert.deepEqual(direct.problems.map((p) => p.message.split(tree.dir).join('<tmp>')), ['Cannot read <tmp>/v/zz.py: not a regular file']);
  });

  it('reports a file over 10 MB as a problem on that file instead of reading it', () => {
    const p = tree.write('v/big.py', revisionSource('b1', null));
    fs.truncateSync(p, 10 * 1024 * 1024 + 1);
    const f = readMigrationFileSync(p);
    assert.equal(f.revision, null);
    assert.deepEqual(f.problems.map((x) => `${x.code} ${x.severity}: ${x.message.split(tree.dir).join('<tmp>')}`), [
      'parse-error error: Cannot read <tmp>/v/big.py: larger than 10 MB (10.0 MB); not read',
    ]);
    // Exactly 10 MB is still read.
    fs.truncateSync(p, 10 * 1024 * 1024);
    assert.equal(readMigrationFileSync(p).revision, 'b1');
  });

  it('an alembic.ini that is a symlink to /dev/zero is a config error (CLI exit 2), not a read', () => {
    fs.symlinkSync('/dev/zero', path.join(tree.dir, 'alembic.ini'));
    tree.write('migrations/versions/a.py', revisionSource('a1', null));
    const r = cli(['check'], tree.dir);
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /Cannot read .*alembic\.ini: not a regular file/);
  });
});

describe('hostile: bounded walks', () => {
  const tree = new TempTree('alembic-hostile-');
  const saved = { ...WALK_LIMITS };
  beforeEach(tree.open);
  afterEach(() => {
    Object.assign(WALK_LIMITS, saved);
    tree.close();
  });

  it('skips .git, node_modules and virtualenvs when recursing', () => {
    tree.write('v/a.py', revisionSource('a1', null));
    tree.write('v/sub/b.py', revisionSource('b2', 'a1'));
    tree.write('v/.git/hooks/x.py', revisionSource('g1', null));
    tree.write('v/node_modules/p/x.py', revisionSource('n1', null));
    tree.write('v/env/pyvenv.cfg', 'home = /usr/bin\n');
    tree.write('v/env/lib/python3.11/site-packages/x.py', revisionSource('e1', null));
    const scan = scanProjectSync(tree.project(['v'], true));
    assert.deepEqual(scan.files.map((f) => tree.rel(f.path)), ['v/a.py', 'v/sub/b.py']);
    assert.deepEqual(scan.problems, []);
  });

  it('never follows a folder symlink (a loop back up, or out to /)', () => {
    tree.write('v/a.py', revisionSource('a1', null));
    fs.symlinkSync('..', path.join(tree.dir, 'v/up'));
    fs.symlinkSync('/', path.join(tree.dir, 'v/root'));
    const scan = scanProjectSync(tree.project(['v'], true));
    assert.deepEqual(scan.files.map((f) => tree.rel(f.path)), ['v/a.py']);
  });

  it('stops at the depth cap and says so', () => {
    WALK_LIMITS.maxDepth = 3;
    tree.write('v/a.py', revisionSource('a1', null));
    tree.write('v/1/2/3/4/5/deep.py', revisionSource('d1', 'a1'));
    const scan = scanProjectSync(tree.project(['v'], true));
    assert.deepEqual(scan.files.map((f) => tree.rel(f.path)), ['v/a.py']);
    assert.deepEqual(tree.show(scan.problems), [
      '.:0 error: Stopped listing <tmp>/v at 3 folder levels (in <tmp>/v/1/2/3); revision files beyond it were not read. Point version_locations at the versions folder itself.',
    ]);
  });

  it('stops at the folder and file caps and says so', async () => {
    WALK_LIMITS.maxFolders = 5;
    for (let i = 0; i < 8; i++) tree.write(`v/d${i}/x${i}.py`, revisionSource(`x${i}`, null));
    for (const scan of [scanProjectSync(tree.project(['v'], true)), await scanProject(tree.project(['v'], true))]) {
      assert.equal(scan.files.length, 4);
      assert.match(tree.show(scan.problems).join('\n'), /Stopped listing <tmp>\/v at 5 folders;/);
    }
    WALK_LIMITS.maxFolders = 100;
    WALK_LIMITS.maxFiles = 3;
    const scan = scanProjectSync(tree.project(['v'], true));
    assert.equal(scan.files.length, 3);
    assert.match(tree.show(scan.problems).join('\n'), /Stopped listing <tmp>\/v at 3 files;/);
  });

  it('version_locations = / with recursion ends, with the cap reported', () => {
    tree.write('alembic.ini', '[alembic]\nscript_location = %(here)s/migrations\nversion_locations = /\nrecursive_version_locations = true\n');
    tree.write('migrations/env.py', '');
    const r = cli(['check'], tree.dir);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /Stopped listing \/ at /);
  });
});

describe('hostile folders (seeded pass of test/support/hostile-folder)', function () {
  this.timeout(120_000);
  const seeds = [1, 2, 3, 4];
  const cases: Array<{ label: string; seed: number; all: boolean }> = [
    { label: 'every trait', seed: 7, all: true },
    ...seeds.map((seed) => ({ label: `seed ${seed}`, seed, all: false })),
  ];
  for (const c of cases) {
    it(`${c.label}: the CLI ends, bounded, and reports each trait`, () => {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-hostile-')));
      try {
        const traits = buildHostileFolder(dir, c.seed, c.all);
        if (c.all) assert.equal(traits.length, TRAITS.length);
        let r = cli(['graph', '--json'], dir);
        const bombs = traits.filter((t) => t.exit === 2);
        if (bombs.length > 0) {
          // The config error stops the run first (exit 2); then the rest is read with a plain ini.
          assert.equal(r.code, 2, r.out.slice(0, 2000));
          for (const t of bombs) assert.ok(r.out.includes(t.expect), `${t.name}: expected "${t.expect}" in\n${r.out.slice(0, 3000)}`);
          fs.writeFileSync(path.join(dir, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
          r = cli(['graph', '--json'], dir);
        }
        assert.equal(r.code, 0, r.out.slice(0, 2000));
        assert.doesNotMatch(r.out, /internal error|FATAL|heap/i);
        assert.ok(r.out.length < 1024 * 1024, `output of ${r.out.length} characters`);
        for (const t of traits) {
          if (t.exit === 2) continue;
          assert.ok(r.out.includes(t.expect), `${t.name}: expected "${t.expect}" in\n${r.out.slice(0, 3000)}`);
        }
        const doc = JSON.parse(r.out.slice(0, r.out.lastIndexOf('}') + 1)) as { diagnostics: Array<{ code: string; path: string }> };
        // The comment with bytes that are not UTF-8 and the pathological docstring are no parse errors.
        assert.deepEqual(doc.diagnostics.filter((d) => d.code === 'parse-error' && /c_latin|p_spaces/.test(d.path)), []);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
