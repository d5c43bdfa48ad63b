// Is there an Alembic project in the workspace? (before starting the server)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Config } from '../host/config';

const EXCLUDE = '**/{node_modules,.git,.venv,venv,.tox,__pycache__,site-packages}/**';

/** Where most projects keep it (plain alembic, Flask-Migrate): checked before searching the workspace. */
const USUAL_PLACES = ['alembic.ini', 'migrations/alembic.ini'];

/** A synchronous stat: no await, so the check does not queue behind other extensions' start-up. */
function isFile(folder: vscode.Uri, relative: string): boolean {
  if (folder.scheme !== 'file') return false;
  try {
    return fs.statSync(path.join(folder.fsPath, relative)).isFile();
  } catch {
    return false;
  }
}

/** alembic.ini anywhere, a pyproject.toml with [tool.alembic], or an explicit setting. */
export async function hasProject(): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.some((f) => new Config(f).definesProject)) return true;
  // Two stats cost microseconds; the workspace search below, or awaiting a stat while other
  // extensions start, took 0.3–1.2 s of the first paint (bench/first-paint.ts).
  if (folders.some((f) => USUAL_PLACES.some((p) => isFile(f.uri, p)))) return true;
  if ((await vscode.workspace.findFiles('**/alembic.ini', EXCLUDE, 1)).length > 0) return true;
  for (const uri of await vscode.workspace.findFiles('**/pyproject.toml', EXCLUDE, 50)) {
    try {
      const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
      if (/^[ \t]*\[[ \t]*tool[ \t]*\.[ \t]*alembic[ \t]*[\].]/m.test(text)) return true;
    } catch {
      // unreadable: not a project we can use
    }
  }
  return false;
}
