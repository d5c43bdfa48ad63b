// The workspace model: every Alembic project in every workspace folder, kept current from disk
// events and from unsaved editor buffers. All mutations run one at a time on a queue, so a slow
// disk read never interleaves with a rebuild. Edits are debounced and re-read only the edited file.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { ProjectConfig } from '../core/config';
import { readMigration } from '../core/migration';
import { graphDiagnostics } from '../core/graph-diagnostics';
import type { MigrationFile } from '../core/types';
import { discoverProjects } from '../io/discover';
import { projectImports } from '../io/modules';
import { readMigrationFile, scanProject } from '../io/scan';
import type { DatabaseStateParams, ProjectSnapshot, ServerSettings } from '../protocol/protocol';
import { type DiagnosticsPublisher } from './diagnostics';
import { isSameOrInside } from './paths';
import { Project, projectKey, type FolderInfo } from './project';
import { Linter, projectOverrides, readPythonText, toLintSettings } from './lint';

export interface WorkspaceHost {
  /** Settings of a workspace folder (cached by the caller). */
  settings(folderUri: string): Promise<ServerSettings>;
  /** The open editor's text of `path`, or undefined when it is not open. */
  openText(path: string): string | undefined;
  publish: DiagnosticsPublisher;
  /** Keys of projects whose graph changed (for `alembic/projectsChanged`). */
  changed(keys: string[]): void;
  log(message: string): void;
  error(message: string): void;
}

export type FileChange = { path: string; kind: 'created' | 'changed' | 'deleted' };

const EDIT_DEBOUNCE_MS = 150;
const DISK_DEBOUNCE_MS = 50;
/** More changed files than this in one project within one batch → rescan the project. */
const RESCAN_THRESHOLD = 200;
const CONFIG_NAMES = new Set(['alembic.ini', 'pyproject.toml']);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Workspace {
  private readonly folders = new Map<string, FolderInfo>();
  private readonly projects = new Map<string, Project>();
  private queue: Promise<void> = Promise.resolve();
  /** The last queued step that changes projects or graphs (every step but the lint's). */
  private graphsQueue: Promise<void> = Promise.resolve();
  private readonly pendingEdits = new Set<string>();
  private editTimer: NodeJS.Timeout | null = null;
  private readonly pendingDisk: FileChange[] = [];
  private diskTimer: NodeJS.Timeout | null = null;
  private readonly databaseStates = new Map<string, DatabaseStateParams>();
  private rediscoverQueued: Promise<void> | null = null;

  readonly linter: Linter;

  constructor(private readonly host: WorkspaceHost) {
    this.linter = new Linter(host.error);
  }

  // ── migration safety lint ───────────────────────────────────────────────────────────────

  /** Reads the project's lint settings and pyproject severities. */
  private async lintSetup(project: Project): Promise<void> {
    const settings = await this.host.settings(project.folder.uri);
    project.lintSettings = toLintSettings({ scope: settings.lintScope, severity: settings.lintSeverity });
    project.lintOverrides = await projectOverrides(project.config.rootDir, project.lintSettings, this.host.error);
  }

  /**
   * Lints `paths` of `project` that are in scope (all of them again with `force`, else only those
   * not linted yet), from the open editor's text or the disk; returns whether any result changed.
   */
  private async lintPaths(project: Project, paths: Iterable<string>, force: boolean): Promise<boolean> {
    await this.linter.ready;
    let changed = false;
    for (const p of paths) {
      if (!project.files.has(p)) {
        changed = project.lint.delete(p) || changed;
        continue;
      }
      if (!project.inLintScope(p) || (!force && project.lint.has(p))) continue;
      const text = this.host.openText(p) ?? (await readPythonText(p));
      if (text === null) {
        changed = project.lint.delete(p) || changed;
        continue;
      }
      const next = this.linter.diagnostics(text, project.lintOverrides);
      const before = project.lint.get(p);
      if (before === undefined || JSON.stringify(before) !== JSON.stringify(next)) changed = true;
      project.lint.set(p, next);
    }
    return changed;
  }

  /**
   * After a config file changed without changing the project: reads the severities again and, when
   * they differ, lints every file again and republishes. True when any finding changed.
   */
  private async refreshLintSeverities(project: Project): Promise<boolean> {
    const before = JSON.stringify([...project.lintOverrides]);
    await this.lintSetup(project);
    if (JSON.stringify([...project.lintOverrides]) === before) return false;
    const changed = await this.lintPaths(project, [...project.files.keys()], true);
    if (changed) this.republish(project);
    return changed;
  }

  /** After a settings change: every project's lint again with the new scope and severities. */
  relint(): Promise<void> {
    return this.runLint('Linting migrations', async () => {
      for (const project of this.projects.values()) {
        await this.lintSetup(project);
        await this.lintPaths(project, [...project.files.keys()], true);
        this.republish(project);
      }
    });
  }

  /** Runs `op` after every earlier mutation; errors are logged, never thrown to the caller. */
  private run(label: string, op: () => Promise<void>): Promise<void> {
    const next = this.runLint(label, op);
    this.graphsQueue = next;
    return next;
  }

  /** `run` for a step that only lints: `graphsSettled()` does not wait for it. */
  private runLint(label: string, op: () => Promise<void>): Promise<void> {
    const next = this.queue.then(op).catch((e: unknown) => {
      this.host.error(`${label} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    });
    this.queue = next;
    return next;
  }

  /** Resolves once every queued and debounced change is applied. */
  async settled(): Promise<void> {
    this.flushTimers();
    await this.queue;
  }

  /**
   * Resolves once every queued and debounced change to the projects and their graphs is applied,
   * without waiting for a lint step queued after the last of them: what the requests that read
   * only the graph or the config (states, plans, offers, the database URL) wait for.
   */
  async graphsSettled(): Promise<void> {
    this.flushTimers();
    await this.graphsQueue;
  }

  private flushTimers(): void {
    if (this.editTimer) {
      clearTimeout(this.editTimer);
      this.editTimer = null;
      void this.applyEdits();
    }
    if (this.diskTimer) {
      clearTimeout(this.diskTimer);
      this.diskTimer = null;
      void this.applyDisk();
    }
  }

  // ── folders and discovery ────────────────────────────────────────────────────────────────

  setFolders(added: FolderInfo[], removed: FolderInfo[] = []): Promise<void> {
    return this.run('Updating workspace folders', async () => {
      for (const f of removed) {
        this.folders.delete(f.uri);
        const affected = new Set<string>();
        const keys: string[] = [];
        for (const [key, project] of this.projects) {
          if (project.folder.uri !== f.uri) continue;
          for (const p of project.clear()) affected.add(p);
          this.projects.delete(key);
          keys.push(key);
        }
        this.publish(affected);
        if (keys.length) this.host.changed(keys);
      }
      for (const f of added) this.folders.set(f.uri, f);
      for (const f of added) await this.reconcileFolder(f);
      // A project of a removed folder may still lie inside another (nested) folder.
      if (removed.length) for (const f of this.folders.values()) if (!added.includes(f)) await this.reconcileFolder(f);
    });
  }

  /** Re-reads settings and rediscovers every folder (settings changed). */
  rediscoverAll(): Promise<void> {
    // Several notifications in a row (a client may both push and be registered): one pass.
    if (this.rediscoverQueued) return this.rediscoverQueued;
    this.rediscoverQueued = this.run('Rediscovering projects', async () => {
      this.rediscoverQueued = null;
      for (const f of this.folders.values()) await this.reconcileFolder(f);
    });
    return this.rediscoverQueued;
  }

  /**
   * Discovers the projects of one folder and reconciles them with what is held: a project whose
   * config is unchanged is kept as is; a new or changed one is scanned; a vanished one is cleared.
   */
  private async reconcileFolder(folder: FolderInfo): Promise<void> {
    const settings = await this.host.settings(folder.uri);
    let configs: ProjectConfig[] = [];
    try {
      configs = await discoverProjects(folder.path, {
        configFile: settings.configFile ? path.resolve(folder.path, settings.configFile) : undefined,
        section: settings.section,
        versionLocations: settings.versionLocations.length
          ? settings.versionLocations.map((v) => path.resolve(folder.path, v))
          : undefined,
        recursive: settings.recursiveVersionLocations,
      });
    } catch (e) {
      this.host.error(`Could not look for Alembic projects in ${folder.path}: ${message(e)}`);
    }
    const affected = new Set<string>();
    const changedKeys: string[] = [];
    const seen = new Set<string>();
    const toLint: Project[] = [];
    for (const config of configs) {
      const key = projectKey(config);
      const existing = this.projects.get(key);
      if (existing && existing.folder.uri !== folder.uri && this.folders.has(existing.folder.uri)) {
        continue; // nested workspace folders: the project is already held by another folder
      }
      seen.add(key);
      if (existing && JSON.stringify(existing.config) === JSON.stringify(config) &&
          JSON.stringify(existing.defines) === JSON.stringify(settings.defines)) {
        // Same project; its pyproject.toml may still have changed [tool.alembic-migrations.lint].
        if (await this.refreshLintSeverities(existing)) changedKeys.push(key);
        continue;
      }
      if (existing) for (const p of existing.clear()) affected.add(p);
      const project = new Project(config, folder, settings.defines);
      const t0 = performance.now();
      // Linted after this pass (lintSoon): the graph is what the first paint waits for.
      await this.scan(project, false);
      toLint.push(project);
      const t1 = performance.now();
      this.projects.set(key, project);
      const db = this.databaseStates.get(key);
      if (db) project.database = db;
      for (const p of project.rebuild()) affected.add(p);
      changedKeys.push(key);
      this.host.log(
        `Project ${project.name}: ${project.files.size} revision file(s), ${project.graph.heads.length} head(s), ` +
          `${graphDiagnostics(project.graph).length} diagnostic(s) (read in ${Math.round(t1 - t0)} ms, graph in ${Math.round(performance.now() - t1)} ms)`,
      );
    }
    for (const [key, project] of this.projects) {
      if (project.folder.uri === folder.uri && !seen.has(key)) {
        for (const p of project.clear()) affected.add(p);
        this.projects.delete(key);
        changedKeys.push(key);
        this.host.log(`Project ${project.name} is gone`);
      }
    }
    this.publish(affected);
    if (changedKeys.length) this.host.changed(changedKeys);
    this.lintSoon(toLint);
  }

  /**
   * Lints new projects in a step of their own, queued after the one that scanned them: a request
   * for the projects made meanwhile (the extension's first paint) is answered with the graphs
   * without waiting for the PostgreSQL parser and every file's lint (~60 % of a 600-revision
   * project's first answer). The projects with findings are then announced as changed.
   */
  private lintSoon(projects: Project[]): void {
    if (projects.length === 0) return;
    void this.runLint('Linting migrations', async () => {
      const t0 = performance.now();
      const keys: string[] = [];
      let files = 0;
      for (const project of projects) {
        if (this.projects.get(project.key) !== project) continue;
        await this.lintAll(project);
        this.republish(project);
        files += project.files.size;
        if ([...project.lint.values()].some((l) => l.length > 0)) keys.push(project.key);
      }
      this.host.log(`Linted ${files} revision file(s) in ${Math.round(performance.now() - t0)} ms`);
      if (keys.length) this.host.changed(keys);
    });
  }

  private async lintAll(project: Project): Promise<void> {
    project.lint.clear();
    await this.lintSetup(project);
    await this.lintPaths(project, [...project.files.keys()], true);
  }

  private async scan(project: Project, lint = true): Promise<void> {
    project.files.clear();
    // Fresh module reads each scan: a changed module is read again.
    const imports = projectImports(project.config, {
      folders: [...this.folders.values()].map((f) => f.path),
      defines: new Map(Object.entries(project.defines)),
      openText: (p) => this.host.openText(p),
    });
    project.imports = imports;
    try {
      const result = await scanProject(project.config, imports.resolve);
      for (const f of result.files) project.files.set(f.path, f);
      project.problems = result.problems; // the config's own problems first, then the scan's
    } catch (e) {
      project.problems = [...project.config.problems];
      this.host.error(`Could not scan ${project.name}: ${message(e)}`);
    }
    for (const p of project.problems) {
      this.host.log(`${project.name}: ${p.severity}: ${p.message}${p.path ? ` (${p.path})` : ''}`);
    }
    // Open editors win over the disk.
    for (const p of [...project.files.keys()]) {
      const text = this.host.openText(p);
      if (text !== undefined) {
        const parsed = this.parse(text, p, project);
        if (parsed) project.files.set(p, parsed);
      }
    }
    if (lint) await this.lintAll(project);
    else project.lint.clear();
  }

  private parse(text: string, p: string, project: Project | undefined): MigrationFile | null {
    try {
      return readMigration(text, p, project?.imports?.resolve);
    } catch (e) {
      this.host.error(`Could not read ${p}: ${message(e)}`);
      return null;
    }
  }

  /** Rescans one project from disk (after the server itself wrote a file into it). */
  rescan(key: string): Promise<void> {
    return this.run('Rescanning project', async () => {
      const project = this.projects.get(key);
      if (!project) return;
      await this.scan(project);
      this.rebuild(new Set([project]));
    });
  }

  // ── editor buffers ──────────────────────────────────────────────────────────────────────

  /** An open document's text changed (or it was opened): re-read it after a short pause. */
  documentChanged(p: string): void {
    if (!this.ownersOf(p).length && !this.moduleReaders(p).length) return;
    this.pendingEdits.add(p);
    if (this.editTimer) clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => {
      this.editTimer = null;
      void this.applyEdits();
    }, EDIT_DEBOUNCE_MS);
  }

  /** A document was closed: the disk is the truth again. */
  documentClosed(p: string): void {
    if (!this.ownersOf(p).length && !this.moduleReaders(p).length) return;
    this.pendingEdits.add(p);
    if (!this.editTimer) {
      this.editTimer = setTimeout(() => {
        this.editTimer = null;
        void this.applyEdits();
      }, EDIT_DEBOUNCE_MS);
    }
  }

  private applyEdits(): Promise<void> {
    return this.run('Applying edits', async () => {
      const paths = [...this.pendingEdits];
      this.pendingEdits.clear();
      const dirty = new Set<Project>();
      const rescan = new Set<Project>();
      for (const p of paths) {
        for (const project of this.moduleReaders(p)) rescan.add(project);
        const owners = this.ownersOf(p);
        if (!owners.length) continue;
        const text = this.host.openText(p);
        const file = text !== undefined ? this.parse(text, p, owners[0]) : await this.readDisk(p, owners[0]);
        await this.applyFile(owners, p, file, dirty);
      }
      // An edited module the revision files read values from: read the project again.
      for (const project of rescan) {
        await this.scan(project);
        dirty.add(project);
      }
      this.rebuild(dirty);
    });
  }

  /** Projects whose revision files read values from module file `p`. */
  private moduleReaders(p: string): Project[] {
    return [...this.projects.values()].filter((project) => project.readsModule(p));
  }

  /** Puts a file's new reading (or its removal) into every project that owns it and lints it there;
   *  the projects that changed go into `dirty`. */
  private async applyFile(owners: Project[], p: string, file: MigrationFile | 'gone' | null, dirty: Set<Project>): Promise<void> {
    for (const project of owners) {
      if (file === 'gone') {
        if (project.deletePath(p)) dirty.add(project);
      } else if (file && project.setFile(file)) dirty.add(project);
      if (await this.lintPaths(project, [p], true)) dirty.add(project);
    }
  }

  /** Reads a file from disk; 'gone' when it no longer exists. */
  private async readDisk(p: string, project?: Project): Promise<MigrationFile | 'gone' | null> {
    try {
      await fs.stat(p);
    } catch {
      return 'gone';
    }
    try {
      return await readMigrationFile(p, project?.imports?.resolve);
    } catch (e) {
      this.host.error(`Could not read ${p}: ${message(e)}`);
      return null;
    }
  }

  // ── disk events ──────────────────────────────────────────────────────────────────────────

  filesChanged(changes: FileChange[]): void {
    this.pendingDisk.push(...changes);
    if (this.diskTimer) clearTimeout(this.diskTimer);
    this.diskTimer = setTimeout(() => {
      this.diskTimer = null;
      void this.applyDisk();
    }, DISK_DEBOUNCE_MS);
  }

  private applyDisk(): Promise<void> {
    return this.run('Applying file changes', async () => {
      const changes = this.pendingDisk.splice(0);
      const dirty = new Set<Project>();
      const rescan = new Set<Project>();
      const foldersToReconcile = new Set<FolderInfo>();
      // A branch switch touching many files of a project: one concurrent rescan beats file-by-file reads.
      const touched = new Map<Project, number>();
      for (const change of changes) {
        for (const project of this.ownersOf(change.path)) touched.set(project, (touched.get(project) ?? 0) + 1);
      }
      for (const [project, n] of touched) if (n > RESCAN_THRESHOLD) rescan.add(project);
      for (const change of changes) {
        const p = change.path;
        if (this.isConfigPath(p)) {
          const folder = this.folderOf(p);
          if (folder) foldersToReconcile.add(folder);
          continue;
        }
        for (const project of this.moduleReaders(p)) rescan.add(project);
        if (change.kind === 'deleted') {
          for (const project of this.projects.values()) {
            if (rescan.has(project)) continue;
            if (project.losesVersionLocation(p)) rescan.add(project);
            else if (project.deletePath(p)) dirty.add(project);
          }
          continue;
        }
        const owners = this.ownersOf(p).filter((project) => !rescan.has(project));
        if (!owners.length) continue;
        if (this.host.openText(p) !== undefined) continue; // the open buffer wins
        await this.applyFile(owners, p, await this.readDisk(p, owners[0]), dirty);
      }
      for (const project of rescan) {
        await this.scan(project);
        dirty.add(project);
      }
      this.rebuild(dirty);
      for (const folder of foldersToReconcile) await this.reconcileFolder(folder);
    });
  }

  private isConfigPath(p: string): boolean {
    if (CONFIG_NAMES.has(path.basename(p))) return true;
    for (const project of this.projects.values()) {
      if (project.config.configPath === p || project.config.pyprojectPath === p) return true;
    }
    return false;
  }

  private folderOf(p: string): FolderInfo | null {
    let best: FolderInfo | null = null;
    for (const f of this.folders.values()) {
      if (isSameOrInside(f.path, p) && (!best || f.path.length > best.path.length)) best = f;
    }
    return best;
  }

  // ── rebuild and publish ─────────────────────────────────────────────────────────────────

  private rebuild(dirty: Set<Project>): void {
    if (dirty.size === 0) return;
    const affected = new Set<string>();
    for (const project of dirty) {
      if (this.projects.get(project.key) !== project) continue;
      for (const p of project.rebuild()) affected.add(p);
    }
    this.publish(affected);
    this.host.changed([...dirty].map((p) => p.key));
  }

  /** Diagnostics again (lint scope or results changed), without telling the client the graph changed. */
  private republish(project: Project): void {
    if (this.projects.get(project.key) !== project) return;
    this.publish(project.rebuild());
  }

  private publish(paths: Set<string>): void {
    this.host.publish.update(paths, (p) => this.diagnosticsOf(p));
  }

  diagnosticsOf(p: string): LspDiagnostic[] {
    const out: LspDiagnostic[] = [];
    for (const project of this.projects.values()) {
      const list = project.diagnostics.get(p);
      if (list) out.push(...list);
    }
    return out;
  }

  // ── queries ─────────────────────────────────────────────────────────────────────────────

  /** Projects whose versions folders hold `p` (normally one). */
  ownersOf(p: string): Project[] {
    const out: Project[] = [];
    for (const project of this.projects.values()) if (project.owns(p)) out.push(project);
    return out;
  }

  /** The project that holds `p` as a revision file right now, after pending edits are applied. */
  async projectOf(p: string): Promise<Project | null> {
    await this.settled();
    for (const project of this.projects.values()) if (project.files.has(p)) return project;
    return null;
  }

  getProject(key: string): Project | undefined {
    return this.projects.get(key);
  }

  async snapshots(): Promise<ProjectSnapshot[]> {
    await this.settled();
    return [...this.projects.values()].map((p) => p.snapshot());
  }

  setDatabaseState(params: DatabaseStateParams): void {
    this.databaseStates.set(params.key, params);
    const project = this.projects.get(params.key);
    if (project) project.database = params;
    // The lint's scope follows the database: show pending revisions' findings only.
    void this.runLint('Linting pending revisions', async () => {
      const current = this.projects.get(params.key);
      if (!current) return;
      await this.lintPaths(current, [...current.files.keys()], false);
      this.republish(current);
    });
  }
}
