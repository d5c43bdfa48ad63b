// Which command runs alembic for a project, first match wins:
//   1. the setting (a command prefix, used as given: docker/poetry/uv wrappers are not probed);
//   2. the Python extension's interpreter, as `<python> -m alembic`, when it finds the alembic package;
//   3. a `.venv` or `venv` in the project folder or a parent up to the repository root
//      (`bin/alembic`, on Windows `Scripts\alembic.exe`);
//   4. `alembic` on PATH (returned as an absolute path).
import { execFile } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as path from 'node:path';

export interface LocateAlembicOptions {
  setting?: string[] | null;
  pythonInterpreter?: string | null;
  projectDir: string;
  env: Record<string, string | undefined>;
}

export interface LocatedAlembic {
  command: string[];
  source: 'setting' | 'python-extension' | 'venv' | 'path';
}

/** How far up from the project folder a virtualenv is looked for (stops earlier at a `.git`). */
const MAX_PARENT_LEVELS = 4;
const PROBE_TIMEOUT_MS = 15_000;

const isWindows = process.platform === 'win32';

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return false;
    if (isWindows) return true;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * True when the interpreter can import alembic. Asks `importlib.util.find_spec` (finds the
 * package without importing SQLAlchemy: milliseconds instead of a second or two).
 */
export function pythonHasAlembic(python: string, env: Record<string, string | undefined>): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('alembic') else 1)"],
      { timeout: PROBE_TIMEOUT_MS, env: { ...process.env, ...env }, windowsHide: true },
      (err) => resolve(!err),
    );
  });
}

async function venvAlembic(projectDir: string): Promise<string | null> {
  let dir = path.resolve(projectDir);
  for (let level = 0; level <= MAX_PARENT_LEVELS; level++) {
    for (const venv of ['.venv', 'venv']) {
      const bin = isWindows ? path.join(dir, venv, 'Scripts', 'alembic.exe') : path.join(dir, venv, 'bin', 'alembic');
      if (await isExecutableFile(bin)) return bin;
    }
    if (await exists(path.join(dir, '.git'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

async function onPath(name: string, env: Record<string, string | undefined>): Promise<string | null> {
  const pathVar = env.PATH ?? env.Path ?? '';
  const exts = isWindows ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (await isExecutableFile(file)) return file;
    }
  }
  return null;
}

export async function locateAlembic(opts: LocateAlembicOptions): Promise<LocatedAlembic | null> {
  const setting = (opts.setting ?? []).filter((s) => typeof s === 'string');
  if (setting.length > 0 && setting[0].trim() !== '') return { command: setting, source: 'setting' };

  const python = opts.pythonInterpreter?.trim();
  if (python && (await pythonHasAlembic(python, opts.env))) {
    return { command: [python, '-m', 'alembic'], source: 'python-extension' };
  }

  const venv = await venvAlembic(opts.projectDir);
  if (venv) return { command: [venv], source: 'venv' };

  const found = await onPath('alembic', opts.env);
  if (found) return { command: [found], source: 'path' };
  return null;
}
