// One Alembic project as the server holds it: its config, the in-memory map of revision files
// (disk text, or the open editor's text), the graph built from that map, and the LSP
// diagnostics per file. An edit replaces one entry of the map and rebuilds the graph from the
// map: nothing is rescanned.
import { countedHeads, labelledMergeWarning, mergeCandidates } from '../core/merge';
import * as path from 'node:path';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { ConfigProblem, ProjectConfig } from '../core/config';
import type { ProjectImports } from '../core/imports';
import { RevisionGraph } from '../core/graph';
import { graphDiagnostics } from '../core/graph-diagnostics';
import { isRevisionFileName, messageLine } from '../core/migration';
import type { MigrationFile, Revision } from '../core/types';
import type { DatabaseStateParams, LintFindingInfo, ProjectSnapshot, RevisionInfo } from '../protocol/protocol';
import { redactUrl } from '../core/config';
import { configProblemToLsp, toLspDiagnostic } from './diagnostics';
import type { LintSeverity, RuleId } from '../core/lint/rules';
import type { LintSettings } from './lint';
import { isInside, isSameOrInside } from './paths';

export interface FolderInfo {
  uri: string;
  path: string;
  name: string;
}

/** The key the protocol promises: the config file (alembic.ini, else pyproject.toml), or the first versions folder. */
export function projectKey(config: ProjectConfig): string {
  return config.configPath ?? config.pyprojectPath ?? config.versionLocations[0] ?? config.rootDir;
}

export class Project {
  readonly key: string;
  readonly name: string;
  readonly files = new Map<string, MigrationFile>();
  graph: RevisionGraph = RevisionGraph.build([]);
  /** Config problems plus scan problems (missing folder, unreadable file…). */
  problems: ConfigProblem[] = [];
  /** LSP diagnostics per absolute path, as of the last rebuild. */
  diagnostics = new Map<string, LspDiagnostic[]>();
  database: DatabaseStateParams | null = null;
  /** Migration safety lint diagnostics per path (kept for files in scope; shown while in scope). */
  lint = new Map<string, LspDiagnostic[]>();
  lintSettings: LintSettings = { scope: 'pending', severity: new Map() };
  lintOverrides: ReadonlyMap<RuleId, LintSeverity> = new Map();
  /** The imported values of the last scan (its modules stay cached until the next scan);
   * `imports.readPaths` are the module files watched for this project. */
  imports: ProjectImports | null = null;

  constructor(
    readonly config: ProjectConfig,
    readonly folder: FolderInfo,
    /** `alembic.defines` of the folder, as scanned. */
    readonly defines: Readonly<Record<string, string>> = {},
  ) {
    this.key = projectKey(config);
    this.name = projectName(config, folder);
  }

  /** True when `p` would be a revision file of this project (by location and name, not content). */
  owns(p: string): boolean {
    if (!isRevisionFileName(path.basename(p))) return false;
    const dir = path.dirname(p);
    for (const loc of this.config.versionLocations) {
      if (dir === loc) return true;
      if (this.config.recursiveVersionLocations && isInside(loc, dir)) return true;
    }
    return false;
  }

  /** True when `p` is a module file the revision files' imported values were read from. */
  readsModule(p: string): boolean {
    return this.imports?.readPaths.has(p) === true;
  }

  /** True when deleting `p` removes a versions folder (or one of its parents). */
  losesVersionLocation(p: string): boolean {
    return this.config.versionLocations.some((loc) => isSameOrInside(p, loc));
  }

  /**
   * Whether the lint reports on `p`: `all` → every revision; `pending` → the revisions the
   * database has not applied, or every one while the database state is unknown.
   */
  inLintScope(p: string): boolean {
    const scope = this.lintSettings.scope;
    if (scope === 'off') return false;
    if (scope === 'all') return true;
    const states = this.database?.states;
    if (!states) return true;
    const id = this.files.get(p)?.revision;
    return id === null || id === undefined || (states[id] ?? 'pending') === 'pending';
  }

  /** Replaces one file; returns false when nothing changed (no rebuild needed). */
  setFile(file: MigrationFile): boolean {
    const before = this.files.get(file.path);
    if (before && JSON.stringify(before) === JSON.stringify(file)) return false;
    this.files.set(file.path, file);
    return true;
  }

  /** Removes `p` and every file below it (a deleted folder); returns whether any was held. */
  deletePath(p: string): boolean {
    if (this.files.delete(p)) return true;
    // Not a file we hold: maybe a deleted folder (only then is every path compared).
    if (p.endsWith('.py')) return false;
    const prefix = p.endsWith(path.sep) ? p : p + path.sep;
    let changed = false;
    for (const key of [...this.files.keys()]) {
      if (key.startsWith(prefix)) {
        this.files.delete(key);
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Rebuilds the graph and the per-file diagnostics from the file map; returns every path whose
   * diagnostics may have changed (old ∪ new).
   */
  rebuild(): Set<string> {
    this.graph = RevisionGraph.build([...this.files.values()]);
    const next = new Map<string, LspDiagnostic[]>();
    const add = (p: string, d: LspDiagnostic): void => {
      const list = next.get(p);
      if (list) list.push(d);
      else next.set(p, [d]);
    };
    for (const d of graphDiagnostics(this.graph)) add(d.path, toLspDiagnostic(d));
    for (const p of this.problems) {
      const target = problemTarget(p, this.config);
      if (target) add(target, configProblemToLsp(p));
    }
    for (const [p, list] of this.lint) {
      if (!this.files.has(p) || !this.inLintScope(p)) continue;
      for (const d of list) add(p, d);
    }
    const affected = new Set<string>([...this.diagnostics.keys(), ...next.keys()]);
    this.diagnostics = next;
    return affected;
  }

  /** Paths that had diagnostics; used when the project goes away. */
  clear(): Set<string> {
    const affected = new Set(this.diagnostics.keys());
    this.diagnostics = new Map();
    return affected;
  }

  revisionLine(rev: Revision): number {
    const ref = rev.file.idRefs.find((r) => r.kind === 'revision');
    return ref?.range.start.line ?? rev.file.assignments.revision?.start.line ?? 0;
  }

  /** The lint findings of `p` for the tree and the upgrade confirmation (none when out of scope). */
  private lintInfo(p: string): LintFindingInfo[] {
    if (!this.inLintScope(p)) return [];
    return (this.lint.get(p) ?? []).map((d) => ({
      rule: String(d.code),
      severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
      message: typeof d.message === 'string' ? d.message : d.message.value,
      line: d.range.start.line,
    }));
  }

  snapshot(): ProjectSnapshot {
    const g = this.graph;
    const revisions: RevisionInfo[] = [];
    for (const id of g.newestFirst()) {
      const rev = g.get(id);
      if (!rev) continue;
      const lint = this.lintInfo(rev.file.path);
      revisions.push({
        id: rev.id,
        path: rev.file.path,
        line: this.revisionLine(rev),
        downRevisions: [...rev.downRevisions],
        dependsOn: [...rev.dependsOn],
        branchLabels: [...rev.branchLabels],
        effectiveBranchLabels: [...g.effectiveBranchLabels(rev.id)],
        children: [...rev.children],
        message: messageLine(rev.file.message),
        createDate: rev.file.createDate,
        ...(lint.length > 0 ? { lint } : {}),
      });
    }
    return {
      key: this.key,
      name: this.name,
      cwd: this.config.rootDir,
      configPath: this.config.configPath,
      section: this.config.section,
      versionLocations: [...this.config.versionLocations],
      sqlalchemyUrlRedacted: this.config.sqlalchemyUrl ? redactUrl(this.config.sqlalchemyUrl) : null,
      revisions,
      heads: [...g.heads],
      bases: [...g.bases],
      mergePoints: [...g.mergePoints],
      branchPoints: [...g.branchPoints],
      mergeCandidates: mergeCandidates(g).map((c) => c.heads),
      labelledMergeWarning: labelledMergeWarning(g, countedHeads(g)),
      diagnostics: [...graphDiagnostics(g)],
    };
  }
}

/** `app/alembic.ini`, `app/alembic.ini [other]`, `app/db/versions` (explicit folders). */
function projectName(config: ProjectConfig, folder: FolderInfo): string {
  const rel = (p: string): string => {
    const r = path.relative(folder.path, p);
    return r === '' ? folder.name : r.startsWith('..') || path.isAbsolute(r) ? p : `${folder.name}/${r.split(path.sep).join('/')}`;
  };
  const configFile = config.configPath ?? config.pyprojectPath;
  if (configFile) {
    const base = rel(configFile);
    return config.section && config.section !== 'alembic' ? `${base} [${config.section}]` : base;
  }
  return config.versionLocations.length > 0 ? config.versionLocations.map(rel).join(', ') : folder.name;
}

/** Which file shows a configuration problem: its own path when that is a file we can point at. */
function problemTarget(p: ConfigProblem, config: ProjectConfig): string | null {
  const own = p.path;
  if (own && /\.(py|ini|toml|cfg)$/i.test(own)) return own;
  return config.configPath ?? config.pyprojectPath ?? null;
}
