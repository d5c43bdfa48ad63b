// Go to Revision…'s rows, pure (no `vscode` at run time): message as label; id, state and labels
// as description; file name (and project, when there are several) as detail.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { RevisionInfo } from '../../protocol/protocol';
import type { ProjectEntry } from '../projects/projects';

export interface RevisionItem extends vscode.QuickPickItem {
  key: string;
  revision: RevisionInfo;
}

/** The quick pick's rows: message as label; id, state and labels as description; file name as detail. */
export function revisionItems(entries: readonly ProjectEntry[]): RevisionItem[] {
  const many = entries.length > 1;
  const items: RevisionItem[] = [];
  for (const entry of entries) {
    for (const r of entry.snapshot.revisions) {
      const state = entry.states?.states.get(r.id);
      const labels = r.branchLabels.length > 0 ? `(${r.branchLabels.join(', ')})` : null;
      items.push({
        label: r.message ?? r.id,
        description: [r.id, state, labels].filter((x): x is string => !!x).join(' · '),
        detail: `${path.basename(r.path)}${many ? ` — ${entry.snapshot.name}` : ''}`,
        key: entry.snapshot.key,
        revision: r,
      });
    }
  }
  return items;
}
