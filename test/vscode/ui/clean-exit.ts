// Clean exit: when the window goes away (Developer: Reload Window ends its extension host),
// deactivate() stops the language server and every alembic still running. alembic runs in its
// own process group, so without that it outlived the window (checked: this test failed before).
import { readFileSync, readdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { UiTest } from '../harness';
import { LINEAR, makeWorkspace } from '../fixtures';
import { until } from '../workbench';

/** The process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pids in process group `pgrp` whose command line contains `needle`. */
function groupProcesses(pgrp: number, needle: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgrp) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export const cleanExitTests: UiTest[] = [
  {
    title: 'reloading the window stops the language server and a running alembic (deactivate); the new window starts its own server',
    folder: 'clean-exit',
    async run(t) {
      const pg = await t.shared.postgres();
      const ws = await makeWorkspace('exit', await pg.createDatabase('exit'), LINEAR);
      t.defer(() => ws.project.remove());
      const pidFile = path.join(ws.dir, '..', `${path.basename(ws.dir)}-alembic-pid`);
      t.defer(() => fs.rm(pidFile, { force: true }));
      // An "alembic" that never ends (like a migration waiting on a lock).
      await fs.writeFile(
        path.join(ws.dir, '.vscode', 'settings.json'),
        JSON.stringify({ 'alembic.command': ['/bin/sh', '-c', `echo $$ > '${pidFile}'; exec sleep 300`, 'alembic'], 'alembic.databaseUrl': ws.url }, null, 2),
      );
      const { server, wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await until('the revisions to be listed', 45_000, async () => ((await wb.treeRows(pane)).some((r) => r.message === LINEAR[0].message) ? true : undefined));
      const servers = await until('the language server process', 20_000, () => {
        const pids = groupProcesses(server.pid, 'dist/server.js');
        return pids.length > 0 ? pids : undefined;
      });
      await wb.runCommand('Alembic: Show History');
      const alembicPid = await until('the long alembic run to start', 30_000, async () => {
        const n = Number.parseInt(await fs.readFile(pidFile, 'utf8').catch(() => ''), 10);
        return n > 0 && alive(n) ? n : undefined;
      });
      await wb.shot('alembic running');
      await wb.runCommand('Developer: Reload Window');
      await until(
        'the old language server and the running alembic to exit',
        20_000,
        () => (!alive(alembicPid) && servers.every((p) => !alive(p)) ? true : undefined),
        () => `alembic ${alembicPid} ${alive(alembicPid) ? 'alive' : 'gone'}; servers ${servers.map((p) => `${p} ${alive(p) ? 'alive' : 'gone'}`).join(', ')}`,
      );
      // The new window's extension host starts its own server: the reload really happened.
      await until('a new language server', 45_000, () => (groupProcesses(server.pid, 'dist/server.js').some((p) => !servers.includes(p)) ? true : undefined));
      await wb.shot('after restart');
    },
  },
];
