// Is there an Alembic project in the workspace? (before starting the server)
import * as vscode from 'vscode';
import { Config } from '../host/config';

const EXCLUDE = '**/{node_modules,.git,.venv,venv,.tox,__pycache__,site-packages}/**';

/** Where most projects keep it (plain alembic, Flask-Migrate): checked before searching the workspace. */
const USUAL_PLACES = ['alembic.ini', 'migrations/alembic.ini'];

async function isFile(uri: vscode.Uri): Promise<boolean> {
  try {
    return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

/** alembic.ini anywhere, a pyproject.toml with [tool.alembic], or an explicit setting. */
export async function hasProject(): Promise<boolean> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.some((f) => new Config(f).definesProject)) return true;
  // A stat per usual place costs a few ms; the workspace search below took ~0.5 s of the first
  // paint on a 600-revision project (bench/first-paint.ts).
  const usual = await Promise.all(folders.flatMap((f) => USUAL_PLACES.map((p) => isFile(vscode.Uri.joinPath(f.uri, p)))));
  if (usual.some(Boolean)) return true;
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
