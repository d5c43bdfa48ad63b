// Upgrade, downgrade, stamp and show-SQL flows. Each database-changing flow computes its plan,
// shows it in the confirmation modal, runs alembic, then re-reads the database.
import * as vscode from 'vscode';
import { confirm, databaseName, runAlembic, type Ctx } from './context';
import { describeLintFindings, describeRevisions, downgradeRelativeTargets, shortId, sqlArgsFor, upgradeRelativeTargets } from '../plans';
import type { ProjectEntry } from '../projects/projects';

interface RevisionPick extends vscode.QuickPickItem {
  target: string;
  /** Revision ids the target stands for (for plans); empty for base. */
  ids: string[];
  /** Relative / branch targets: the exact plan and the name shown in the modal. */
  plan?: string[];
  name?: string;
}

function revisionLabel(entry: ProjectEntry, id: string): string {
  const msg = entry.graph.get(id)?.message;
  return msg ? `${shortId(id)} "${msg}"` : shortId(id);
}

function rowsOrNull(entry: ProjectEntry): string[] | null {
  return entry.states ? entry.states.rows.filter((r) => entry.graph.has(r)) : null;
}

function unreadable(entry: ProjectEntry, what: string): void {
  const why = entry.db.kind === 'error' || entry.db.kind === 'invalid-url' ? ` (${entry.db.message})` : '';
  void vscode.window.showWarningMessage(
    `The database state of ${entry.snapshot.name} could not be read${why}, so what ${what} would change cannot be shown. Fix the connection and refresh first.`,
  );
}

function pickFor(entry: ProjectEntry, id: string): RevisionPick {
  const r = entry.graph.get(id);
  const state = entry.states?.states.get(id);
  return {
    label: r?.message ?? id,
    description: [shortId(id), state, ...(r?.branchLabels.length ? [`(${r.branchLabels.join(', ')})`] : [])].filter(Boolean).join(' · '),
    target: id,
    ids: [id],
  };
}

async function runAndRefresh(ctx: Ctx, entry: ProjectEntry, args: string[], title: string): Promise<boolean> {
  const out = await runAlembic(ctx, entry, args, title);
  await ctx.store.refreshDatabase(entry.snapshot.key);
  if (out?.ok) void vscode.window.setStatusBarMessage(`$(check) alembic ${args.join(' ')}: done`, 5000);
  return out?.ok === true;
}

// ---- upgrade ---------------------------------------------------------------------------------

export async function upgradeTo(ctx: Ctx, entry: ProjectEntry, pick: RevisionPick): Promise<void> {
  const rows = rowsOrNull(entry);
  const db = databaseName(entry);
  const plan = pick.plan ?? (rows ? entry.graph.upgradePlan(rows, pick.ids) : entry.graph.upgradePlan([], pick.ids));
  if (rows && plan.length === 0) {
    void vscode.window.showInformationMessage(`${db} is already at or past ${pick.target === 'heads' ? 'every head' : pick.name ?? shortId(pick.target)}: nothing to upgrade.`);
    return;
  }
  const head =
    rows === null
      ? `The database state could not be read; alembic applies those of these ${plan.length} revisions that are not applied yet, oldest first`
      : `Applies ${plan.length} revision${plan.length === 1 ? '' : 's'}, oldest first`;
  const lint = describeLintFindings(entry.graph, plan);
  const detail = `${head}, on ${db}:\n\n${describeRevisions(entry.graph, plan)}\n\n${lint ? `${lint}\n\n` : ''}Command: alembic upgrade ${pick.target}`;
  const what = pick.name ?? (pick.target === 'head' || pick.target === 'heads' ? pick.target : revisionLabel(entry, pick.target));
  if (!(await confirm('Upgrade', `Upgrade ${db} to ${what}?`, detail))) return;
  await runAndRefresh(ctx, entry, ['upgrade', pick.target], `Upgrading ${db} to ${pick.name ?? (pick.target === 'head' || pick.target === 'heads' ? pick.target : shortId(pick.target))}`);
}

export async function upgradeHead(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const heads = entry.snapshot.heads;
  if (heads.length === 0) {
    void vscode.window.showInformationMessage(`${entry.snapshot.name} has no revisions yet.`);
    return;
  }
  if (heads.length === 1) return upgradeTo(ctx, entry, { label: 'head', target: 'head', ids: heads });
  const items: RevisionPick[] = [
    { label: 'All heads', description: 'alembic upgrade heads', target: 'heads', ids: heads },
    ...heads.map((h) => pickFor(entry, h)),
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    title: `${entry.snapshot.name} has ${heads.length} heads`,
    placeHolder: 'Upgrade to which head?',
  });
  if (chosen) await upgradeTo(ctx, entry, chosen);
}

export async function upgradePick(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const pending = entry.states
    ? entry.graph.order.filter((id) => entry.states?.states.get(id) === 'pending')
    : entry.graph.order;
  const heads = entry.snapshot.heads;
  const items: RevisionPick[] = [
    heads.length > 1
      ? { label: 'All heads', description: 'alembic upgrade heads', target: 'heads', ids: heads }
      : { label: 'Head', description: 'alembic upgrade head', target: 'head', ids: heads },
    ...upgradeRelativeTargets(entry.graph, entry.snapshot.bases, heads, entry.states ? entry.states.rows : null).map((t) => ({
      label: t.label, description: t.description, target: t.target, ids: [], plan: t.plan, name: t.label,
    })),
    ...pending.map((id) => pickFor(entry, id)),
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: `Upgrade ${databaseName(entry)}`, placeHolder: 'Upgrade to which revision?', matchOnDescription: true });
  if (chosen) await upgradeTo(ctx, entry, chosen);
}

// ---- downgrade -------------------------------------------------------------------------------

/** `target` null is `base`. `args` lets downgrade-one use `<rev>@-1`; `where` then names where it lands. */
export async function downgradeTo(ctx: Ctx, entry: ProjectEntry, target: string | null, plan?: string[], args?: string[], where?: { label: string; short: string }): Promise<void> {
  const rows = rowsOrNull(entry);
  if (!rows) return unreadable(entry, 'a downgrade');
  const db = databaseName(entry);
  const reverted = plan ?? entry.graph.downgradePlan(rows, target);
  if (reverted.length === 0) {
    void vscode.window.showInformationMessage(`Nothing to downgrade: no applied revision of ${db} is above ${target ? shortId(target) : 'base'}.`);
    return;
  }
  const cmdArgs = args ?? ['downgrade', target ?? 'base'];
  const detail = `Reverts ${reverted.length} revision${reverted.length === 1 ? '' : 's'}, newest first, on ${db} (their downgrade() runs and may drop data):\n\n${describeRevisions(entry.graph, reverted)}\n\nCommand: alembic ${cmdArgs.join(' ')}`;
  const to = where ?? (target ? { label: revisionLabel(entry, target), short: shortId(target) } : { label: 'base (an empty version table)', short: 'base' });
  if (!(await confirm('Downgrade', `Downgrade ${db} to ${to.label}?`, detail))) return;
  await runAndRefresh(ctx, entry, cmdArgs, `Downgrading ${db} to ${to.short}`);
}

export async function downgradePick(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const rows = rowsOrNull(entry);
  if (!rows) return unreadable(entry, 'a downgrade');
  const applied = entry.graph.order.filter((id) => entry.states?.states.get(id) === 'applied');
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(`${databaseName(entry)} has no applied revision: nothing to downgrade.`);
    return;
  }
  const items: RevisionPick[] = [
    ...downgradeRelativeTargets(entry.graph, entry.states?.rows ?? rows).map((t) => ({ label: t.label, description: t.description, target: t.target, ids: [], plan: t.plan })),
    ...applied.map((id) => pickFor(entry, id)),
    { label: 'base', description: 'revert every revision', target: 'base', ids: [] },
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: `Downgrade ${databaseName(entry)}`, placeHolder: 'Downgrade to which revision?', matchOnDescription: true });
  if (!chosen) return;
  if (chosen.target.endsWith('@-1') && chosen.plan) return downgradeRow(ctx, entry, rows, chosen.plan[0]);
  if (chosen.plan) return downgradeTo(ctx, entry, null, chosen.plan, ['downgrade', chosen.target], { label: chosen.target, short: chosen.target });
  await downgradeTo(ctx, entry, chosen.target === 'base' ? null : chosen.target);
}

/** `alembic downgrade <row>@-1`: reverts exactly the current row `row`. */
async function downgradeRow(ctx: Ctx, entry: ProjectEntry, rows: string[], row: string): Promise<void> {
  const parents = entry.graph.get(row)?.downRevisions ?? [];
  // Below a merge point, or below a branch's own base while other heads stay applied, the
  // version table is not emptied: say where it lands instead of "base".
  const where = parents.length > 1 || (parents.length === 0 && rows.length > 1) ? { label: `below ${revisionLabel(entry, row)}`, short: `below ${shortId(row)}` } : undefined;
  await downgradeTo(ctx, entry, parents.length === 1 ? parents[0] : null, [row], ['downgrade', `${row}@-1`], where);
}

/** Reverts exactly one current revision (`alembic downgrade <rev>@-1`); asks which when several. */
export async function downgradeOne(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const rows = rowsOrNull(entry);
  if (!rows) return unreadable(entry, 'a downgrade');
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(`${databaseName(entry)} has no applied revision: nothing to downgrade.`);
    return;
  }
  let row = rows[0];
  if (rows.length > 1) {
    const chosen = await vscode.window.showQuickPick(
      rows.map((id) => pickFor(entry, id)),
      { title: `${databaseName(entry)} is at ${rows.length} heads`, placeHolder: 'Revert the newest revision of which branch?' },
    );
    if (!chosen) return;
    row = chosen.target;
  }
  await downgradeRow(ctx, entry, rows, row);
}

// ---- stamp -----------------------------------------------------------------------------------

export async function stampTo(ctx: Ctx, entry: ProjectEntry, target: string | null, purgeDefault = false): Promise<void> {
  const rows = entry.states ? entry.states.rows : null;
  if (!rows) return unreadable(entry, 'a stamp');
  const db = databaseName(entry);
  const known = rows.filter((r) => entry.graph.has(r));
  let purge = purgeDefault || (entry.states?.missing.length ?? 0) > 0;
  if (rows.length > 0 && target !== null) {
    const keep = { label: 'Stamp', description: 'replace the row(s) on this revision\'s line', purge: false };
    const drop = { label: 'Stamp with --purge', description: 'empty the version table first (needed when it names unknown revisions)', purge: true };
    const chosen = await vscode.window.showQuickPick(purge ? [drop, keep] : [keep, drop], { title: `Stamp ${db} at ${shortId(target)}`, placeHolder: 'How?' });
    if (!chosen) return;
    purge = chosen.purge;
  }
  const plan = entry.graph.stampPlan(known, target, purge);
  const lines: string[] = [`No migration code runs: only the version table of ${db} changes.`];
  if (plan.marked.length > 0) lines.push(`\nMarked as applied (${plan.marked.length}):\n${describeRevisions(entry.graph, plan.marked)}`);
  if (plan.unmarked.length > 0) lines.push(`\nMarked as not applied (${plan.unmarked.length}):\n${describeRevisions(entry.graph, plan.unmarked)}`);
  if (purge && rows.length > 0) lines.push(`\n--purge deletes every row first: ${rows.map(shortId).join(', ')}`);
  if (plan.marked.length === 0 && plan.unmarked.length === 0 && !purge) lines.push('\nNo revision changes state.');
  const args = ['stamp', ...(purge ? ['--purge'] : []), target ?? 'base'];
  lines.push(`\nCommand: alembic ${args.join(' ')}`);
  const where = target ? revisionLabel(entry, target) : 'base';
  if (!(await confirm('Stamp', `Stamp ${db} as ${where}${purge ? ' (--purge)' : ''}?`, lines.join('\n')))) return;
  await runAndRefresh(ctx, entry, args, `Stamping ${db} at ${target ? shortId(target) : 'base'}`);
}

export async function stampPick(ctx: Ctx, entry: ProjectEntry, purgeDefault = false): Promise<void> {
  const items: RevisionPick[] = [
    ...entry.graph.order.map((id) => pickFor(entry, id)),
    { label: 'base', description: 'empty the version table', target: 'base', ids: [] },
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: `Stamp ${databaseName(entry)}`, placeHolder: 'Mark the database as being at which revision?', matchOnDescription: true });
  if (chosen) await stampTo(ctx, entry, chosen.target === 'base' ? null : chosen.target, purgeDefault);
}

// ---- show SQL --------------------------------------------------------------------------------

/** Offline SQL that moves the database to `id` (or, at `id` already, that revision's own SQL). */
export function sqlArgs(entry: ProjectEntry, id: string): string[] {
  return sqlArgsFor(entry.graph, entry.states, id);
}

export async function showSql(ctx: Ctx, entry: ProjectEntry, id: string): Promise<void> {
  const args = sqlArgs(entry, id);
  const out = await runAlembic(ctx, entry, args, `SQL for ${args[0]} ${args[1]}`);
  if (!out?.ok) return;
  const header = `-- alembic ${args.join(' ')}\n-- ${entry.snapshot.name}; generated offline, nothing was run.\n\n`;
  // Read-only (not an untitled buffer that asks to be saved when closed); `.sql` gives SQL colouring.
  await ctx.docs.show(`alembic ${args[0]} ${args[1]} — ${entry.snapshot.name.replace(/[/\\]/g, '_')}.sql`, header + out.stdout);
}

export async function showSqlPick(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const chosen = await vscode.window.showQuickPick(entry.graph.order.map((id) => pickFor(entry, id)), {
    title: 'Show SQL',
    placeHolder: 'SQL that moves the database to which revision?',
    matchOnDescription: true,
  });
  if (chosen) await showSql(ctx, entry, chosen.target);
}
