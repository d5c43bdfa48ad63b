// locateAlembic against real files: virtualenv layouts, real interpreters, PATH.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateAlembic } from '../../src/io/locate-alembic';
import { AlembicRunner } from '../../src/io/runner';

const SYSTEM_PYTHON = '/usr/bin/python3';

async function script(file: string, body: string, mode = 0o755): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, `#!/bin/sh\n${body}\n`);
  await fs.chmod(file, mode);
  return file;
}

describe('locateAlembic (real files and interpreters)', function () {
  this.timeout(30_000);
  let tmp: string;
  let noAlembicPython: string;
  const noPath = { PATH: '' };

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-locate-'));
    // A real interpreter that cannot import alembic: the system python without site-packages.
    noAlembicPython = await script(path.join(tmp, 'bin', 'python-no-site'), `exec ${SYSTEM_PYTHON} -S "$@"`);
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function projectDir(name: string): Promise<string> {
    const dir = path.join(tmp, name);
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  it('uses the setting as given, before any other source', async () => {
    const dir = await projectDir('setting');
    await script(path.join(dir, '.venv', 'bin', 'alembic'), 'exec /usr/bin/alembic "$@"');
    assert.deepEqual(
      await locateAlembic({ setting: ['docker', 'exec', '-i', 'app-api', 'alembic'], pythonInterpreter: SYSTEM_PYTHON, projectDir: dir, env: process.env }),
      { command: ['docker', 'exec', '-i', 'app-api', 'alembic'], source: 'setting' },
    );
  });

  it('ignores an empty setting', async () => {
    const dir = await projectDir('empty-setting');
    for (const setting of [[], [''], null]) {
      assert.deepEqual(await locateAlembic({ setting, pythonInterpreter: SYSTEM_PYTHON, projectDir: dir, env: noPath }), {
        command: [SYSTEM_PYTHON, '-m', 'alembic'],
        source: 'python-extension',
      });
    }
  });

  it("uses the Python extension's interpreter as `python -m alembic` when it imports alembic, and that command runs", async () => {
    const dir = await projectDir('interpreter');
    const found = await locateAlembic({ pythonInterpreter: SYSTEM_PYTHON, projectDir: dir, env: noPath });
    assert.deepEqual(found, { command: [SYSTEM_PYTHON, '-m', 'alembic'], source: 'python-extension' });
    const r = await new AlembicRunner().run({ command: found?.command ?? [], cwd: dir }, ['--version']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, 'alembic 1.8.1\n');
  });

  it('skips an interpreter that cannot import alembic, or does not exist, and takes the project .venv', async () => {
    const dir = await projectDir('venv-dot');
    const bin = await script(path.join(dir, '.venv', 'bin', 'alembic'), 'exec /usr/bin/alembic "$@"');
    for (const python of [noAlembicPython, path.join(tmp, 'no', 'python3')]) {
      assert.deepEqual(await locateAlembic({ pythonInterpreter: python, projectDir: dir, env: noPath }), { command: [bin], source: 'venv' });
    }
    const r = await new AlembicRunner().run({ command: [bin], cwd: dir }, ['--version']);
    assert.equal(r.stdout, 'alembic 1.8.1\n');
  });

  it('finds venv/bin/alembic too', async () => {
    const dir = await projectDir('venv-plain');
    const bin = await script(path.join(dir, 'venv', 'bin', 'alembic'), 'exec /usr/bin/alembic "$@"');
    assert.deepEqual(await locateAlembic({ projectDir: dir, env: noPath }), { command: [bin], source: 'venv' });
  });

  it('skips a venv alembic that is not executable', async () => {
    const dir = await projectDir('venv-noexec');
    await script(path.join(dir, '.venv', 'bin', 'alembic'), 'exec /usr/bin/alembic "$@"', 0o644);
    assert.equal(await locateAlembic({ projectDir: dir, env: noPath }), null);
  });

  it('finds a .venv in a parent folder up to the repository root, not above it', async () => {
    const repo = await projectDir('repo');
    await fs.mkdir(path.join(repo, '.git'));
    const bin = await script(path.join(repo, '.venv', 'bin', 'alembic'), 'exec /usr/bin/alembic "$@"');
    const backend = path.join(repo, 'services', 'backend');
    await fs.mkdir(backend, { recursive: true });
    assert.deepEqual(await locateAlembic({ projectDir: backend, env: noPath }), { command: [bin], source: 'venv' });

    const outer = await projectDir('outer');
    await script(path.join(outer, '.venv', 'bin', 'alembic'), 'exec /usr/bin/alembic "$@"');
    const inner = path.join(outer, 'inner-repo');
    await fs.mkdir(path.join(inner, '.git'), { recursive: true });
    assert.equal(await locateAlembic({ projectDir: inner, env: noPath }), null);
  });

  it('falls back to alembic on PATH, as an absolute path', async () => {
    const dir = await projectDir('path');
    const env = { PATH: [path.join(tmp, 'empty-bin'), '/usr/bin'].join(path.delimiter) };
    assert.deepEqual(await locateAlembic({ projectDir: dir, env }), { command: ['/usr/bin/alembic'], source: 'path' });
  });

  it('returns null when nothing provides alembic', async () => {
    const dir = await projectDir('nothing');
    assert.equal(await locateAlembic({ pythonInterpreter: noAlembicPython, projectDir: dir, env: { PATH: path.join(tmp, 'bin') } }), null);
  });
});
