// The tree's rows as data: built from the project entries, turned into TreeItems by tree.ts.
import type { RevisionInfo } from '../../protocol/protocol';
import { reasonText, RESTRICTED_NOTE, type DbErrorReason } from '../db/dbread';
import { shortId, stateCounts } from '../projects/revisions';
import type { RevState } from '../../protocol/protocol';
import type { ProjectEntry } from '../projects/projects';

export type Node = ProjectNode | RevisionNode | MissingNode | DbErrorNode | NoticeNode;

export interface ProjectNode {
  kind: 'project';
  id: string;
  key: string;
  label: string;
  description: string;
  contextValue: string;
  tooltip: string;
}

export interface RevisionNode {
  kind: 'revision';
  id: string;
  key: string;
  revision: RevisionInfo;
  state: RevState | null;
  label: string;
  description: string;
  contextValue: string;
  markers: string[];
}

export interface MissingNode {
  kind: 'missing';
  id: string;
  key: string;
  revision: string;
}

export interface DbErrorNode {
  kind: 'dbError';
  id: string;
  key: string;
  reason: DbErrorReason | 'invalid-url';
  label: string;
  message: string;
}

export interface NoticeNode {
  kind: 'notice';
  id: string;
  key: string;
  label: string;
  tooltip: string;
  /** Command the row runs when clicked. */
  command: string | null;
}

export function pendingCount(entry: ProjectEntry): number {
  return stateCounts(entry.states).pending;
}

/**
 * "2 pending", "up to date", "3 pending · 60 unknown · 1 missing", …: the one count line the
 * project row and the status bar both show, from core's states (server `alembic/state`).
 */
export function countsOf(entry: ProjectEntry): string {
  if (!entry.states) return 'state not computed (language server not running)';
  const c = stateCounts(entry.states);
  const missing = entry.states.missing.length;
  const parts = [c.pending === 0 && c.unknown === 0 && c.broken === 0 ? 'up to date' : `${c.pending} pending`];
  if (c.unknown > 0) parts.push(`${c.unknown} unknown`);
  if (c.broken > 0) parts.push(`${c.broken} broken`);
  if (missing > 0) parts.push(`${missing} missing`);
  return parts.join(' · ');
}

/** "2 pending", "up to date", "not initialised", … */
export function summaryOf(entry: ProjectEntry): string {
  switch (entry.db.kind) {
    case 'no-url':
      return 'no database URL';
    case 'restricted':
      return 'Restricted Mode';
    case 'invalid-url':
      return 'invalid database URL';
    case 'error':
      return reasonText(entry.db.reason).toLowerCase();
    case 'not-initialised':
      return `not initialised · ${countsOf(entry)}`;
    case 'ok':
      return countsOf(entry);
  }
}

function clock(ms: number): string {
  const t = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** When the state shown was read (local time) and from where, for the project row's tooltip; null when nothing was read. */
function readLine(entry: ProjectEntry): string | null {
  const db = entry.db;
  if (db.kind === 'ok' || db.kind === 'not-initialised') return `State read ${clock(entry.readAt)} from ${db.display}`;
  if (db.kind === 'error') return `Last read attempt ${clock(entry.readAt)} from ${db.display}: ${reasonText(db.reason).toLowerCase()}`;
  return null;
}

/**
 * The view's description, beside its title (VS Code has no tooltip for a view's title): when the
 * newest state shown was read, e.g. "state read 12:03:04"; undefined when no state was read.
 */
export function viewDescription(entries: readonly ProjectEntry[]): string | undefined {
  const read = entries.filter((e) => e.db.kind === 'ok' || e.db.kind === 'not-initialised').map((e) => e.readAt);
  return read.length > 0 ? `state read ${clock(Math.max(...read))}` : undefined;
}

export function projectNode(entry: ProjectEntry): ProjectNode {
  const s = entry.snapshot;
  // 'no-url': the config's URL is empty or alembic's `driver://…` placeholder; showing it beside
  // "no database URL" would contradict itself.
  const display =
    entry.db.kind === 'ok' || entry.db.kind === 'not-initialised' || entry.db.kind === 'error' ? entry.db.display : entry.db.kind === 'no-url' ? null : s.sqlalchemyUrlRedacted;
  const parts = ['project', entry.db.kind === 'ok' || entry.db.kind === 'not-initialised' || entry.db.kind === 'error' ? entry.db.dialect : 'none'];
  if (entry.states && pendingCount(entry) > 0) parts.push('pending');
  // Merge Heads only where heads want a merge (core/merge.ts), not for labelled lines apart by design.
  if ((s.mergeCandidates ?? []).length > 0) parts.push('multipleHeads');
  return {
    kind: 'project',
    id: s.key,
    key: s.key,
    label: s.name,
    description: [display, summaryOf(entry)].filter((x): x is string => !!x).join(' · '),
    contextValue: parts.join(':'),
    tooltip: [
      `**${s.name}**`,
      s.configPath ? `Config: \`${s.configPath}\` [${s.section}]` : null,
      `Versions: ${s.versionLocations.map((v) => `\`${v}\``).join(', ') || '—'}`,
      `Database: ${display ?? '—'}`,
      `${s.revisions.length} revisions · heads: ${s.heads.map(shortId).join(', ') || '—'}`,
      readLine(entry),
    ]
      .filter((x): x is string => x !== null)
      .join('\n\n'),
  };
}

/** "<message> · <short id>", or the id alone for a revision without a message. */
export function revisionLabel(r: RevisionInfo): string {
  return r.message ? `${r.message} · ${shortId(r.id)}` : r.id;
}

export interface RowFilter {
  /** Only revisions the database has not applied (database rows and notices stay). */
  pendingOnly: boolean;
}

function revisionNode(entry: ProjectEntry, r: RevisionInfo): RevisionNode {
  const s = entry.snapshot;
  const state = entry.states?.states.get(r.id) ?? null;
  const markers: string[] = [];
  if (s.heads.includes(r.id)) markers.push('head');
  if (s.mergePoints.includes(r.id) || r.downRevisions.length > 1) markers.push('merge');
  if (s.branchPoints.includes(r.id)) markers.push('branch point');
  if (s.bases.includes(r.id)) markers.push('base');
  const labels = r.branchLabels.length > 0 ? `(${r.branchLabels.join(', ')})` : null;
  // The short id sits in the label, not the description: the tree's own find (type to filter)
  // matches labels only, and an id is what people paste.
  // Pending revisions with lint findings: what upgrading would do to a live database.
  const risky = state === 'pending' ? (r.lint ?? []).filter((f) => f.severity !== 'info').length : 0;
  const lintMark = risky > 0 ? `⚠ ${risky} lint finding${risky === 1 ? '' : 's'}` : null;
  const description = [state, ...markers, labels, lintMark].filter((x): x is string => !!x).join(' · ');
  const context = ['revision', state ?? 'unknown'];
  if (markers.includes('head')) context.push('head');
  if (markers.includes('merge')) context.push('merge');
  if (markers.includes('branch point')) context.push('branchpoint');
  if (risky > 0) context.push('lint');
  return {
    kind: 'revision',
    id: `${s.key}/${r.id}`,
    key: s.key,
    revision: r,
    state,
    label: revisionLabel(r),
    description,
    contextValue: context.join(':'),
    markers,
  };
}

/** Rows under a project: database problems first, missing rows, then revisions newest first. */
export function childrenOf(entry: ProjectEntry, filter: RowFilter = { pendingOnly: false }): Node[] {
  const key = entry.snapshot.key;
  const rows: Node[] = [];
  const db = entry.db;
  if (db.kind === 'error') {
    rows.push({ kind: 'dbError', id: `${key}/#db`, key, reason: db.reason, label: reasonText(db.reason), message: db.message });
  } else if (db.kind === 'invalid-url') {
    rows.push({ kind: 'dbError', id: `${key}/#db`, key, reason: 'invalid-url', label: 'Invalid database URL', message: db.message });
  } else if (db.kind === 'no-url') {
    rows.push({
      kind: 'notice',
      id: `${key}/#db`,
      key,
      label: 'No database URL configured',
      tooltip: 'Set `alembic.databaseUrl`, name an environment variable in `alembic.databaseUrlEnvVar`, or set `sqlalchemy.url` in the config to see which revisions are applied.',
      command: 'alembic.openSettings',
    });
  } else if (db.kind === 'restricted') {
    rows.push({
      kind: 'notice',
      id: `${key}/#db`,
      key,
      label: 'Restricted Mode: database not read',
      tooltip: `${RESTRICTED_NOTE} Click to manage Workspace Trust.`,
      command: 'workbench.trust.manage',
    });
  } else if (db.kind === 'not-initialised') {
    rows.push({
      kind: 'notice',
      id: `${key}/#db`,
      key,
      label: 'Database not initialised',
      tooltip: `${db.display} has no version table yet: every revision is pending. "Upgrade to Head" creates it.`,
      command: null,
    });
  }
  if (entry.snapshot.revisions.length === 0) {
    rows.push({
      kind: 'notice',
      id: `${key}/#empty`,
      key,
      label: 'No revisions yet: Create Revision…',
      tooltip: `No revision file was found in ${entry.snapshot.versionLocations.join(', ') || 'the versions folder'}.`,
      command: 'alembic.createRevision',
    });
  }
  for (const id of entry.states?.missing ?? []) rows.push({ kind: 'missing', id: `${key}/#missing/${id}`, key, revision: id });
  for (const r of entry.snapshot.revisions) {
    // Pending only hides what is known to be applied; unknown and broken revisions may be pending.
    const st = entry.states?.states.get(r.id);
    if (filter.pendingOnly && entry.states && (st === 'applied' || st === 'current')) continue;
    rows.push(revisionNode(entry, r));
  }
  return rows;
}
