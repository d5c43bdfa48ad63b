// Finds the one project a CLI command works on (PATH, --config, --name, --versions, --recursive),
// scans it and builds the graph. Every failure the user can fix is a CliError (exit 2).
import * as path from 'node:path';
import type { ConfigProblem, ProjectConfig } from '../core/config';
import { RevisionGraph } from '../core/graph';
import type { MigrationFile } from '../core/types';
import { discoverProjects, isDirectory, isFile } from '../io/discover';
import { projectImports } from '../io/modules';
import { scanProjectSync } from '../io/scan';
import { displayPath } from './format';

/** A failure the user can fix (bad folder, config, URL…): one line on stderr, exit 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface ProjectOptions {
  /** The process's working folder (relative PATH, --config and --versions resolve against it). */
  cwd: string;
  /** PATH argument, default `.`. */
  folder?: string;
  config?: string;
  section?: string;
  versions: string[];
  recursive: boolean;
  /** `--define NAME=VALUE`: values of imported names that cannot be read. */
  defines?: ReadonlyMap<string, string>;
}

export interface LoadedProject {
  /** Absolute folder that output paths are relative to. */
  folder: string;
  config: ProjectConfig;
  files: MigrationFile[];
  /** Config problems plus scan problems (missing versions folder, unreadable file…). */
  problems: ConfigProblem[];
  graph: RevisionGraph;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Resolves the project config the options name, or throws CliError. */
export async function resolveConfig(opts: ProjectOptions): Promise<{ folder: string; config: ProjectConfig }> {
  const folder = path.resolve(opts.cwd, opts.folder ?? '.');
  if (!(await isDirectory(folder))) {
    if (await isFile(folder)) throw new CliError(`not a folder: ${opts.folder ?? folder} (PATH is the project folder; pass a config file with --config)`);
    throw new CliError(`folder not found: ${opts.folder ?? folder}`);
  }
  const versions = opts.versions.map((v) => path.resolve(opts.cwd, v));
  for (let i = 0; i < versions.length; i++) {
    if (!(await isDirectory(versions[i]))) throw new CliError(`versions folder not found: ${opts.versions[i]}`);
  }

  let configFile: string | undefined;
  if (opts.config !== undefined) {
    configFile = path.resolve(opts.cwd, opts.config);
    if (await isDirectory(configFile)) throw new CliError(`config file is a folder: ${opts.config} (pass the alembic.ini or pyproject.toml in it)`);
    if (!(await isFile(configFile))) throw new CliError(`config file not found: ${opts.config}`);
  }

  let found: ProjectConfig[];
  try {
    found = await discoverProjects(folder, {
      configFile,
      section: opts.section,
      versionLocations: versions.length > 0 ? versions : undefined,
      recursive: opts.recursive || undefined,
    });
  } catch (e) {
    throw new CliError(`cannot search ${displayPath(opts.cwd, folder) || '.'} for Alembic projects: ${errorText(e)}`);
  }
  if (found.length === 0) {
    throw new CliError(
      `no Alembic project found in ${opts.folder ?? '.'} (no alembic.ini, no pyproject.toml with [tool.alembic]); pass --config FILE or --versions DIR`,
    );
  }
  if (found.length > 1) {
    const all = found.map((c) => displayPath(folder, c.configPath ?? c.pyprojectPath ?? c.rootDir));
    const names = all.length > 10 ? `${all.slice(0, 10).join(', ')} and ${all.length - 10} more` : all.join(', ');
    throw new CliError(`${found.length} Alembic projects found in ${opts.folder ?? '.'} (${names}); choose one with --config FILE`);
  }
  const config = found[0];
  // A config file that cannot be read is a usage problem (exit 2), not a diagnostic.
  const unreadable = config.problems.find(
    (p) => p.severity === 'error' && (p.path === config.configPath || p.path === config.pyprojectPath) && p.message.startsWith('Cannot read '),
  );
  if (unreadable) throw new CliError(unreadable.message);
  const fatal = config.problems.find((p) => p.fatal === true);
  if (fatal) throw new CliError(`${displayPath(opts.cwd, fatal.path)}:${fatal.line + 1}: ${fatal.message}`);
  return { folder, config };
}

/**
 * Resolves, scans and builds the graph. The CLI is a one-shot process, so the files are read
 * with the synchronous scan (one tight loop instead of thousands of thread-pool round trips).
 * `onText` sees each file's decoded text as it is read (the lint uses it instead of reading again).
 */
export async function loadProject(opts: ProjectOptions, onText?: (path: string, text: string) => void): Promise<LoadedProject> {
  const { folder, config } = await resolveConfig(opts);
  // Modules the revision files import are looked for (and read) under the project folder and
  // the current folder only.
  const imports = projectImports(config, { folders: [...new Set([folder, opts.cwd])], defines: opts.defines });
  const scan = scanProjectSync(config, imports.resolve, onText);
  const files = scan.files;
  return {
    folder,
    config: scan.config,
    files,
    problems: scan.problems,
    graph: RevisionGraph.build(files),
  };
}
