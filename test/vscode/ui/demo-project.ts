// The `npm run demo` project (scripts/demo.ts) in the real workbench: a database with one applied
// head on the main line's audit branch and one on the labelled "analytics" branch shows both as
// current, their ancestors as applied, the billing branch, the merge and what follows as pending;
// the two heads kept apart by the label are reported as labelled heads, not as multiple heads.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REVISIONS, runAlembic, UPGRADE_TARGETS, writeDemoProject } from '../../../scripts/demo';
import type { UiTest } from '../harness';
import { ALEMBIC } from '../fixtures';
import { until } from '../workbench';
import { expectTreeStates, type RevState } from './tree-states';

const APPLIED = ['3f1a9c2e7b10', '5c2b8d4f1a21', '7e4d0a6b3c32', '9a6f2c8d5e43', 'c27f5b1e8d76'];

export const demoProjectTests: UiTest[] = [
  {
    title: 'two applied heads (a branch and a labelled branch) show as current, the merge and the rest as pending',
    folder: 'demo-project',
    async run(t) {
      const pg = await t.shared.postgres();
      const url = await pg.createDatabase('demo');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-ws-demo-'));
      t.defer(async () => fs.rmSync(dir, { recursive: true, force: true }));
      writeDemoProject(dir, url, ALEMBIC);
      for (const target of UPGRADE_TARGETS) await runAlembic(ALEMBIC, dir, ['upgrade', target]);
      const rows = (await pg.sql('SELECT version_num FROM alembic_version ORDER BY 1', 'demo')).map((r) => String(r.version_num));
      if (JSON.stringify(rows) !== JSON.stringify([...UPGRADE_TARGETS].sort())) throw new Error(`alembic_version after the demo upgrade: ${JSON.stringify(rows)}`);

      const sessions = async (): Promise<number> => Number((await pg.sql("SELECT sessions FROM pg_stat_database WHERE datname = 'demo'", 'postgres'))[0]?.sessions ?? -1);
      const sessionsBefore = await sessions();
      const { wb } = await t.openWorkbench(dir, { userSettings: { 'alembic.databaseUrl': url } });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      const state = (id: string): RevState => (UPGRADE_TARGETS.includes(id) ? 'current' : APPLIED.includes(id) ? 'applied' : 'pending');
      await expectTreeStates(wb, pane, REVISIONS.map((r) => ({ id: r.id, message: r.message, state: state(r.id) })));
      await wb.readmeShot('demo sidebar');
      // Opening the window read the database once (the language server's first start and the
      // first load used to read it twice).
      await new Promise((r) => setTimeout(r, 3000));
      const opened = (await sessions()) - sessionsBefore;
      if (opened !== 1) throw new Error(`opening the window opened ${opened} PostgreSQL session(s); expected 1`);

      // The two heads kept apart by the "analytics" label are reported as such (information), on
      // both head files, and never as the multiple-heads problem.
      const panel = await wb.openProblems();
      const headFiles = ['0a7d3f6b2ca9_archive_projects.py', '6f3d9e2b8fdc_create_daily_event_rollup.py'];
      const problems = await until(
        'the labelled-heads information on both head files',
        45_000,
        async () => {
          const rows = await wb.problemRows(panel);
          return rows.filter((r) => /labelled-heads/.test(r)).length >= 2 && headFiles.every((f) => rows.some((r) => r.includes(f))) ? rows : undefined;
        },
        async () => JSON.stringify(await wb.problemRows(panel)),
      );
      const heads = problems.filter((p) => /multiple-heads/i.test(p));
      if (heads.length > 0) throw new Error(`a labelled branch's head is reported as a second head: ${JSON.stringify(heads)}`);
      await wb.shot('problems');
    },
  },
];
