// Finding a revision: Go to Revision… (a quick pick over id, message, label and file name across
// projects) and Reveal Current (the database's current revision, selected in the tree).
import * as vscode from 'vscode';
import { openAt, projectFor, type Ctx } from '../commands/context';
import { shortId } from '../projects/revisions';
import { revisionItems } from './find-items';

/** Selects a revision's row in the tree (showing every revision again if the filter hides it). */
export async function revealRevision(ctx: Ctx, key: string, id: string, focus: boolean): Promise<boolean> {
  const entry = ctx.store.get(key);
  if (ctx.tree.pendingOnly && entry?.states && entry.states.states.get(id) !== 'pending') ctx.tree.setPendingOnly(false);
  const node = ctx.tree.find(`${key}/${id}`);
  if (!node) return false;
  await ctx.view.reveal(node, { select: true, focus, expand: true });
  return true;
}

export async function goToRevision(ctx: Ctx): Promise<void> {
  const items = revisionItems(ctx.store.all());
  if (items.length === 0) return void vscode.window.showInformationMessage('No Alembic revision was found in this workspace.');
  const pick = await vscode.window.showQuickPick(items, {
    placeHolder: 'Go to revision: type an id, a message, a branch label or a file name',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return;
  await openAt(pick.revision.path, pick.revision.line);
  await revealRevision(ctx, pick.key, pick.revision.id, false);
}

export async function revealCurrent(ctx: Ctx, arg?: unknown): Promise<void> {
  const entry = projectFor(ctx, arg);
  if (!entry) return;
  if (!entry.states) {
    return void vscode.window.showInformationMessage(`The database state of ${entry.snapshot.name} is not known (${entry.db.kind === 'no-url' ? 'no database URL' : 'the database could not be read'}).`);
  }
  const current = entry.snapshot.revisions.filter((r) => entry.states?.states.get(r.id) === 'current');
  if (current.length === 0) return void vscode.window.showInformationMessage(`${entry.snapshot.name}: the database has no revision applied.`);
  await revealRevision(ctx, entry.snapshot.key, current[0].id, true);
  if (current.length > 1) void vscode.window.setStatusBarMessage(`Current: ${current.map((r) => shortId(r.id)).join(', ')} (the first is selected)`, 5000);
}
