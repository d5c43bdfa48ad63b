// When the database state is read again: the moments it can have changed. On open and Refresh
// (extension.ts, commands), after an alembic run of ours (commands), and here: when the window
// regains focus (db/focus.ts), when a terminal command that ran alembic ends (shell
// integration), on the poll, on a settings change, and while the view is visible after a failed
// read (backoff: a database that comes back is noticed without a click). Never because a file was edited: graph changes
// only recompute the states from the rows last read (ProjectStore.refreshGraphs).
import * as vscode from 'vscode';
import { DATABASE_KEYS, Keys, Config, affects } from '../host/config';
import type { AlembicRuns } from '../alembic/runs';
import type { ProjectStore } from '../projects/projects';
import { DatabaseRetry } from './retry';
import { Poller } from './poller';
import { FocusGate } from './focus';

/** True when a shell command line ran alembic (directly, via python -m, poetry/uv run, make…). */
export function ranAlembic(commandLine: string): boolean {
  return /\balembic\b/i.test(commandLine);
}

/** Wires every trigger that re-reads the database; returns what to dispose. */
export function registerRefreshTriggers(store: ProjectStore, view: vscode.TreeView<unknown>, runs: AlembicRuns): vscode.Disposable[] {
  const poller = new Poller(() => store.refreshDatabase());
  poller.set(new Config().pollIntervalSeconds);
  const retry = new DatabaseRetry(store, () => view.visible);
  const focus = new FocusGate(vscode.window.state.focused);
  return [
    poller,
    retry,
    store.onDidChange(() => retry.check()),
    view.onDidChangeVisibility(() => retry.check()),
    vscode.window.onDidChangeWindowState((state) => {
      if (focus.shouldRead(state)) void store.refreshDatabase();
    }),
    vscode.window.onDidEndTerminalShellExecution((e) => {
      if (ranAlembic(e.execution.commandLine.value)) void store.refreshDatabase();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, DATABASE_KEYS)) {
        runs.forgetCommands();
        void store.refreshDatabase();
      }
      if (affects(e, [Keys.pollIntervalSeconds])) poller.set(new Config().pollIntervalSeconds);
    }),
  ];
}
