// The contract between the language server (src/server) and the extension (src/extension): the
// messages are typed RequestType / NotificationType values declared here once, so both ends get
// their parameter and result types from the same declaration (no method-name strings, no casts).
// Importing this pulls in vscode-jsonrpc's message types only, which both bundles already hold.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
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
  /** Groups of heads that want a merge (core/merge.ts): heads sharing their branch labels. Labelled lines apart by design are not listed. */
  mergeCandidates: string[][];
  /** What merging every head would do to branch labels, when the heads are separate labelled lines (null otherwise). */
  labelledMergeWarning: string | null;
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

/** A revision's state in the database (core/state.ts). */
export type RevState = 'current' | 'applied' | 'pending' | 'unknown' | 'broken';
export const REV_STATES: readonly RevState[] = ['current', 'applied', 'pending', 'unknown', 'broken'];

/** Request client → server: the states core computes from the version table's rows (in table order). */
export const StateRequest = new RequestType<StateParams, StateResult | null, void>('alembic/state');
export interface StateParams {
  key: string;
  rows: string[];
}
export interface StateResult {
  rows: string[];
  states: Record<string, RevState>;
  /** Rows naming a revision the folder lacks. */
  missing: string[];
  /** Why states are 'unknown' / 'broken', one sentence each. */
  notes: string[];
}

export type PlanCommandName = 'upgrade' | 'downgrade' | 'stamp';

/** core/plan.ts's Plan: what alembic will do. */
export interface PlanInfo {
  /** alembic argv after `alembic`. */
  command: string[];
  apply: string[];
  revert: string[];
  rowsAfter: string[];
  orderNote: string | null;
}

/** Request client → server: core's plan for one command. */
export const PlanRequest = new RequestType<PlanParams, PlanResult | null, void>('alembic/plan');
export interface PlanParams {
  key: string;
  rows: string[];
  command: PlanCommandName;
  target: string;
  purge: boolean;
}
/** `ok: false` carries alembic's message (what it prints after `FAILED:`). */
export type PlanResult = { ok: true; plan: PlanInfo } | { ok: false; message: string };

/** Request client → server: the targets a picker offers (core/offers.ts), each with its plan. */
export const OffersRequest = new RequestType<OffersParams, OffersResult | null, void>('alembic/offers');
export interface OffersParams {
  key: string;
  rows: string[];
  /** `downgradeOne`: the one command reverting exactly `row`. */
  kind: 'upgrade' | 'downgrade' | 'stamp' | 'downgradeOne';
  purge: boolean;
  row: string | null;
}
export interface OfferInfo {
  target: string;
  label: string;
  description: string;
  plan: PlanInfo;
}
export type OffersResult = OfferInfo[];

/** Request client → server: alembic arguments for a revision's own offline SQL (core/offers.ts ownSql). */
export const OwnSqlRequest = new RequestType<OwnSqlParams, OwnSqlResult | null, void>('alembic/ownSql');
export interface OwnSqlParams {
  key: string;
  rows: string[];
  revision: string;
}
export interface OwnSqlResult {
  args: string[];
  /** Other revisions whose SQL the output also holds (a pending merge's other parent line). */
  others: string[];
}

/**
 * Request client → server: the edit that points every revision whose down_revision names the
 * missing `ghost` at `target` instead (the graph's ghost repair), computed by the same rule as the
 * quick fix (core/repair.ts) on the files as the server read them, imported values included.
 */
export const RepairLinkRequest = new RequestType<RepairLinkParams, RepairLinkResult | null, void>('alembic/repairLink');
export interface RepairLinkParams {
  key: string;
  ghost: string;
  target: string;
}
export interface RepairLinkEdit {
  path: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}
/** `ok: false`: why the link cannot be repaired this way (a sentence for the user). */
export type RepairLinkResult = { ok: true; edits: RepairLinkEdit[] } | { ok: false; message: string };

/**
 * Request client → server: the `sqlalchemy.url` of the project's config as the server parsed it
 * (the one place alembic.ini / pyproject.toml are parsed), password included. Asked only when a
 * read or run needs it and no setting or environment variable names a URL; never broadcast in
 * snapshots (those carry `sqlalchemyUrlRedacted`). The client's trace channel redacts it.
 */
export const DatabaseUrlRequest = new RequestType<DatabaseUrlParams, DatabaseUrlResult | null, void>('alembic/databaseUrl');
export interface DatabaseUrlParams {
  key: string;
}
export interface DatabaseUrlResult {
  /** null when the config names no URL. */
  url: string | null;
}

export interface DatabaseStateParams {
  key: string;
  /** Revision id → state; absent when the database could not be read. */
  states: Record<string, RevState> | null;
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
