// Workspaces the vscode suite opens: real Alembic projects (test/support/alembic-project.ts)
// with `.vscode/settings.json` pointing the extension at the real alembic and the database.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALEMBIC, writeAlembicProject, type AlembicProject, type ProjectRevision } from '../support/alembic-project';

export { ALEMBIC };

/** Four revisions in a line: users → orders → invoices → payments. */
export const LINEAR: ProjectRevision[] = [
  { id: 'a1f3c2d4e5b6', down: null, message: 'create users' },
  { id: 'b2e4d6f8a0c1', down: 'a1f3c2d4e5b6', message: 'create orders' },
  { id: 'c3d5e7f9b1a2', down: 'b2e4d6f8a0c1', message: 'add invoices' },
  { id: 'd4c6e8a0b2f3', down: 'c3d5e7f9b1a2', message: 'add payments' },
];

/** accounts → profiles → (billing | audit): two heads. */
export const TWO_HEADS: ProjectRevision[] = [
  { id: 'e5a7c9e1f3b4', down: null, message: 'create accounts' },
  { id: 'f6b8d0f2a4c5', down: 'e5a7c9e1f3b4', message: 'add profiles' },
  { id: '17c9e1a3b5d6', down: 'f6b8d0f2a4c5', message: 'add billing' },
  { id: '28d0f2b4c6e7', down: 'f6b8d0f2a4c5', message: 'add audit trail' },
];
export const TWO_HEAD_IDS = ['17c9e1a3b5d6', '28d0f2b4c6e7'];

export interface Workspace {
  dir: string;
  project: AlembicProject;
  url: string;
}

/** A temp workspace folder holding an alembic project at its root and workspace settings. */
export async function makeWorkspace(name: string, url: string, revisions: ProjectRevision[]): Promise<Workspace> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `alembic-ws-${name}-`));
  const project = await writeAlembicProject({ dir, url, revisions });
  await fs.mkdir(path.join(dir, '.vscode'), { recursive: true });
  await fs.writeFile(
    path.join(dir, '.vscode', 'settings.json'),
    JSON.stringify({ 'alembic.command': [ALEMBIC], 'alembic.databaseUrl': url }, null, 2) + '\n',
  );
  return { dir, project, url };
}

/** Runs the real alembic in the project folder; rejects with its output on failure. */
export function alembic(ws: Workspace, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ALEMBIC, ['-c', ws.project.ini, ...args], { cwd: ws.dir, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`alembic ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

/** Migration files in the versions folder (names). */
export async function versionFiles(ws: Workspace): Promise<string[]> {
  return (await fs.readdir(ws.project.versionsDir)).filter((f) => f.endsWith('.py')).sort();
}
