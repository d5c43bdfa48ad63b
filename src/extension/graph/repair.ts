// Repairing a broken down_revision from the graph: the ghost (missing parent) dropped on a
// revision, or a revision picked. The edit is the language server's (alembic/repairLink), made by
// the quick fix's own rule (core/repair.ts) on the files as the server read them: a literal id is
// replaced in its quotes (and in the docstring's `Revises:`), an imported value
// (`down_revision = revs.PARENT`) by the literal id, an item of an imported tuple is refused with
// the reason.
import * as vscode from 'vscode';
import type { ServerClient } from '../lsp/client';
import { shortId } from '../projects/revisions';
import type { ProjectEntry } from '../projects/projects';

/** Points every revision whose down_revision names `ghost` at `target` (asked for when null). */
export async function repairLink(client: ServerClient, entry: ProjectEntry, ghost: string, target: string | null): Promise<boolean> {
  const children = entry.snapshot.revisions.filter((r) => r.downRevisions.includes(ghost));
  if (children.length === 0) return false;
  const childIds = new Set(children.map((c) => c.id));
  let to = target;
  if (to === null) {
    const items = entry.snapshot.revisions
      .filter((r) => !childIds.has(r.id))
      .map((r) => ({ label: r.message ?? r.id, description: shortId(r.id), id: r.id }));
    const pick = await vscode.window.showQuickPick(items, {
      placeHolder: `Point ${children.map((c) => shortId(c.id)).join(', ')} at which revision instead of the missing '${ghost}'?`,
      matchOnDescription: true,
    });
    if (!pick) return false;
    to = pick.id;
  }
  const result = await client.repairLink({ key: entry.snapshot.key, ghost, target: to });
  if (result === null) {
    void vscode.window.showWarningMessage(`Could not repair the link to '${ghost}': the Alembic language server did not answer.`);
    return false;
  }
  if (!result.ok) {
    void vscode.window.showWarningMessage(`Cannot point ${children.map((c) => shortId(c.id)).join(', ')} at '${to}': ${result.message}`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.edits) {
    edit.replace(vscode.Uri.file(e.path), new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character), e.newText);
  }
  return vscode.workspace.applyEdit(edit);
}
