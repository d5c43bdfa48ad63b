// The contract between the language server (src/server) and the extension (src/extension): the
// messages are typed RequestType / NotificationType values declared here once, so both ends get
// their parameter and result types from the same declaration (no method-name strings, no casts).
// Importing this pulls in vscode-jsonrpc's message types only, which both bundles already hold.
import { NotificationType, RequestType0 } from 'vscode-jsonrpc';
import type { Diagnostic } from '../core/types';

/** Settings the server asks the client for (section `alembic`), per workspace folder. */
export interface ServerSettings {
  /** Explicit alembic.ini / pyproject.toml path (relative to the workspace folder or absolute). */
  configFile: string | null;
  /** `-n/--name` section of the ini file. */
  section: string;
  /** Explicit versions folders (relative to the workspace folder or absolute); override discovery. */
  versionLocations: string[];
  /** Follow subfolders of explicit versions folders. */
  recursiveVersionLocations: boolean;
  /** `alembic.lint.scope`: which revisions the migration safety lint checks. */
  lintScope: 'pending' | 'all' | 'off';
  /** `alembic.lint.severity`: rule id → error | warning | info | off (over pyproject's). */
  lintSeverity: Record<string, string>;
  /** Values of imported names the revision files use that cannot be read from the project
   * (`alembic.defines`): qualified name or expression as written → value. */
  defines: Record<string, string>;
}

/** A migration safety lint finding of a revision (lines 0-based). */
export interface LintFindingInfo {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  line: number;
}

/** One revision as the extension's tree needs it. Lines are 0-based. */
export interface RevisionInfo {
  id: string;
  path: string;
  line: number;
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  /** Labels that cover this revision by Alembic's rule (own + inherited). */
  effectiveBranchLabels: string[];
  children: string[];
  /** The revision's message on one line (a wrapped message's line breaks become spaces). */
  message: string | null;
  createDate: string | null;
  /** Lint findings when the revision is in the lint's scope (pending, or every one without a database state). */
  lint?: LintFindingInfo[];
}

export interface ProjectSnapshot {
  /** Stable key: the config file path, or the first versions folder for explicit projects. */
  key: string;
  /** Human name, e.g. `app (alembic.ini)` or `app/alembic.ini [alembic]`. */
  name: string;
  /** Folder alembic is run in (the config file's folder). */
  cwd: string;
  configPath: string | null;
  section: string;
  versionLocations: string[];
  /** SQLAlchemy URL from the config, password removed (display only). */
  sqlalchemyUrlRedacted: string | null;
  /** Revisions newest first (reverse topological order, heads first). */
  revisions: RevisionInfo[];
  heads: string[];
  bases: string[];
  mergePoints: string[];
  branchPoints: string[];
  diagnostics: Diagnostic[];
}

export type ProjectsResult = ProjectSnapshot[];
/** Request client → server: every known project with its graph. */
export const ProjectsRequest = new RequestType0<ProjectsResult, void>('alembic/projects');

export interface ProjectsChangedParams {
  keys: string[];
}
/** Notification server → client: these projects' graphs changed (all when `keys` is empty); ask again. */
export const ProjectsChangedNotification = new NotificationType<ProjectsChangedParams>('alembic/projectsChanged');

export interface DatabaseStateParams {
  key: string;
  /** Revision id → state; absent when the database could not be read. */
  states: Record<string, 'current' | 'applied' | 'pending'> | null;
  /** A sentence describing why there is no state (unreachable, not initialised…). */
  note: string | null;
}
/** Notification client → server: the database state of a project, for hovers and lint. */
export const DatabaseStateNotification = new NotificationType<DatabaseStateParams>('alembic/databaseState');

/**
 * Command the server's "Merge heads" quick fix invokes on the client (via the code action's
 * `command`); arguments: [projectKey: string, heads: string[]].
 */
export const MergeHeadsCommand = 'alembic.mergeHeads';

/** Client command the "Show in Graph" code lens invokes; arguments: [projectKey: string, revisionId: string]. */
export const ShowGraphCommand = 'alembic.showGraph';
