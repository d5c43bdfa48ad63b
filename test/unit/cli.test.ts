// The bundled CLI (dist/cli.js) run as a process on temp folders: JSON shape and values, the
// history view, check's lines and exit codes, and usage errors.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultFileName, renderMigration, writeMigrationFolder, type RevSpec } from '../support/fixture-writer';
import { githubLines } from '../../src/cli/format';
import { ROOT, runCli, type Run } from '../support/cli';


const cli = (args: string[], cwd: string): Run => runCli(args, cwd, { timeoutMs: 30_000 });

/** 1-based line of the first line of `text` that starts with `prefix`. */
function lineOf(text: string, prefix: string): number {
  const i = text.split('\n').findIndex((l) => l.startsWith(prefix));
  assert.ok(i >= 0, `no line starts with ${prefix}`);
  return i + 1;
}

const REV_LINE = lineOf(renderMigration({ id: 'x', down: null }), 'revision:');
const DOWN_LINE = lineOf(renderMigration({ id: 'x', down: null }), 'down_revision:');

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-cli-'));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** `<dir>/alembic.ini` + `<dir>/migrations/versions/<files>`. */
async function project(dir: string, specs: RevSpec[], ini = '[alembic]\nscript_location = %(here)s/migrations\n'): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'alembic.ini'), ini);
  await writeMigrationFolder(path.join(dir, 'migrations', 'versions'), specs);
}

const rel = (spec: RevSpec) => `migrations/versions/${defaultFileName(spec)}`;

function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

const LINEAR: RevSpec[] = [
  { id: 'aaaa0001', down: null, message: 'create users' },
  { id: 'bbbb0002', down: 'aaaa0001', message: 'add email' },
  { id: 'cccc0003', down: 'bbbb0002', message: 'add index' },
];

// a ─┬─ b ──┬─ d (merge) ── e (label 'feature', depends_on c)
//    └─ c ──┘
const BRANCHED: RevSpec[] = [
  { id: 'aaaa0001', down: null, message: 'base' },
  { id: 'bbbb0002', down: 'aaaa0001', message: 'left' },
  { id: 'cccc0003', down: 'aaaa0001', message: 'right' },
  { id: 'dddd0004', down: ['bbbb0002', 'cccc0003'], message: 'merge' },
  { id: 'eeee0005', down: 'dddd0004', branchLabels: ['feature'], dependsOn: ['cccc0003'], message: 'feature start' },
];

describe('cli graph --json', () => {
  it('prints ids sorted, paths relative to the folder given, 1-based revision lines, for a linear history', async () => {
    // written out of order: output must still be sorted by id
    await project(path.join(tmp, 'app'), [LINEAR[2], LINEAR[0], LINEAR[1]]);
    const r = cli(['graph', '--json', 'app'], tmp);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.deepEqual(parseJson(r.stdout), {
      revisions: [
        { id: 'aaaa0001', path: rel(LINEAR[0]), line: REV_LINE, downRevisions: [], branchLabels: [], dependsOn: [], message: 'create users' },
        { id: 'bbbb0002', path: rel(LINEAR[1]), line: REV_LINE, downRevisions: ['aaaa0001'], branchLabels: [], dependsOn: [], message: 'add email' },
        { id: 'cccc0003', path: rel(LINEAR[2]), line: REV_LINE, downRevisions: ['bbbb0002'], branchLabels: [], dependsOn: [], message: 'add index' },
      ],
      heads: ['cccc0003'],
      bases: ['aaaa0001'],
      mergePoints: [],
      branchPoints: [],
      diagnostics: [],
    });
  });

  it('reports branch points, merge points, branch labels and depends_on', async () => {
    await project(tmp, BRANCHED);
    const r = cli(['graph', '--json'], tmp);
    assert.equal(r.code, 0);
    const doc = parseJson(r.stdout) as { revisions: Array<Record<string, unknown>>; [k: string]: unknown };
    assert.deepEqual(
      doc.revisions.map((x) => [x.id, x.downRevisions, x.branchLabels, x.dependsOn]),
      [
        ['aaaa0001', [], [], []],
        ['bbbb0002', ['aaaa0001'], [], []],
        ['cccc0003', ['aaaa0001'], [], []],
        ['dddd0004', ['bbbb0002', 'cccc0003'], [], []],
        ['eeee0005', ['dddd0004'], ['feature'], ['cccc0003']],
      ],
    );
    assert.deepEqual(doc.heads, ['eeee0005']);
    assert.deepEqual(doc.bases, ['aaaa0001']);
    assert.deepEqual(doc.mergePoints, ['dddd0004']);
    assert.deepEqual(doc.branchPoints, ['aaaa0001']);
    assert.deepEqual(doc.diagnostics, []);
  });

  it('lists two bases and two labelled heads, with the labelled-heads info', async () => {
    const specs: RevSpec[] = [
      { id: 'aaaa0001', down: null, branchLabels: ['main'] },
      { id: 'bbbb0002', down: 'aaaa0001' },
      { id: 'cccc0003', down: null, branchLabels: ['audit'] },
    ];
    await project(tmp, specs);
    const r = cli(['graph', '--json'], tmp);
    assert.equal(r.code, 0);
    const doc = parseJson(r.stdout) as { heads: string[]; bases: string[]; diagnostics: Array<{ code: string; severity: string; path: string; line: number }> };
    assert.deepEqual(doc.heads, ['bbbb0002', 'cccc0003']);
    assert.deepEqual(doc.bases, ['aaaa0001', 'cccc0003']);
    assert.deepEqual(
      doc.diagnostics.map((d) => [d.code, d.severity, d.path, d.line]),
      [
        ['labelled-heads', 'info', rel(specs[1]), REV_LINE],
        ['labelled-heads', 'info', rel(specs[2]), REV_LINE],
      ],
    );
  });

  it('gives diagnostics a path relative to the folder and a 1-based line', async () => {
    const specs: RevSpec[] = [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: ['aaaa0001', 'ffff9999'] },
    ];
    await project(tmp, specs);
    const r = cli(['graph', '--json'], tmp);
    assert.equal(r.code, 0, 'graph reports problems but does not fail');
    const doc = parseJson(r.stdout) as { diagnostics: Array<Record<string, unknown>> };
    assert.equal(doc.diagnostics.length, 1);
    const d = doc.diagnostics[0];
    assert.deepEqual(Object.keys(d), ['code', 'severity', 'message', 'path', 'line']);
    assert.equal(d.code, 'missing-down-revision');
    assert.equal(d.severity, 'error');
    assert.equal(d.path, rel(specs[1]));
    assert.equal(d.line, DOWN_LINE);
    assert.match(String(d.message), /'ffff9999'/);
  });

  it('reads explicit --versions folders when there is no config at all', async () => {
    const versions = path.join(tmp, 'db', 'versions');
    await writeMigrationFolder(versions, LINEAR);
    const r = cli(['graph', '--json', '--versions', 'db/versions'], tmp);
    assert.equal(r.code, 0, r.stderr);
    const doc = parseJson(r.stdout) as { revisions: Array<{ id: string; path: string }>; heads: string[] };
    assert.deepEqual(
      doc.revisions.map((x) => x.path),
      LINEAR.map((s) => `db/versions/${defaultFileName(s)}`),
    );
    assert.deepEqual(doc.heads, ['cccc0003']);
  });

  it('follows subfolders only with --recursive', async () => {
    const versions = path.join(tmp, 'v');
    await writeMigrationFolder(versions, [LINEAR[0]]);
    await writeMigrationFolder(path.join(versions, '2024'), [LINEAR[1]]);
    const flat = parseJson(cli(['graph', '--json', '--versions', 'v'], tmp).stdout) as { revisions: Array<{ id: string }> };
    assert.deepEqual(flat.revisions.map((x) => x.id), ['aaaa0001']);
    const deep = parseJson(cli(['graph', '--json', '--versions', 'v', '--recursive'], tmp).stdout) as { revisions: Array<{ id: string; path: string }> };
    assert.deepEqual(deep.revisions.map((x) => [x.id, x.path]), [
      ['aaaa0001', `v/${defaultFileName(LINEAR[0])}`],
      ['bbbb0002', `v/2024/${defaultFileName(LINEAR[1])}`],
    ]);
  });

  it('picks the ini section with --name', async () => {
    await fs.mkdir(path.join(tmp, 'other', 'versions'), { recursive: true });
    await project(tmp, LINEAR, '[alembic]\nscript_location = %(here)s/migrations\n\n[other]\nscript_location = %(here)s/other\n');
    await writeMigrationFolder(path.join(tmp, 'other', 'versions'), [{ id: 'ffff0001', down: null }]);
    const r = cli(['graph', '--json', '--name', 'other'], tmp);
    assert.equal(r.code, 0, r.stderr);
    const doc = parseJson(r.stdout) as { revisions: Array<{ id: string; path: string }> };
    assert.deepEqual(doc.revisions.map((x) => [x.id, x.path]), [['ffff0001', 'other/versions/ffff0001_rev_ffff0001.py']]);
  });

  it('chooses among several projects with --config, paths still relative to PATH', async () => {
    await project(path.join(tmp, 'one'), [LINEAR[0]]);
    await project(path.join(tmp, 'two'), [{ id: 'ffff0001', down: null }]);
    const many = cli(['graph', '--json'], tmp);
    assert.equal(many.code, 2);
    assert.equal(many.stdout, '');
    assert.equal(
      many.stderr,
      "alembic-migrations: 2 Alembic projects found in . (one/alembic.ini, two/alembic.ini); choose one with --config FILE\n",
    );
    const r = cli(['graph', '--json', '--config', 'two/alembic.ini'], tmp);
    assert.equal(r.code, 0, r.stderr);
    const doc = parseJson(r.stdout) as { revisions: Array<{ id: string; path: string }> };
    assert.deepEqual(doc.revisions.map((x) => [x.id, x.path]), [['ffff0001', 'two/migrations/versions/ffff0001_rev_ffff0001.py']]);
  });
});

describe('cli graph (history view)', () => {
  it('prints a linear history newest first, as alembic history does', async () => {
    await project(tmp, LINEAR);
    const r = cli(['graph'], tmp);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      ['bbbb0002 -> cccc0003 (head), add index', 'aaaa0001 -> bbbb0002, add email', '<base> -> aaaa0001, create users', ''].join('\n'),
    );
  });

  it('marks branch points, merge points, labels, depends_on and heads', async () => {
    await project(tmp, BRANCHED);
    const r = cli(['graph'], tmp);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'dddd0004 (cccc0003) -> eeee0005 (feature) (head), feature start');
    // a label covers ancestors only back to the merge point (as `alembic history` shows it)
    assert.equal(lines[1], 'bbbb0002, cccc0003 -> dddd0004 (mergepoint), merge');
    // the two branches in either order, then the base
    assert.deepEqual(lines.slice(2, 4).sort(), ['aaaa0001 -> bbbb0002, left', 'aaaa0001 -> cccc0003, right']);
    assert.equal(lines[4], '<base> -> aaaa0001 (branchpoint), base');
    assert.equal(lines.length, 5);
  });

  it('says on stderr how many errors there are, and still exits 0', async () => {
    await project(tmp, [{ id: 'aaaa0001', down: null }, { id: 'bbbb0002', down: ['aaaa0001', 'ffff9999'] }]);
    const r = cli(['graph'], tmp);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "1 error, 0 warnings (run 'alembic-migrations check' for details)\n");
  });
});

describe('cli check', () => {
  it('exits 0 with no output and a zero summary on a clean project', async () => {
    await project(tmp, BRANCHED);
    const r = cli(['check'], tmp);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '0 errors, 0 warnings\n');
  });

  it('exits 1 on a broken down_revision link and prints path:line: severity code: message', async () => {
    const specs: RevSpec[] = [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: ['aaaa0001', 'ffff9999'] },
    ];
    await project(tmp, specs);
    const r = cli(['check'], tmp);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.ok(
      lines[0].startsWith(`${rel(specs[1])}:${DOWN_LINE}: error missing-down-revision: `),
      lines[0],
    );
    assert.match(lines[0], /Revision ffff9999 referenced from bbbb0002 is not present/);
    assert.equal(r.stderr, '1 error, 0 warnings\n');
  });

  it('exits 1 on two unlabelled heads and names the merge command', async () => {
    const specs: RevSpec[] = [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001' },
      { id: 'cccc0003', down: 'aaaa0001' },
    ];
    await project(tmp, specs);
    const r = cli(['check', '--format', 'json'], tmp);
    assert.equal(r.code, 1);
    const doc = parseJson(r.stdout) as { diagnostics: Array<{ code: string; severity: string; path: string; line: number; message: string }> };
    assert.deepEqual(
      doc.diagnostics.map((d) => [d.code, d.severity, d.path, d.line]),
      [
        ['multiple-heads', 'error', rel(specs[1]), REV_LINE],
        ['multiple-heads', 'error', rel(specs[2]), REV_LINE],
      ],
    );
    assert.match(doc.diagnostics[0].message, /alembic merge .*bbbb0002 cccc0003/);
    assert.equal(r.stderr, '2 errors, 0 warnings\n');
  });

  it('exits 0 when there are only warnings (a value it cannot read statically)', async () => {
    await fs.writeFile(path.join(tmp, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
    const versions = path.join(tmp, 'migrations', 'versions');
    await writeMigrationFolder(versions, [{ id: 'aaaa0001', down: null }]);
    const text = renderMigration({ id: 'bbbb0002', down: 'aaaa0001' }).replace(
      "branch_labels: Union[str, Sequence[str], None] = None",
      'branch_labels: Union[str, Sequence[str], None] = make_labels()',
    );
    await fs.writeFile(path.join(versions, 'bbbb0002_x.py'), text);
    const r = cli(['check'], tmp);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^migrations\/versions\/bbbb0002_x\.py:17: warning unresolved-value: /);
    assert.equal(r.stderr, '0 errors, 1 warning\n');
  });

  it('reports a missing script folder as a config error and exits 1', async () => {
    await fs.writeFile(path.join(tmp, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/nowhere\n');
    const r = cli(['check'], tmp);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^alembic\.ini:2: error config: /);
  });

  it('prints GitHub Actions annotations with --format github, paths relative to the current folder', async () => {
    const dir = path.join(tmp, 'backend');
    await project(dir, [
      { id: 'aaaa0001', down: null },
      { id: 'bbbb0002', down: 'aaaa0001' },
      { id: 'cccc0003', down: 'aaaa0001' },
      { id: 'dddd0004', down: 'gone0000' },
    ]);
    const r = cli(['check', '--format', 'github', 'backend'], tmp);
    assert.equal(r.code, 1);
    const file = (id: string) => `backend/${rel({ id, down: null })}`;
    const heads = 'multiple-heads::2 heads: bbbb0002, cccc0003. \'alembic upgrade head\' will fail. Merge them: alembic merge -m "merge heads" bbbb0002 cccc0003';
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      `::error file=${file('bbbb0002')},line=${REV_LINE},title=alembic-migrations ${heads}`,
      `::error file=${file('cccc0003')},line=${REV_LINE},title=alembic-migrations ${heads}`,
      `::error file=${file('dddd0004')},line=${DOWN_LINE},title=alembic-migrations missing-down-revision::` +
        "down_revision 'gone0000' does not match any revision in this folder (Revision gone0000 referenced from dddd0004 is not present). Alembic fails with KeyError: 'gone0000' on every command.",
    ]);
    assert.equal(r.stderr, '3 errors, 0 warnings\n');
  });

  it('prints JSON with --format json', async () => {
    await project(tmp, LINEAR);
    const r = cli(['check', '--format=json'], tmp);
    assert.equal(r.code, 0);
    assert.deepEqual(parseJson(r.stdout), { diagnostics: [] });
  });
});

describe('cli github annotations', () => {
  it('escapes what workflow commands reserve: % and line breaks everywhere, : and , in properties', () => {
    const [line] = githubLines(
      [{ code: 'parse-error', severity: 'warning', message: '100% broken\nsecond line: here, too', path: 'a,b:c.py', line: 3 }],
      '/repo/app',
      '/repo',
    );
    assert.equal(line, '::warning file=app/a%2Cb%3Ac.py,line=3,title=alembic-migrations parse-error::100%25 broken%0Asecond line: here, too');
    assert.match(githubLines([{ code: 'labelled-heads', severity: 'info', message: 'm', path: 'x.py', line: 1 }], '/r', '/r')[0], /^::notice file=x\.py,/);
  });
});

describe('cli usage errors', () => {
  const cases: Array<[string, string[], string]> = [
    ['an unknown option', ['graph', '--bogus'], "alembic-migrations: unknown option '--bogus' for 'graph' (see 'alembic-migrations graph --help')"],
    ['an unknown short option', ['check', '-x'], "alembic-migrations: unknown option '-x' for 'check' (see 'alembic-migrations check --help')"],
    ['an unknown command', ['history'], "alembic-migrations: unknown command 'history' (commands: graph, check, status, plan)"],
    ['an option value missing', ['graph', '--config'], "alembic-migrations: option '--config' needs a value (FILE) (see 'alembic-migrations graph --help')"],
    ['a value outside the choices', ['check', '--format', 'xml'], "alembic-migrations: option '--format' must be one of text, json, github, sarif (got 'xml')"],
    ['a value given to a flag', ['graph', '--json=yes'], "alembic-migrations: option '--json' takes no value (see 'alembic-migrations graph --help')"],
    ['two folders', ['graph', 'a', 'b'], "alembic-migrations: 'graph' takes at most one PATH (got 'a', 'b')"],
    ['a missing folder', ['graph', 'no/such/folder'], 'alembic-migrations: folder not found: no/such/folder'],
    ['a missing versions folder', ['check', '--versions', 'gone'], 'alembic-migrations: versions folder not found: gone'],
    ['a missing config file', ['graph', '--config', 'nope.ini'], 'alembic-migrations: config file not found: nope.ini'],
    ['a folder given as config', ['graph', '--config', '.'], 'alembic-migrations: config file is a folder: . (pass the alembic.ini or pyproject.toml in it)'],
    ['a bad status timeout', ['status', '--timeout', 'soon'], "alembic-migrations: option '--timeout' needs a positive number of seconds (got 'soon')"],
  ];
  for (const [what, args, message] of cases) {
    it(`exits 2 with one line on stderr for ${what}`, () => {
      const r = cli(args, tmp);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, message + '\n');
    });
  }

  it('exits 2 when PATH is a file, and points at --config', async () => {
    await fs.writeFile(path.join(tmp, 'alembic.ini'), '[alembic]\nscript_location = migrations\n');
    const r = cli(['graph', 'alembic.ini'], tmp);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'alembic-migrations: not a folder: alembic.ini (PATH is the project folder; pass a config file with --config)\n');
  });

  it('exits 2 and says how to point at a project when the folder holds none', () => {
    const r = cli(['check'], tmp);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      'alembic-migrations: no Alembic project found in . (no alembic.ini, no pyproject.toml with [tool.alembic]); pass --config FILE or --versions DIR\n',
    );
  });

  it('exits 2 with the usage line when no command is given', () => {
    const r = cli([], tmp);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "usage: alembic-migrations <graph|check|status|plan> [options] [PATH]\n(see 'alembic-migrations --help')\n");
  });
});

describe('cli help and version', () => {
  it('prints the main help with the commands and exit codes', () => {
    const r = cli(['--help'], tmp);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: alembic-migrations <graph\|check\|status\|plan> \[options\] \[PATH\]\n/);
    assert.match(r.stdout, /exit status: 0 ok, 1 check failed, 2 usage or environment error \(or, for plan, a target\nalembic would refuse\)\./);
    const plan = cli(['help', 'plan'], tmp);
    assert.equal(plan.code, 0);
    assert.match(plan.stdout, /^usage: alembic-migrations plan upgrade\|downgrade\|stamp TARGET/);
    for (const opt of ['--url URL', '--purge', '--json', '--config FILE']) assert.ok(plan.stdout.includes(opt), opt);
  });

  it('prints per-command help that documents 1-based lines and every option', () => {
    const r = cli(['graph', '--help'], tmp);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /lines\nare 1-based/);
    for (const opt of ['--config FILE', '--name SECTION', '--versions DIR', '--recursive', '--json']) assert.ok(r.stdout.includes(opt), opt);
    const status = cli(['help', 'status'], tmp);
    assert.equal(status.code, 0);
    for (const opt of ['--url URL', '--url-env VAR', '--version-table TABLE', '--version-table-schema SCHEMA', '--fail-if-pending']) {
      assert.ok(status.stdout.includes(opt), opt);
    }
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = cli(['--version'], tmp);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `alembic-migrations ${pkg.version}\n`);
  });
});
