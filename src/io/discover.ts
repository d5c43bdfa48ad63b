// Project discovery: finds every Alembic project in a folder tree (each `alembic.ini`, each
// `pyproject.toml` with `[tool.alembic]`; both in one folder are one project), reads the config
// with src/core/config, then does what needs the file system: resolves `package:path` locations
// and checks that the script folder exists. Never throws from discoverProjects.
import { constants, promises as fsp, type Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as nodePath from 'node:path';
import {
  explicitProjectConfig,
  isPackageResource,
  parseProjectConfig,
  readToolAlembic,
  type ConfigProblem,
  type ConfigSource,
  type ProjectConfig,
  type SettingName,
} from '../core/config';

export interface DiscoverOptions {
  /** Explicit alembic.ini or pyproject.toml (relative to the discovery root, or absolute). */
  configFile?: string;
  /** `-n/--name` ini section; default 'alembic'. */
  section?: string;
  /** Explicit versions folders (relative to the root, or absolute): replace the configured ones. */
  versionLocations?: string[];
  /**
   * `true` turns recursion on for every project found (like `recursive_version_locations =
   * true`); `false` never turns off a config's own `recursive_version_locations = true`, so a
   * settings default of false is harmless. For explicit `versionLocations` it is the only source.
   */
  recursive?: boolean;
  /** How many folder levels below the root are searched; default 8. */
  maxDepth?: number;
}

/** Folder names never searched (besides every hidden folder). */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  'venv',
  '__pycache__',
  'dist',
  'build',
  'site-packages',
]);

const INI_NAME = 'alembic.ini';
const TOML_NAME = 'pyproject.toml';
const ENV_NAME = 'env.py';
const DEFAULT_MAX_DEPTH = 8;
const READDIR_CONCURRENCY = 32;
/** Most folders the project search lists. */
const MAX_SEARCHED_FOLDERS = 50_000;

/**
 * Every Alembic project under `root`, sorted by folder. With `configFile`, only that project;
 * with `versionLocations` and no `configFile`, one project made of those folders (configPath
 * null). A missing or unreadable root gives no projects.
 */
export async function discoverProjects(root: string, options: DiscoverOptions = {}): Promise<ProjectConfig[]> {
  const absRoot = nodePath.resolve(root);
  let projects: ProjectConfig[];
  if (options.configFile !== undefined) {
    projects = [await loadProjectConfig(nodePath.resolve(absRoot, options.configFile), options.section)];
  } else if (options.versionLocations !== undefined && options.versionLocations.length > 0) {
    return [explicitProjectConfig(absRoot, options.versionLocations, options.recursive ?? false, options.section)];
  } else {
    const folders = await findConfigFolders(absRoot, options.maxDepth ?? DEFAULT_MAX_DEPTH);
    projects = [];
    for (const f of folders) {
      try {
        const p = await loadFolder(f.dir, f.hasIni, f.hasToml, options.section);
        if (p) projects.push(p);
      } catch (e) {
        // Not expected (every step reports its own problems); keep the other projects anyway.
        const config = explicitProjectConfig(f.dir, [], false, options.section);
        config.configPath = f.hasIni ? nodePath.join(f.dir, INI_NAME) : null;
        config.pyprojectPath = f.hasIni ? null : nodePath.join(f.dir, TOML_NAME);
        const where = config.configPath ?? config.pyprojectPath ?? f.dir;
        config.problems.push({ severity: 'error', message: `Cannot read ${where}: ${e instanceof Error ? e.message : String(e)}`, path: where, line: 0 });
        projects.push(config);
      }
    }
  }
  return projects.map((p) => applyOverrides(p, absRoot, options));
}

/**
 * The project of one config file: an alembic.ini (plus a sibling pyproject.toml with
 * [tool.alembic]) or a pyproject.toml (plus a sibling alembic.ini), as `alembic -c FILE` run in
 * the file's folder reads them. Never throws: an unreadable file is a problem.
 */
export async function loadProjectConfig(configFile: string, section?: string): Promise<ProjectConfig> {
  const abs = nodePath.resolve(configFile);
  const dir = nodePath.dirname(abs);
  const isToml = nodePath.basename(abs) === TOML_NAME;
  const iniPath = isToml ? nodePath.join(dir, INI_NAME) : abs;
  const tomlPath = isToml ? abs : nodePath.join(dir, TOML_NAME);
  const problems: ConfigProblem[] = [];
  const ini = await readText(iniPath, isToml ? null : problems);
  const toml = await readText(tomlPath, isToml ? problems : null);
  const config = await buildProject(dir, ini, toml, section);
  if (!isToml) config.configPath = abs;
  else if (config.pyprojectPath === null && toml) config.pyprojectPath = abs;
  config.problems.unshift(...problems);
  return config;
}

// ---------------------------------------------------------------- the walk

interface ConfigFolder {
  dir: string;
  hasIni: boolean;
  hasToml: boolean;
}

async function findConfigFolders(root: string, maxDepth: number): Promise<ConfigFolder[]> {
  const found: ConfigFolder[] = [];
  let level: string[] = [root];
  let listed = 0;
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    // A bounded search (a workspace opened on / or a home folder): levels past the cap are not listed.
    if (listed + level.length > MAX_SEARCHED_FOLDERS) break;
    listed += level.length;
    const nextLevel: string[] = [];
    await forEachLimited(level, READDIR_CONCURRENCY, async (dir) => {
      let entries: Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return; // unreadable or vanished folder: nothing to find there
      }
      let hasIni = false;
      let hasToml = false;
      let hasEnv = false;
      const subfolders: string[] = [];
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!e.name.startsWith('.') && !SKIPPED_FOLDERS.has(e.name)) subfolders.push(e.name);
        } else if (e.name === INI_NAME && (e.isFile() || e.isSymbolicLink())) {
          hasIni = true;
        } else if (e.name === TOML_NAME && (e.isFile() || e.isSymbolicLink())) {
          hasToml = true;
        } else if (e.name === ENV_NAME) {
          hasEnv = true;
        }
      }
      // The `versions` folder of a script folder (one holding env.py) holds revision files, not
      // projects: on a large project it is by far the biggest folder, and the scan lists it anyway.
      for (const name of subfolders) if (!(hasEnv && name === 'versions')) nextLevel.push(nodePath.join(dir, name));
      if (hasIni || hasToml) found.push({ dir, hasIni, hasToml });
    });
    level = nextLevel;
  }
  found.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  return found;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The project in a folder found by the walk, or null when it holds none. */
async function loadFolder(dir: string, hasIni: boolean, hasToml: boolean, section: string | undefined): Promise<ProjectConfig | null> {
  const problems: ConfigProblem[] = [];
  const iniPath = nodePath.join(dir, INI_NAME);
  const ini = hasIni ? await readText(iniPath, problems) : null;
  let toml = hasToml ? await readText(nodePath.join(dir, TOML_NAME), null) : null;
  if (toml && !hasIni) {
    // A pyproject.toml alone is a project only when it is about alembic (a broken one counts
    // when it mentions tool.alembic).
    const t = readToolAlembic(toml.text, toml.path);
    if (t.kind === 'absent' || (t.kind === 'error' && !/tool\s*\.\s*alembic/.test(toml.text))) toml = null;
  }
  if (!ini && !toml && !hasIni) return null;
  const config = await buildProject(dir, ini, toml, section);
  if (hasIni) config.configPath = iniPath;
  config.problems.unshift(...problems);
  return config;
}

/** parseProjectConfig plus the file-system half: package:path resolution and existence checks. */
async function buildProject(dir: string, ini: ConfigSource | null, toml: ConfigSource | null, section: string | undefined): Promise<ProjectConfig> {
  if (!ini && !toml) return explicitProjectConfig(dir, [], false, section);
  const config = parseProjectConfig({ ini, pyproject: toml, section });
  if (ini) await adoptFlaskMigrateLayout(config, nodePath.dirname(ini.path));
  await resolveLocations(config);
  return config;
}

const NO_SCRIPT_LOCATION = "No 'script_location' key found in configuration.";

/**
 * Flask-Migrate writes `migrations/alembic.ini` without `script_location` (it sets it in code to
 * the ini's folder, which holds env.py and versions/). For that layout the missing key becomes an
 * info and the folder is read, instead of an error and an empty graph.
 */
async function adoptFlaskMigrateLayout(config: ProjectConfig, iniDir: string): Promise<void> {
  const i = config.problems.findIndex((p) => p.message === NO_SCRIPT_LOCATION);
  if (config.scriptLocation !== null || i < 0) return;
  const versions = nodePath.join(iniDir, 'versions');
  if (!(await isFile(nodePath.join(iniDir, 'env.py'))) || !(await isDirectory(versions))) return;
  config.problems[i] = {
    ...config.problems[i],
    severity: 'info',
    message: `No 'script_location' key found in configuration; reading ${versions}, as Flask-Migrate sets script_location in code to the folder holding alembic.ini, env.py and versions/. Plain 'alembic' commands need script_location (or use 'flask db …').`,
  };
  config.scriptLocation = iniDir;
  if (config.settingLocations.version_locations === undefined) config.versionLocations = [versions];
}

/** Largest config file read (alembic.ini, pyproject.toml). */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/**
 * A config file's text. Only a regular file of at most MAX_CONFIG_BYTES is read (a committed
 * `alembic.ini -> /dev/zero` must not fill memory); anything else is a fatal problem on it.
 */
async function readText(path: string, problems: ConfigProblem[] | null): Promise<ConfigSource | null> {
  let handle: FileHandle | undefined;
  try {
    // Non-blocking, so that a pipe fails at once instead of waiting for a writer.
    handle = await fsp.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
    if (st.size > MAX_CONFIG_BYTES) throw new Error(`larger than ${MAX_CONFIG_BYTES / (1024 * 1024)} MB; not read`);
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return { path, text: buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '') };
  } catch (e) {
    problems?.push({ severity: 'error', message: `Cannot read ${path}: ${describeFsError(e)}`, path, line: 0, fatal: true });
    return null;
  } finally {
    await handle?.close();
  }
}

// ---------------------------------------------------------------- resolution

/** Resolves `package:path` entries and reports a missing script folder. */
export async function resolveLocations(config: ProjectConfig): Promise<void> {
  const bases = unique([
    ...config.prependSysPath.filter((p) => !isPackageResource(p)),
    config.rootDir,
    nodePath.join(config.rootDir, 'src'),
  ]);
  const report = (setting: SettingName, severity: ConfigProblem['severity'], message: string): void => {
    const where = config.settingLocations[setting];
    config.problems.push({
      severity,
      message,
      path: where?.path ?? config.configPath ?? config.pyprojectPath ?? config.rootDir,
      line: where?.line ?? 0,
    });
  };
  const explicitVersions = config.settingLocations.version_locations !== undefined;

  if (config.scriptLocation !== null && isPackageResource(config.scriptLocation)) {
    const spec = config.scriptLocation;
    const r = await resolvePackageResource(spec, bases);
    if (r.ok) {
      config.scriptLocation = r.path;
    } else {
      report('script_location', 'error', `Cannot find package '${r.pkg}' for script_location '${spec}' (looked in ${bases.join(', ')})`);
      config.scriptLocation = null;
    }
    if (!explicitVersions) config.versionLocations = config.scriptLocation ? [nodePath.join(config.scriptLocation, 'versions')] : [];
  }
  if (config.scriptLocation !== null && !(await isDirectory(config.scriptLocation))) {
    report('script_location', 'error', `Path doesn't exist: ${config.scriptLocation}.  Please use the 'init' command to create a new scripts folder.`);
  }

  const resolved: string[] = [];
  for (const v of config.versionLocations) {
    if (!isPackageResource(v)) {
      resolved.push(v);
      continue;
    }
    const r = await resolvePackageResource(v, bases);
    if (r.ok) resolved.push(r.path);
    else report('version_locations', 'error', `Cannot find package '${r.pkg}' for version_locations '${v}' (looked in ${bases.join(', ')})`);
  }
  config.versionLocations = resolved;
}

type PackageResolution = { ok: true; path: string } | { ok: false; pkg: string };

/**
 * `importlib.resources.files(pkg) / path` without Python: the package folder is looked up in
 * `bases` (sys.path order). A regular package (`__init__.py`) wins over a namespace folder.
 */
export async function resolvePackageResource(spec: string, bases: readonly string[]): Promise<PackageResolution> {
  const [pkg, ...rest] = spec.split(':');
  const parts = pkg.split('.');
  let namespace: string | null = null;
  let found: string | null = null;
  for (const base of bases) {
    const dir = nodePath.join(base, parts[0]);
    if (await isFile(nodePath.join(dir, '__init__.py'))) {
      found = dir;
      break;
    }
    if (namespace === null && (await isDirectory(dir))) namespace = dir;
  }
  let dir = found ?? namespace;
  if (dir === null || pkg === '') return { ok: false, pkg };
  for (const part of parts.slice(1)) {
    dir = nodePath.join(dir, part);
    if (!(await isDirectory(dir))) return { ok: false, pkg };
  }
  return { ok: true, path: nodePath.join(dir, ...rest) };
}

// ---------------------------------------------------------------- overrides

function applyOverrides(config: ProjectConfig, root: string, options: DiscoverOptions): ProjectConfig {
  if (options.versionLocations !== undefined && options.versionLocations.length > 0) {
    config.versionLocations = options.versionLocations.map((v) => nodePath.resolve(root, v));
    delete config.settingLocations.version_locations;
  }
  if (options.recursive === true) config.recursiveVersionLocations = true;
  return config;
}

/** Whether `p` is a folder (false when it does not exist or cannot be read). */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `p` is a file (false when it does not exist or cannot be read). */
export async function isFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The plain-words reason of a Node fs error (`no such file or directory`, …). */
export function describeFsError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'input/output error';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
