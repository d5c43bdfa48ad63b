// Typed getters over the `alembic.*` settings. Keys live here and nowhere else.
import * as vscode from 'vscode';
import type { ServerSettings } from '../../protocol/protocol';
import { toSettings } from '../../protocol/settings';

export const SECTION = 'alembic';

export const Keys = {
  configFile: 'configFile',
  section: 'section',
  versionLocations: 'versionLocations',
  recursiveVersionLocations: 'recursiveVersionLocations',
  defines: 'defines',
  command: 'command',
  xArgs: 'xArgs',
  databaseUrl: 'databaseUrl',
  databaseUrlEnvVar: 'databaseUrlEnvVar',
  versionTable: 'versionTable',
  versionTableSchema: 'versionTableSchema',
  pollIntervalSeconds: 'pollIntervalSeconds',
  traceServer: 'trace.server',
  lintScope: 'lint.scope',
  lintSeverity: 'lint.severity',
} as const;

type Key = (typeof Keys)[keyof typeof Keys];

/** Keys that change what the language server sees: it re-asks for them, no restart needed. */
export const SERVER_KEYS: readonly Key[] = [
  Keys.configFile,
  Keys.section,
  Keys.versionLocations,
  Keys.recursiveVersionLocations,
  Keys.lintScope,
  Keys.lintSeverity,
  Keys.defines,
];

/** Keys that change what the sidebar shows: the database state is read again. */
export const DATABASE_KEYS: readonly Key[] = [
  Keys.databaseUrl,
  Keys.databaseUrlEnvVar,
  Keys.versionTable,
  Keys.versionTableSchema,
  Keys.command,
  Keys.xArgs,
];

export function affects(e: vscode.ConfigurationChangeEvent, keys: readonly Key[]): boolean {
  return keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`));
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The settings as seen from one folder (multi-root workspaces may differ per folder). */
export class Config {
  private readonly cfg: vscode.WorkspaceConfiguration;

  constructor(scope?: vscode.Uri | vscode.WorkspaceFolder) {
    this.cfg = vscode.workspace.getConfiguration(SECTION, scope);
  }

  /** Settings for the folder holding `fsPath` (or the window when outside every folder). */
  static forPath(fsPath: string | null): Config {
    if (!fsPath) return new Config();
    return new Config(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fsPath)) ?? vscode.Uri.file(fsPath));
  }

  /**
   * The settings the language server also reads, normalised by the one function both sides use
   * (protocol/settings.ts), so the extension and the server never disagree on them.
   */
  serverSettings(): ServerSettings {
    return toSettings({
      configFile: this.cfg.get<unknown>(Keys.configFile),
      section: this.cfg.get<unknown>(Keys.section),
      versionLocations: this.cfg.get<unknown>(Keys.versionLocations),
      recursiveVersionLocations: this.cfg.get<unknown>(Keys.recursiveVersionLocations),
      defines: this.cfg.get<unknown>(Keys.defines),
      lint: { scope: this.cfg.get<unknown>(Keys.lintScope), severity: this.cfg.get<unknown>(Keys.lintSeverity) },
    });
  }
  get configFile(): string | null {
    return this.serverSettings().configFile;
  }
  get section(): string {
    return this.serverSettings().section;
  }
  get versionLocations(): string[] {
    return this.serverSettings().versionLocations;
  }
  /** Command prefix that runs alembic, or null to locate it. */
  get command(): string[] | null {
    const list = stringList(this.cfg.get<unknown>(Keys.command));
    return list.length > 0 ? list : null;
  }
  get xArgs(): string[] {
    return stringList(this.cfg.get<unknown>(Keys.xArgs));
  }
  get databaseUrl(): string | null {
    return nonEmpty(this.cfg.get<unknown>(Keys.databaseUrl));
  }
  /** Whether the database URL in effect comes from the workspace's own settings (.vscode/settings.json,
   * a .code-workspace file: files the repository can ship) rather than the user's settings. */
  get databaseUrlFromWorkspace(): boolean {
    const i = this.cfg.inspect<unknown>(Keys.databaseUrl);
    return nonEmpty(i?.workspaceFolderValue) !== null || nonEmpty(i?.workspaceValue) !== null;
  }
  get databaseUrlEnvVar(): string | null {
    return nonEmpty(this.cfg.get<unknown>(Keys.databaseUrlEnvVar));
  }
  get versionTable(): string {
    return nonEmpty(this.cfg.get<unknown>(Keys.versionTable)) ?? 'alembic_version';
  }
  get versionTableSchema(): string | null {
    return nonEmpty(this.cfg.get<unknown>(Keys.versionTableSchema));
  }
  get pollIntervalSeconds(): number {
    const v = this.cfg.get<unknown>(Keys.pollIntervalSeconds);
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.max(1, v) : 0;
  }
  /** True when the user points at a project explicitly (no alembic.ini needed to start). */
  get definesProject(): boolean {
    return this.configFile !== null || this.versionLocations.length > 0;
  }


  /** Opens the Settings editor filtered to `alembic.<query>` (all alembic settings by default). */
  static open(query = ''): void {
    void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${query}`);
  }
}
