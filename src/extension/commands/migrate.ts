// Upgrade, downgrade, stamp and show-SQL flows. Every target, plan and SQL argument comes from core
// through the language server (server/plans.ts): a picker lists only targets whose plan succeeds,
// the modal shows core's plan and the exact alembic argv, and the run executes that argv.
import * as vscode from 'vscode';
import type { OfferInfo, PlanCommandName, PlanInfo } from '../../protocol/protocol';
import { confirm, databaseName, runAlembic, type Ctx } from './context';
import { describeLintFindings, describeRevisions, shortId } from '../projects/revisions';
import type { ProjectEntry } from '../projects/projects';

interface TargetPick extends vscode.QuickPickItem {
  target: string;
}

function revisionLabel(entry: ProjectEntry, id: string): string {
  const msg = entry.graph.get(id)?.message;
  return msg ? `${shortId(id)} "${msg}"` : shortId(id);
}

/** What the modal calls the target: a revision's id and message, else the target as typed. */
function targetName(entry: ProjectEntry, target: string): string {
  if (entry.graph.has(target)) return revisionLabel(entry, target);
  const below = /^(.+)@-1$/u.exec(target)?.[1];
  if (below !== undefined && entry.graph.has(below)) return `below ${revisionLabel(entry, below)}`;
  return target === 'base' ? 'base (an empty version table)' : target;
}

/** The version table's rows in table order (as alembic reads them), or null when it could not be read. */
function rowsOf(entry: ProjectEntry): string[] | null {
  return entry.states ? entry.states.rows : null;
}

function unreadable(entry: ProjectEntry, what: string): void {
  const why = entry.db.kind === 'error' || entry.db.kind === 'invalid-url' ? ` (${entry.db.message})` : '';
  void vscode.window.showWarningMessage(
    `The database state of ${entry.snapshot.name} could not be read${why}, so what ${what} would change cannot be shown. Fix the connection and refresh first.`,
  );
}

function noServer(): void {
  void vscode.window.showWarningMessage('The Alembic language server is not running, so the plan cannot be computed. Run "Alembic: Restart Language Server".');
}

function pickFor(entry: ProjectEntry, id: string, extra?: string): TargetPick {
  const r = entry.graph.get(id);
  const state = entry.states?.states.get(id);
  return {
    label: r?.message ?? id,
    description: [shortId(id), state, ...(r?.branchLabels.length ? [`(${r.branchLabels.join(', ')})`] : []), extra].filter(Boolean).join(' · '),
    target: id,
  };
}

function offerPick(entry: ProjectEntry, o: OfferInfo): TargetPick {
  if (entry.graph.has(o.target)) return pickFor(entry, o.target);
  return { label: o.label, description: o.description, target: o.target };
}

async function runAndRefresh(ctx: Ctx, entry: ProjectEntry, args: string[], title: string): Promise<boolean> {
  const out = await runAlembic(ctx, entry, args, title);
  await ctx.store.refreshDatabase(entry.snapshot.key);
  if (out?.ok) void vscode.window.setStatusBarMessage(`$(check) alembic ${args.join(' ')}: done`, 5000);
  // The error notification with Show Output comes from the run itself (runs.ts); the status bar
  // says it too, where the success message would have been.
  else if (!out?.cancelled) void vscode.window.setStatusBarMessage(`$(error) alembic ${args.join(' ')}: failed (see Output › Alembic)`, 15000);
  return out?.ok === true;
}

/** core's plan through the server; null (after telling the user why) where there is none. */
async function planFor(ctx: Ctx, entry: ProjectEntry, rows: string[], command: PlanCommandName, target: string, purge = false): Promise<PlanInfo | null> {
  const r = await ctx.client.plan({ key: entry.snapshot.key, rows, command, target, purge });
  if (r === null) {
    noServer();
    return null;
  }
  if (!r.ok) {
    void vscode.window.showWarningMessage(`alembic ${command}${purge ? ' --purge' : ''} ${target} would fail on ${databaseName(entry)}: ${r.message}`);
    return null;
  }
  return r.plan;
}

async function offers(ctx: Ctx, entry: ProjectEntry, rows: string[], kind: 'upgrade' | 'downgrade' | 'stamp' | 'downgradeOne', purge = false, row: string | null = null): Promise<OfferInfo[] | null> {
  const r = await ctx.client.offers({ key: entry.snapshot.key, rows, kind, purge, row });
  if (r === null) noServer();
  return r;
}

function tail(plan: PlanInfo): string {
  const lines: string[] = [];
  if (plan.orderNote) lines.push(`\nNote: ${plan.orderNote}.`);
  lines.push(`\nVersion table after: ${plan.rowsAfter.length > 0 ? plan.rowsAfter.map(shortId).join(', ') : '(empty)'}`);
  lines.push(`\nCommand: alembic ${plan.command.join(' ')}`);
  return lines.join('\n');
}

// ---- upgrade ---------------------------------------------------------------------------------

/** `alembic upgrade <target>` after showing core's plan. */
export async function upgradeTo(ctx: Ctx, entry: ProjectEntry, target: string): Promise<void> {
  const rows = rowsOf(entry);
  const db = databaseName(entry);
  const plan = await planFor(ctx, entry, rows ?? [], 'upgrade', target);
  if (!plan) return;
  if (rows && plan.apply.length === 0) {
    void vscode.window.showInformationMessage(`${db} is already at or past ${target === 'heads' ? 'every head' : targetName(entry, target)}: nothing to upgrade.`);
    return;
  }
  const head =
    rows === null
      ? `The database state could not be read; alembic applies those of these ${plan.apply.length} revisions that are not applied yet, in this order`
      : `Applies ${plan.apply.length} revision${plan.apply.length === 1 ? '' : 's'}, in this order`;
  const lint = describeLintFindings(entry.graph, plan.apply);
  const detail = `${head}, on ${db}:\n\n${describeRevisions(entry.graph, plan.apply)}\n${lint ? `\n${lint}\n` : ''}${rows === null ? `\nCommand: alembic ${plan.command.join(' ')}` : tail(plan)}`;
  if (!(await confirm('Upgrade', `Upgrade ${db} to ${targetName(entry, target)}?`, detail))) return;
  await runAndRefresh(ctx, entry, plan.command, `Upgrading ${db} to ${entry.graph.has(target) ? shortId(target) : target}`);
}

export async function upgradeHead(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const heads = entry.snapshot.heads;
  if (heads.length === 0) {
    void vscode.window.showInformationMessage(`${entry.snapshot.name} has no revisions yet.`);
    return;
  }
  if (heads.length === 1) return upgradeTo(ctx, entry, 'head');
  const items: TargetPick[] = [{ label: 'All heads', description: 'alembic upgrade heads', target: 'heads' }, ...heads.map((h) => pickFor(entry, h))];
  const chosen = await vscode.window.showQuickPick(items, { title: `${entry.snapshot.name} has ${heads.length} heads`, placeHolder: 'Upgrade to which head?' });
  if (chosen) await upgradeTo(ctx, entry, chosen.target);
}

export async function upgradePick(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const list = await offers(ctx, entry, rowsOf(entry) ?? [], 'upgrade');
  if (!list) return;
  if (list.length === 0) {
    void vscode.window.showInformationMessage(`${databaseName(entry)} is up to date: nothing to upgrade.`);
    return;
  }
  const chosen = await vscode.window.showQuickPick(list.map((o) => offerPick(entry, o)), { title: `Upgrade ${databaseName(entry)}`, placeHolder: 'Upgrade to which revision?', matchOnDescription: true });
  if (chosen) await upgradeTo(ctx, entry, chosen.target);
}

// ---- downgrade -------------------------------------------------------------------------------

/** `alembic downgrade <target>` after showing core's plan. */
export async function downgradeTo(ctx: Ctx, entry: ProjectEntry, target: string): Promise<void> {
  const rows = rowsOf(entry);
  if (!rows) return unreadable(entry, 'a downgrade');
  const db = databaseName(entry);
  const plan = await planFor(ctx, entry, rows, 'downgrade', target);
  if (!plan) return;
  if (plan.revert.length === 0) {
    void vscode.window.showInformationMessage(`Nothing to downgrade: no applied revision of ${db} is above ${targetName(entry, target)}.`);
    return;
  }
  const detail = `Reverts ${plan.revert.length} revision${plan.revert.length === 1 ? '' : 's'}, in this order, on ${db} (their downgrade() runs and may drop data):\n\n${describeRevisions(entry.graph, plan.revert)}\n${tail(plan)}`;
  if (!(await confirm('Downgrade', `Downgrade ${db} to ${targetName(entry, target)}?`, detail))) return;
  await runAndRefresh(ctx, entry, plan.command, `Downgrading ${db} to ${entry.graph.has(target) ? shortId(target) : target}`);
}

export async function downgradePick(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const rows = rowsOf(entry);
  if (!rows) return unreadable(entry, 'a downgrade');
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(`${databaseName(entry)} has no applied revision: nothing to downgrade.`);
    return;
  }
  const list = await offers(ctx, entry, rows, 'downgrade');
  if (!list) return;
  if (list.length === 0) {
    void vscode.window.showWarningMessage(`No downgrade of ${databaseName(entry)} would succeed in alembic from its current rows (${rows.map(shortId).join(', ')}).`);
    return;
  }
  const items = list.map((o) => (entry.graph.has(o.target) && o.label === o.target ? pickFor(entry, o.target) : { label: o.label, description: o.description, target: o.target }));
  const chosen = await vscode.window.showQuickPick(items, { title: `Downgrade ${databaseName(entry)}`, placeHolder: 'Downgrade to which revision?', matchOnDescription: true });
  if (chosen) await downgradeTo(ctx, entry, chosen.target);
}

/** Reverts exactly one current revision: `<rev>@-1`, or `downgrade <parent>` below a merge; asks which row when several. */
export async function downgradeOne(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const rows = rowsOf(entry);
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
  const list = await offers(ctx, entry, rows, 'downgradeOne', false, row);
  if (!list) return;
  if (list.length === 0) {
    void vscode.window.showWarningMessage(`No alembic downgrade reverts ${shortId(row)} alone (another applied revision depends on it, or the folder lacks it). Use Downgrade… to see what each target reverts.`);
    return;
  }
  await downgradeTo(ctx, entry, list[0].target);
}

// ---- stamp -----------------------------------------------------------------------------------

/** `alembic stamp [--purge] <target>` after showing which revisions become applied / not applied. */
export async function stampTo(ctx: Ctx, entry: ProjectEntry, target: string, purgeDefault = false): Promise<void> {
  const rows = rowsOf(entry);
  if (!rows) return unreadable(entry, 'a stamp');
  const db = databaseName(entry);
  let purge = purgeDefault || (entry.states?.missing.length ?? 0) > 0;
  if (rows.length > 0 && target !== 'base') {
    const keep = { label: 'Stamp', description: 'as alembic stamp: moves the rows on this revision\'s lineage to it', purge: false };
    const drop = { label: 'Stamp with --purge', description: 'empty the version table first (needed when it names unknown revisions)', purge: true };
    const chosen = await vscode.window.showQuickPick(purge ? [drop, keep] : [keep, drop], { title: `Stamp ${db} at ${shortId(target)}`, placeHolder: 'How?' });
    if (!chosen) return;
    purge = chosen.purge;
  }
  const plan = await planFor(ctx, entry, rows, 'stamp', target, purge);
  if (!plan) return;
  const lines: string[] = [`No migration code runs: only the version table of ${db} changes.`];
  if (plan.apply.length > 0) lines.push(`\nMarked as applied (${plan.apply.length}):\n${describeRevisions(entry.graph, plan.apply)}`);
  if (plan.revert.length > 0) lines.push(`\nMarked as not applied (${plan.revert.length}):\n${describeRevisions(entry.graph, plan.revert)}`);
  if (purge && rows.length > 0) lines.push(`\n--purge deletes every row first: ${rows.map(shortId).join(', ')}`);
  if (plan.apply.length === 0 && plan.revert.length === 0 && !purge) lines.push('\nNo revision changes state.');
  lines.push(tail(plan));
  const where = target === 'base' ? 'base' : targetName(entry, target);
  if (!(await confirm('Stamp', `Stamp ${db} as ${where}${purge ? ' (--purge)' : ''}?`, lines.join('\n')))) return;
  await runAndRefresh(ctx, entry, plan.command, `Stamping ${db} at ${entry.graph.has(target) ? shortId(target) : target}`);
}

export async function stampPick(ctx: Ctx, entry: ProjectEntry, purgeDefault = false): Promise<void> {
  const rows = rowsOf(entry);
  if (!rows) return unreadable(entry, 'a stamp');
  const purge = purgeDefault || (entry.states?.missing.length ?? 0) > 0;
  const list = await offers(ctx, entry, rows, 'stamp', purge);
  if (!list) return;
  const items = list.map((o) => (o.target === 'base' ? { label: 'base', description: 'empty the version table', target: 'base' } : pickFor(entry, o.target)));
  const chosen = await vscode.window.showQuickPick(items, { title: `Stamp ${databaseName(entry)}`, placeHolder: 'Mark the database as being at which revision?', matchOnDescription: true });
  if (chosen) await stampTo(ctx, entry, chosen.target, purgeDefault);
}

// ---- show SQL --------------------------------------------------------------------------------

/** A revision's own SQL, rendered by alembic offline: its upgrade when pending, its downgrade when applied. */
export async function showSql(ctx: Ctx, entry: ProjectEntry, id: string): Promise<void> {
  const own = await ctx.client.ownSql({ key: entry.snapshot.key, rows: rowsOf(entry) ?? [], revision: id });
  if (!own) return noServer();
  const args = own.args;
  const out = await runAlembic(ctx, entry, args, `SQL for ${args[0]} ${args[1]}`);
  if (!out?.ok) return;
  const what = args[0] === 'upgrade' ? 'upgrade() SQL' : 'downgrade() SQL';
  const header = [
    `-- ${revisionLabel(entry, id)}: its ${what}`,
    `-- alembic ${args.join(' ')}`,
    ...(own.others.length > 0 ? [`-- alembic renders offline from one start revision, so this also holds the SQL of ${own.others.map(shortId).join(', ')}`] : []),
    `-- ${entry.snapshot.name}; generated offline, nothing was run.`,
    '',
    '',
  ].join('\n');
  await ctx.docs.show(`alembic ${args[0]} ${args[1]} — ${entry.snapshot.name.replace(/[/\\]/g, '_')}.sql`, header + out.stdout, 'sql');
}

export async function showSqlPick(ctx: Ctx, entry: ProjectEntry): Promise<void> {
  const chosen = await vscode.window.showQuickPick(entry.graph.order.map((id) => pickFor(entry, id)), {
    title: 'Show SQL',
    placeHolder: "Which revision's SQL (its upgrade when pending, its downgrade when applied)?",
    matchOnDescription: true,
  });
  if (chosen) await showSql(ctx, entry, chosen.target);
}
