// Status bar item: `$(database) <current> · <n> pending`; click focuses the Revisions view.
import * as vscode from 'vscode';
import { reasonText, RESTRICTED_NOTE } from '../db/dbread';
import { shortId, stateCounts } from '../projects/revisions';
import type { ProjectStore } from '../projects/projects';
import type { ProjectSnapshot } from '../../protocol/protocol';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ProjectStore) {
    this.item = vscode.window.createStatusBarItem('alembic.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Alembic';
    this.item.command = 'alembic.revisions.focus';
    this.sub = store.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const entry = this.store.selected();
    if (!entry) {
      this.item.hide();
      return;
    }
    const name = entry.snapshot.name;
    // With several projects the item says which one it describes (the folder alembic runs in).
    const several = this.store.all().length > 1;
    const prefix = several ? `${shortProjectName(entry.snapshot)}: ` : '';
    let text: string;
    let tooltip: string;
    this.item.backgroundColor = undefined;
    switch (entry.db.kind) {
      case 'ok': {
        const current = entry.states?.rows.map(shortId).join(', ') || 'base';
        // The same counts as the project row (core's states via the server).
        const c = stateCounts(entry.states);
        const missing = entry.states?.missing.length ?? 0;
        text = `$(database) ${prefix}${current} · ${c.pending} pending`;
        tooltip = `${name}: ${entry.db.display} at ${current}, ${c.pending} pending`;
        if (c.unknown > 0) {
          text += ` · ${c.unknown} unknown`;
          tooltip += `; ${c.unknown} whose state is unknown`;
        }
        if (c.broken > 0) {
          text += ` · ${c.broken} broken`;
          tooltip += `; ${c.broken} with a broken link`;
        }
        if (missing > 0) {
          text += ` · ${missing} missing`;
          tooltip += `; ${missing} revision(s) in the database are missing from the folder`;
          this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        }
        break;
      }
      case 'not-initialised':
        text = `$(database) ${prefix}not initialised`;
        tooltip = `${name}: ${entry.db.display} has no version table yet`;
        break;
      case 'error':
        text = `$(database) ${prefix}${reasonText(entry.db.reason).toLowerCase()}`;
        tooltip = `${name}: ${entry.db.message}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'invalid-url':
        text = `$(database) ${prefix}invalid URL`;
        tooltip = `${name}: ${entry.db.message}`;
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'restricted':
        text = `$(shield) ${prefix}${entry.snapshot.heads.map(shortId).join(', ') || 'no revisions'}`;
        tooltip = `${name}: ${RESTRICTED_NOTE}`;
        break;
      case 'no-url':
        text = `$(database) ${prefix}${entry.snapshot.heads.map(shortId).join(', ') || 'no revisions'}`;
        tooltip = `${name}: no database URL configured`;
        break;
    }
    this.item.text = text;
    this.item.tooltip = `${tooltip}\nClick to show the Alembic revisions${several ? '; Alembic: Select Project… switches project' : ''}`;
    this.item.show();
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}

/** The folder alembic runs in, and the ini section when it is not the default one. */
function shortProjectName(s: ProjectSnapshot): string {
  const folder = s.cwd.split(/[\\/]/).filter(Boolean).pop() ?? s.cwd;
  return s.section === 'alembic' ? folder : `${folder} [${s.section}]`;
}
