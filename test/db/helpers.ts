// Shared by the db suite: run the real alembic directly (independent of our runner), and read a
// project's migration files into the core graph.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RevisionGraph } from '../../src/core/graph';
import { readMigrationFiles } from '../../src/io/scan';
import { ALEMBIC, type AlembicProject } from '../support/alembic-project';

export interface Completed {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `/usr/bin/alembic <args>` in the project folder and waits for it. */
export function alembic(project: { dir: string }, ...args: string[]): Promise<Completed> {
  return new Promise((resolve) => {
    execFile(ALEMBIC, args, { cwd: project.dir, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like alembic() but throws with the output when the command fails. */
export async function alembicOk(project: { dir: string }, ...args: string[]): Promise<Completed> {
  const r = await alembic(project, ...args);
  if (r.code !== 0) throw new Error(`alembic ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The core graph of the project's versions folder. */
export async function graphOf(project: AlembicProject): Promise<RevisionGraph> {
  const names = (await fs.readdir(project.versionsDir)).filter((n) => n.endsWith('.py')).sort();
  const files = await readMigrationFiles(names.map((n) => path.join(project.versionsDir, n)));
  return RevisionGraph.build(files);
}

/** A Map as a plain sorted object, for deepEqual. */
export function sortedRecord<V>(m: ReadonlyMap<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k) as V;
  return out;
}
