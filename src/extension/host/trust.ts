// Workspace Trust. In Restricted Mode (a folder the user has not trusted) the extension reads
// files only: the tree and the diagnostics work, but nothing runs alembic (that runs the
// repository's env.py) and nothing connects to a database the repository names. The manifest
// declares `untrustedWorkspaces: limited` and lists the settings a repository could use to pick
// a command, URL, environment variable or config file (VS Code ignores their workspace values
// until the folder is trusted). Granting trust starts the rest without a reload (extension.ts).
import * as vscode from 'vscode';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}


/** Says why `what` did not run and offers Manage Workspace Trust. */
export function explainRestricted(what: string): void {
  void vscode.window
    .showWarningMessage(
      `${what} is off in Restricted Mode: it would run alembic (the project's env.py) or connect to the database the project names. Trust this folder to use it.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
}
