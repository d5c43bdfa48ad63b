// Repairing a broken down_revision from the graph: the ghost (missing parent) dropped on a
// revision, or a revision picked. The same edit as the language server's quick fix
// (core/repair.ts): every mention of the missing id in down_revision and `Revises:` is replaced.
import * as vscode from 'vscode';
import { readMigration } from '../../core/migration';
import { missingRefRanges } from '../../core/repair';
import { shortId } from '../projects/revisions';
import type { ProjectEntry } from '../projects/projects';

/** Points every revision whose down_revision names `ghost` at `target` (asked for when null). */
export async function repairLink(entry: ProjectEntry, ghost: string, target: string | null): Promise<boolean> {
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
  if (!entry.graph.has(to) || childIds.has(to)) {
    void vscode.window.showWarningMessage(`'${to}' cannot replace '${ghost}' here.`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const child of children) {
    const uri = vscode.Uri.file(child.path);
    const doc = await vscode.workspace.openTextDocument(uri);
    for (const r of missingRefRanges(readMigration(doc.getText(), child.path), ghost, 'down_revision')) {
      edit.replace(uri, new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), to);
    }
  }
  return vscode.workspace.applyEdit(edit);
}
