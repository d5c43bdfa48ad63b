// Values revision files import from the project: module search (prepend_sys_path, the config's
// folder, workspace folders, src/), the import forms, one level of re-export, defines, what
// happens when a value cannot be read (warnings, never an error), and the bounds of module reads.
// Real temp folders through the real io path.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProjectConfig } from '../../src/core/config';
import { RevisionGraph } from '../../src/core/graph';
import { graphDiagnostics } from '../../src/core/graph-diagnostics';
import { parseDefine } from '../../src/core/imports';
import { mergeCandidates } from '../../src/core/merge';
import type { MigrationFile } from '../../src/core/types';
import { discoverProjects } from '../../src/io/discover';
import { MAX_MODULE_BYTES, projectImports } from '../../src/io/modules';
import { scanProjectSync } from '../../src/io/scan';

const CLI = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');

let tmp = '';
beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-imports-')));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function write(files: Record<string, string>, root = tmp): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  }
}

function rev(id: string, down: string, extra = '', imports = ''): string {
  return `"""rev"""\n${imports}\nrevision = ${id}\ndown_revision = ${down}\n${extra}\n`;
}

const INI = '[alembic]\nscript_location = migrations\nprepend_sys_path = .\n';

async function config(): Promise<ProjectConfig> {
  const [c] = await discoverProjects(tmp);
  assert.ok(c);
  return c;
}

async function load(defines: Record<string, string> = {}, folders = [tmp]): Promise<{ files: Map<string, MigrationFile>; graph: RevisionGraph; read: string[] }> {
  const c = await config();
  const imports = projectImports(c, { folders, defines: new Map(Object.entries(defines)) });
  const scan = scanProjectSync(c, imports.resolve);
  const files = new Map(scan.files.map((f) => [path.basename(f.path), f]));
  return { files, graph: RevisionGraph.build(scan.files), read: [...imports.readPaths].map((p) => path.relative(tmp, p)) };
}

function problems(f: MigrationFile | undefined): string[] {
  assert.ok(f);
  return f.problems.map((p) => `${p.code} ${p.severity} ${p.range.start.line}: ${p.message}`);
}

describe('imported values: the import forms and where modules are found', () => {
  it('reads from a.b import c / c.NAME, from a.b.c import NAME, import a.b.c as c, import a.b.c', async () => {
    await write({
      'alembic.ini': INI,
      'pkg/__init__.py': '',
      'pkg/db/__init__.py': '',
      'pkg/db/cli.py': "EXPAND = 'expand'\nCONTRACT = 'contract'\nBASE = 'b0'\nIDS = ('b0', 'x1')\n",
      'migrations/versions/b0.py': rev('cli.BASE', 'None', 'branch_labels = (cli.EXPAND,)', 'from pkg.db import cli'),
      'migrations/versions/x1.py': rev("'x1'", 'BASE', 'branch_labels = [c.CONTRACT]', 'from pkg.db.cli import BASE\nimport pkg.db.cli as c'),
      'migrations/versions/x2.py': rev("'x2'", 'pkg.db.cli.IDS', '', 'import pkg.db.cli'),
    });
    const { files, graph } = await load();
    for (const f of files.values()) assert.deepEqual(problems(f), []);
    assert.deepEqual(graph.get('b0')?.branchLabels, ['expand']);
    assert.deepEqual(graph.get('x1')?.downRevisions, ['b0']);
    assert.deepEqual(graph.get('x1')?.branchLabels, ['contract']);
    assert.deepEqual(graph.get('x2')?.downRevisions, ['b0', 'x1']);
    // The id's range is the expression as written in the revision file (line 2: `revision = cli.BASE`).
    const ref = files.get('b0.py')?.idRefs.find((r) => r.kind === 'revision');
    assert.deepEqual(ref, { id: 'b0', kind: 'revision', range: { start: { line: 2, character: 11 }, end: { line: 2, character: 19 } }, imported: 'value' });
  });

  it('follows one level of re-export (from .constants import NAME, from . import cli) and not two', async () => {
    await write({
      'alembic.ini': INI,
      'pkg/__init__.py': 'from . import cli\n',
      'pkg/cli.py': 'from .constants import EXPAND\nfrom .constants import DEEP\n',
      'pkg/constants.py': "EXPAND = 'expand'\nfrom .deeper import DEEP\n",
      'pkg/deeper.py': "DEEP = 'deep'\n",
      'migrations/versions/a.py': rev("'a'", 'None', 'branch_labels = (cli.EXPAND,)', 'from pkg import cli'),
      'migrations/versions/b.py': rev("'b'", "'a'", 'branch_labels = cli.DEEP', 'from pkg import cli'),
    });
    const { files, graph } = await load();
    assert.deepEqual(graph.get('a')?.branchLabels, ['expand']);
    assert.deepEqual(problems(files.get('b.py')), [
      'unresolved-value warning 4: branch_labels is set to cli.DEEP (pkg.cli.DEEP), which could not be read: ' +
        'pkg.constants.DEEP is imported from .deeper.DEEP; only 1 level of re-export is followed. ' +
        'Supply it with --define pkg.cli.DEEP=VALUE (alembic-migrations check) or the alembic.defines setting ({"pkg.cli.DEEP": "VALUE"}).',
    ]);
  });

  it('finds modules through prepend_sys_path first, then the config folder, workspace folders and src/', async () => {
    await write({
      'alembic.ini': '[alembic]\nscript_location = migrations\nprepend_sys_path = lib\n',
      'lib/labels.py': "L = 'from-lib'\n",
      'labels.py': "L = 'from-root'\nR = 'root-only'\n",
      'src/srcpkg/__init__.py': "S = 'from-src'\n",
      'migrations/versions/a.py': rev("'a'", 'None', 'branch_labels = (labels.L, srcpkg.S)', 'import labels\nimport srcpkg'),
      'migrations/versions/b.py': rev("'b'", "'a'", 'branch_labels = R', 'from labels import R'),
    });
    const { graph } = await load();
    assert.deepEqual(graph.get('a')?.branchLabels, ['from-lib', 'from-src']);
    // `labels` is lib/labels.py (found first): it has no R, as in Python.
    assert.deepEqual(graph.get('b')?.branchLabels, []);
    assert.match(graph.get('b')?.file.problems[0]?.message ?? '', /which could not be read: labels \(.*lib\/labels\.py\) assigns no module-level R/);
  });

  it('names a module it cannot find, with the folders searched; a define by qualified name or expression supplies it', async () => {
    await write({
      'alembic.ini': INI,
      'migrations/versions/a.py': rev("'a'", 'None', 'branch_labels = (cli.EXPAND,)', 'from installed.pkg import cli'),
      'migrations/versions/b.py': rev("'b'", 'None', 'branch_labels = (cli.CONTRACT,)', 'from installed.pkg import cli'),
    });
    const none = await load();
    assert.match(problems(none.files.get('a.py'))[0], /^unresolved-value warning 4: branch_labels is set to a tuple containing cli\.EXPAND \(installed\.pkg\.cli\.EXPAND\), which could not be read: module installed is not found in /);
    const both = await load({ 'installed.pkg.cli.EXPAND': 'expand', 'cli.CONTRACT': 'contract' });
    assert.deepEqual(both.graph.get('a')?.branchLabels, ['expand']);
    assert.deepEqual(both.graph.get('b')?.branchLabels, ['contract']);
    assert.deepEqual(graphDiagnostics(both.graph).map((d) => `${d.code} ${d.severity}`), ['labelled-heads info', 'labelled-heads info']);
  });

  it('says a value computed at import time is a call', async () => {
    await write({
      'alembic.ini': INI,
      'conf.py': "import os\nLABEL = os.environ.get('LABEL', 'x')\n",
      'migrations/versions/a.py': rev("'a'", 'None', 'branch_labels = conf.LABEL', 'import conf'),
    });
    const { files } = await load();
    assert.match(problems(files.get('a.py'))[0], /which could not be read: conf\.LABEL is set to a call of os\.environ\.get\. Supply it with --define conf\.LABEL=VALUE/);
  });
});

describe('imported values that cannot be read make no error', function () {
  this.timeout(60_000); // runs the CLI as a process, three times
  const LABELLED = {
    'alembic.ini': INI,
    'migrations/versions/base.py': rev("'base'", 'None'),
    'migrations/versions/e1.py': rev("'e1'", "'base'", 'branch_labels = (cli.EXPAND_BRANCH,)', 'from myproject.db.migration import cli'),
    'migrations/versions/c1.py': rev("'c1'", "'base'", 'branch_labels = (cli.CONTRACT_BRANCH,)', 'from myproject.db.migration import cli'),
  };

  it('two heads whose labels could not be read: a warning on each naming the value and how to supply it, no fix data', async () => {
    await write(LABELLED);
    const { graph } = await load();
    const heads = graphDiagnostics(graph).filter((d) => d.code === 'multiple-heads');
    assert.deepEqual(heads.map((d) => [path.basename(d.path), d.severity, d.data]), [['c1.py', 'warning', undefined], ['e1.py', 'warning', undefined]]);
    assert.equal(
      heads[0].message,
      "2 heads (c1, e1) unless branch labels keep them apart: its branch_labels could not be read (myproject.db.migration.cli.CONTRACT_BRANCH). " +
        'Supply it with --define myproject.db.migration.cli.CONTRACT_BRANCH=VALUE (alembic-migrations check) or the alembic.defines setting ' +
        "({\"myproject.db.migration.cli.CONTRACT_BRANCH\": \"VALUE\"}). If the labels differ, 'alembic upgrade heads' or '<label>@head' is the way to upgrade; if not, merge them.",
    );
    assert.ok(!graphDiagnostics(graph).some((d) => d.severity === 'error'));
    // Nor are they merge candidates anywhere (the sidebar asks the same rule).
    assert.deepEqual(mergeCandidates(graph), []);
  });

  it('a head above an unreadable label is doubtful too; two heads with known (no) labels stay an error', async () => {
    await write({
      ...LABELLED,
      'migrations/versions/e2.py': rev("'e2'", "'e1'"),
      'migrations/versions/u1.py': rev("'u1'", "'base'"),
      'migrations/versions/u2.py': rev("'u2'", "'base'"),
    });
    const { graph } = await load();
    const heads = graphDiagnostics(graph).filter((d) => d.code === 'multiple-heads').map((d) => `${path.basename(d.path)} ${d.severity} ${d.data ? 'fix' : '-'}`);
    assert.deepEqual(heads, ['c1.py warning -', 'e2.py warning -', 'u1.py error fix', 'u2.py error fix']);
    assert.deepEqual(mergeCandidates(graph), [{ labels: [], heads: ['u1', 'u2'] }]);
    const e2 = graphDiagnostics(graph).find((d) => path.basename(d.path) === 'e2.py');
    assert.match(e2?.message ?? '', /: the branch_labels of e1 below it could not be read \(myproject\.db\.migration\.cli\.EXPAND_BRANCH\)/);
    assert.match(graphDiagnostics(graph).find((d) => path.basename(d.path) === 'u1.py')?.message ?? '', /^2 heads: u1, u2\./);
  });

  it('the CLI: check exits 0 with warnings, and --define makes them labelled heads; a bad --define is a usage error', async () => {
    await write(LABELLED);
    const run = (args: string[]): { code: number | null; out: string; err: string } => {
      const r = spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: tmp, encoding: 'utf8', timeout: 30_000 });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };
    const plain = run([]);
    assert.equal(plain.code, 0, plain.err);
    assert.match(plain.out, /warning multiple-heads: 2 heads \(c1, e1\) unless branch labels keep them apart/);
    assert.doesNotMatch(plain.out, /error/);
    const defined = run(['--define', 'cli.EXPAND_BRANCH=expand', '-D', 'myproject.db.migration.cli.CONTRACT_BRANCH=contract']);
    assert.equal(defined.code, 0, defined.err);
    assert.doesNotMatch(defined.out, /warning/);
    assert.match(defined.out, /Head c1 of branch 'contract' is one of 2 heads kept apart by branch labels/);
    const bad = run(['--define', 'no-equals']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--define takes NAME=VALUE with a dotted Python name/);
  });

  it('parseDefine', () => {
    assert.deepEqual(parseDefine('a.b.C=x=y'), { name: 'a.b.C', value: 'x=y' });
    assert.deepEqual(parseDefine(' cli.X =expand'), { name: 'cli.X', value: 'expand' });
    assert.ok('error' in parseDefine('1a=b'));
    assert.ok('error' in parseDefine('a..b=c'));
  });
});

describe('module reads are bounded', () => {
  it('does not follow a dotted name of thousands of parts (no deep recursion)', async () => {
    const deep = Array.from({ length: 20000 }, () => 'a').join('.');
    await write({ 'alembic.ini': INI, 'migrations/versions/a.py': rev("'a'", 'None', `branch_labels = ${deep}.X`, `import ${deep}`) });
    const { files } = await load();
    const [p] = problems(files.get('a.py'));
    assert.match(p, /which could not be read: a dotted name of more than 64 parts is not followed/);
    assert.ok(p.length < 1000, `message of ${p.length} characters`);
  });

  it('reads nothing outside the project folders, nothing too big, and no pipe', async () => {
    const outside = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-outside-')));
    try {
      await write({ 'secret.py': "S = 'outside'\n" }, outside);
      await write({
        'alembic.ini': INI,
        'big.py': `B = 'big'\n# ${'x'.repeat(MAX_MODULE_BYTES)}\n`,
        'migrations/versions/a.py': rev("'a'", 'None', 'branch_labels = (secret.S,)', 'import secret'),
        'migrations/versions/b.py': rev("'b'", "'a'", 'branch_labels = big.B', 'import big'),
        'migrations/versions/c.py': rev("'c'", "'b'", 'branch_labels = fifo.F', 'import fifo'),
      });
      await fs.symlink(path.join(outside, 'secret.py'), path.join(tmp, 'secret.py'));
      execFileSync('mkfifo', [path.join(tmp, 'fifo.py')]);
      const { files } = await load();
      assert.match(problems(files.get('a.py'))[0], /secret\.py lies outside the project's folders .*, so it is not read/);
      assert.match(problems(files.get('b.py'))[0], /big\.py is larger than 512 KB, so it is not read/);
      assert.match(problems(files.get('c.py'))[0], /fifo\.py is not a regular file/);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });
});
