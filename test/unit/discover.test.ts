// Project discovery on real temp folders: every config form, package:path, overrides, skipped folders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverProjects, loadProjectConfig } from '../../src/io/discover';
import type { ProjectConfig } from '../../src/core/config';

let tmp: string;
function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}
function mkdir(rel: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(p, { recursive: true });
  return p;
}
const rel = (p: string | null): string | null => (p === null ? null : path.relative(tmp, p) || '.');
const problems = (c: ProjectConfig): string[] => c.problems.map((p) => `${rel(p.path)}:${p.line} ${p.severity}: ${p.message.split(tmp).join('<tmp>')}`);

describe('discoverProjects', () => {
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-discover-')));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds every alembic.ini and pyproject [tool.alembic], sorted, skipping node_modules, venvs, hidden and build folders', async () => {
    write('svc-a/alembic.ini', '[alembic]\nscript_location = migrations\n');
    mkdir('svc-a/migrations/versions');
    write('svc-b/pyproject.toml', '[tool.alembic]\nscript_location = "%(here)s/alembic"\n');
    mkdir('svc-b/alembic/versions');
    write('svc-c/pyproject.toml', '[project]\nname = "not-alembic"\n');
    for (const skipped of ['node_modules/pkg', '.venv/lib', 'venv', '.git', '__pycache__', '.tox/py', 'dist', 'build', '.hidden']) {
      write(`${skipped}/alembic.ini`, '[alembic]\nscript_location = m\n');
    }
    const found = await discoverProjects(tmp);
    assert.deepEqual(
      found.map((c) => [rel(c.configPath), rel(c.pyprojectPath), rel(c.rootDir), rel(c.scriptLocation)]),
      [
        ['svc-a/alembic.ini', null, 'svc-a', 'svc-a/migrations'],
        [null, 'svc-b/pyproject.toml', 'svc-b', 'svc-b/alembic'],
      ],
    );
    assert.deepEqual(found.map(problems), [[], []]);
  });

  it('does not search the versions folder of a script folder (one holding env.py), but searches other versions folders', async () => {
    write('app/alembic.ini', '[alembic]\nscript_location = migrations\n');
    write('app/migrations/env.py', '# env\n');
    write('app/migrations/versions/alembic.ini', '[alembic]\nscript_location = nested\n');
    write('tools/versions/alembic.ini', '[alembic]\nscript_location = m\n');
    const found = await discoverProjects(tmp);
    assert.deepEqual(found.map((c) => rel(c.configPath)), ['app/alembic.ini', 'tools/versions/alembic.ini']);
  });

  it('makes one project of alembic.ini and pyproject.toml in the same folder', async () => {
    write('alembic.ini', '[alembic]\nsqlalchemy.url = postgresql://app:pw@db/app\n\n[loggers]\nkeys = root\n');
    write('pyproject.toml', '[tool.alembic]\nscript_location = "%(here)s/alembic"\nversion_locations = ["%(here)s/alembic/versions", "%(here)s/extra"]\n');
    mkdir('alembic/versions');
    mkdir('extra');
    const [c, ...rest] = await discoverProjects(tmp);
    assert.equal(rest.length, 0);
    assert.equal(rel(c.configPath), 'alembic.ini');
    assert.equal(rel(c.pyprojectPath), 'pyproject.toml');
    assert.deepEqual(c.versionLocations.map(rel), ['alembic/versions', 'extra']);
    assert.equal(c.sqlalchemyUrl, 'postgresql://app:pw@db/app');
    assert.deepEqual(problems(c), []);
  });

  it('honours the section option (-n/--name)', async () => {
    write('alembic.ini', '[alembic]\nscript_location = main\n[tenant]\nscript_location = tenant\n');
    mkdir('main');
    mkdir('tenant');
    const [c] = await discoverProjects(tmp, { section: 'tenant' });
    assert.equal(c.section, 'tenant');
    assert.equal(rel(c.scriptLocation), 'tenant');
  });

  it('resolves package:path in the root, in src/ and in prepend_sys_path entries', async () => {
    write('a/alembic.ini', '[alembic]\nscript_location = myapp:db/migrations\n');
    write('a/myapp/__init__.py', '');
    mkdir('a/myapp/db/migrations/versions');
    write('b/alembic.ini', '[alembic]\nscript_location = app.store:migrations\n');
    write('b/src/app/__init__.py', '');
    write('b/src/app/store/__init__.py', '');
    mkdir('b/src/app/store/migrations');
    write('c/alembic.ini', '[alembic]\nprepend_sys_path = . lib\nscript_location = nsapp:migrations\nversion_locations = nsapp:migrations/versions nsapp:more\n');
    mkdir('c/lib/nsapp/migrations/versions');
    mkdir('c/lib/nsapp/more');
    const found = await discoverProjects(tmp);
    assert.deepEqual(
      found.map((c) => [rel(c.scriptLocation), c.versionLocations.map(rel)]),
      [
        ['a/myapp/db/migrations', ['a/myapp/db/migrations/versions']],
        ['b/src/app/store/migrations', ['b/src/app/store/migrations/versions']],
        ['c/lib/nsapp/migrations', ['c/lib/nsapp/migrations/versions', 'c/lib/nsapp/more']],
      ],
    );
    assert.deepEqual(found.map((c) => problems(c).filter((p) => !p.includes(' info: '))), [[], [], []]);
  });

  it('prefers a regular package over a namespace folder of the same name', async () => {
    write('alembic.ini', '[alembic]\nprepend_sys_path = .\nscript_location = app:migrations\n');
    mkdir('app/migrations'); // namespace folder in the root
    write('src/app/__init__.py', '');
    mkdir('src/app/migrations');
    const [c] = await discoverProjects(tmp);
    assert.equal(rel(c.scriptLocation), 'src/app/migrations');
  });

  it('reports a package it cannot find, at the script_location line', async () => {
    write('alembic.ini', '[alembic]\n\nscript_location = ghost:migrations\n');
    const [c] = await discoverProjects(tmp);
    assert.equal(c.scriptLocation, null);
    assert.deepEqual(c.versionLocations, []);
    assert.deepEqual(problems(c), [
      `alembic.ini:2 error: Cannot find package 'ghost' for script_location 'ghost:migrations' (looked in <tmp>, <tmp>/src)`,
    ]);
  });

  it("reports a missing script folder with alembic's message", async () => {
    write('alembic.ini', '[alembic]\nscript_location = nowhere\n');
    const [c] = await discoverProjects(tmp);
    assert.deepEqual(problems(c), [
      "alembic.ini:1 error: Path doesn't exist: <tmp>/nowhere.  Please use the 'init' command to create a new scripts folder.",
    ]);
  });

  it('reports broken TOML and broken ini without throwing', async () => {
    write('t/pyproject.toml', '[tool.alembic]\nscript_location = "m\n');
    write('i/alembic.ini', 'script_location = m\n');
    write('other/pyproject.toml', '[project\nname = "x"\n'); // broken, but not about alembic: ignored
    const found = await discoverProjects(tmp);
    assert.deepEqual(found.map(problems), [
      ['i/alembic.ini:0 error: File contains no section headers'],
      ['t/pyproject.toml:1 error: Invalid TOML: control characters are not allowed in strings'],
    ]);
  });

  it('reports an alembic.ini it cannot read', async () => {
    mkdir('x');
    fs.symlinkSync(path.join(tmp, 'missing-target.ini'), path.join(tmp, 'x/alembic.ini'));
    const [c] = await discoverProjects(tmp);
    assert.equal(rel(c.configPath), 'x/alembic.ini');
    assert.deepEqual(problems(c), ['x/alembic.ini:0 error: Cannot read <tmp>/x/alembic.ini: no such file or directory']);
  });

  it('gives no projects for a missing root', async () => {
    assert.deepEqual(await discoverProjects(path.join(tmp, 'nope')), []);
  });

  it('stops at the depth bound', async () => {
    write('1/2/3/alembic.ini', '[alembic]\nscript_location = m\n');
    mkdir('1/2/3/m');
    assert.equal((await discoverProjects(tmp, { maxDepth: 2 })).length, 0);
    assert.equal((await discoverProjects(tmp, { maxDepth: 3 })).length, 1);
  });
});

describe('discovery overrides', () => {
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-discover-')));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('versionLocations alone make one config-less project (config in code)', async () => {
    write('alembic.ini', '[alembic]\nscript_location = ignored\n');
    mkdir('app/migrations/versions');
    const found = await discoverProjects(tmp, { versionLocations: ['app/migrations/versions'], recursive: true });
    assert.equal(found.length, 1);
    const [c] = found;
    assert.equal(c.configPath, null);
    assert.equal(c.pyprojectPath, null);
    assert.equal(c.rootDir, tmp);
    assert.equal(c.scriptLocation, null);
    assert.deepEqual(c.versionLocations.map(rel), ['app/migrations/versions']);
    assert.equal(c.recursiveVersionLocations, true);
    assert.deepEqual(c.problems, []);
  });

  it('configFile picks one config; versionLocations and recursive then override it', async () => {
    write('a/alembic.ini', '[alembic]\nscript_location = m\n');
    mkdir('a/m/versions');
    write('deploy/custom.ini', '[app]\nscript_location = %(here)s/../db\nsqlalchemy.url = postgresql://u:pw@h/d\n');
    mkdir('db/versions');
    const [c, ...rest] = await discoverProjects(tmp, { configFile: 'deploy/custom.ini', section: 'app' });
    assert.equal(rest.length, 0);
    assert.equal(rel(c.configPath), 'deploy/custom.ini');
    assert.equal(rel(c.scriptLocation), 'db');
    assert.deepEqual(c.versionLocations.map(rel), ['db/versions']);
    const [o] = await discoverProjects(tmp, { configFile: 'a/alembic.ini', versionLocations: ['x', '/abs'], recursive: true });
    assert.deepEqual(o.versionLocations, [path.join(tmp, 'x'), '/abs']);
    assert.equal(o.recursiveVersionLocations, true);
  });

  it('recursive: false never turns off a config that asks for recursion', async () => {
    write('alembic.ini', '[alembic]\nscript_location = m\nrecursive_version_locations = true\n');
    mkdir('m/versions');
    const [c] = await discoverProjects(tmp, { recursive: false });
    assert.equal(c.recursiveVersionLocations, true);
    const [d] = await discoverProjects(tmp, { versionLocations: ['m/versions'], recursive: false });
    assert.equal(d.recursiveVersionLocations, false);
  });

  it('loadProjectConfig of a pyproject.toml also reads the alembic.ini beside it', async () => {
    write('alembic.ini', '[alembic]\nsqlalchemy.url = postgresql://u@h/d\n');
    write('pyproject.toml', '[tool.alembic]\nscript_location = "m"\n');
    mkdir('m');
    const c = await loadProjectConfig(path.join(tmp, 'pyproject.toml'));
    assert.equal(rel(c.configPath), 'alembic.ini');
    assert.equal(rel(c.pyprojectPath), 'pyproject.toml');
    assert.equal(c.sqlalchemyUrl, 'postgresql://u@h/d');
    assert.deepEqual(problems(c), []);
  });

  it('loadProjectConfig reports a config file that does not exist', async () => {
    const c = await loadProjectConfig(path.join(tmp, 'nope.ini'));
    assert.equal(rel(c.configPath), 'nope.ini');
    assert.deepEqual(c.versionLocations, []);
    assert.deepEqual(problems(c), ['nope.ini:0 error: Cannot read <tmp>/nope.ini: no such file or directory']);
  });

  it('loadProjectConfig of a pyproject.toml without [tool.alembic] says script_location is missing', async () => {
    write('pyproject.toml', '[project]\nname = "x"\n');
    const c = await loadProjectConfig(path.join(tmp, 'pyproject.toml'));
    assert.deepEqual(problems(c), ["pyproject.toml:0 error: No 'script_location' key found in configuration."]);
  });

  it('reads a Flask-Migrate folder (alembic.ini without script_location beside env.py and versions/) and says why, as an info', async () => {
    write('migrations/alembic.ini', '# A generic, single database configuration.\n\n[alembic]\n# revision_environment = false\n\n[loggers]\nkeys = root\n');
    write('migrations/env.py', '');
    mkdir('migrations/versions');
    const expected = [
      "migrations/alembic.ini:2 info: No 'script_location' key found in configuration; reading <tmp>/migrations/versions, as Flask-Migrate sets script_location in code to the folder holding alembic.ini, env.py and versions/. Plain 'alembic' commands need script_location (or use 'flask db …').",
    ];
    const [found] = await discoverProjects(tmp);
    assert.deepEqual(problems(found), expected);
    assert.equal(rel(found.scriptLocation), 'migrations');
    assert.deepEqual(found.versionLocations.map(rel), ['migrations/versions']);
    const c = await loadProjectConfig(path.join(tmp, 'migrations/alembic.ini'));
    assert.deepEqual(problems(c), expected);
    assert.deepEqual(c.versionLocations.map(rel), ['migrations/versions']);
  });

  it('keeps the missing script_location an error when the ini folder has no env.py', async () => {
    write('migrations/alembic.ini', '[alembic]\nsqlalchemy.url = sqlite://\n');
    mkdir('migrations/versions');
    const [found] = await discoverProjects(tmp);
    assert.deepEqual(problems(found), ["migrations/alembic.ini:0 error: No 'script_location' key found in configuration."]);
    assert.deepEqual(found.versionLocations, []);
  });
});
