// Sidebar states beyond the three main scenarios, each checked by its effect on the database:
// a version-table row missing from the folder (stamp --purge from its row), two current heads
// (Downgrade One Revision asks which branch and reverts only that one), an unreachable server
// (an error row that says so), a non-PostgreSQL database read through `alembic current`, and a
// workspace with two projects (the status bar names the one it describes).
import type { Page } from 'playwright-core';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAlembicProject, type ProjectRevision } from '../../support/alembic-project';
import type { UiTest } from '../harness';
import { ALEMBIC, LINEAR, TWO_HEADS, alembic, makeWorkspace } from '../fixtures';
import { until } from '../workbench';
import { expectTreeStates, rowsExpanded } from './tree-states';

// accounts ─┬ profiles (core) ─┬ merge ─┬ audit     two heads above a merge
//           └ billing ─────────┘        └ reports
const BRANCHED: ProjectRevision[] = [
  { id: 'aa00000000a1', down: null, message: 'create accounts' },
  { id: 'bb00000000b1', down: 'aa00000000a1', message: 'add profiles', branchLabels: ['core'] },
  { id: 'cc00000000c1', down: 'aa00000000a1', message: 'add billing' },
  { id: 'dd00000000d1', down: ['bb00000000b1', 'cc00000000c1'], message: 'merge profiles and billing' },
  { id: 'ee00000000e1', down: 'dd00000000d1', message: 'add audit' },
  { id: 'ff00000000f1', down: 'dd00000000d1', message: 'add reports' },
];
const msg = (id: string) => ({ id, message: BRANCHED.find((r) => r.id === id)?.message ?? '' });

async function quickPickRow(wb: { page: Page }, text: string) {
  const row = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  return row;
}

export const sidebarStateTests: UiTest[] = [
  {
    title: 'a version-table row missing from the folder is shown with a Stamp… button that fixes it with --purge',
    folder: 'sidebar-missing-row',
    timeoutMs: 240_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'missingrow';
      const ws = await makeWorkspace('missing', await pg.createDatabase(db), BRANCHED);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', 'ee00000000e1']);
      await pg.sql("INSERT INTO alembic_version VALUES ('deadbeef0001')", db);
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await until('a row for deadbeef0001 saying it is missing from the folder', 45_000, async () => {
        const row = (await rowsExpanded(wb, pane)).find((r) => r.label === 'deadbeef0001');
        return row?.description === 'in the database but missing from the folder' ? true : undefined;
      }, async () => JSON.stringify(await wb.treeRows(pane)));
      await wb.shot('missing row');
      await wb.clickInlineAction(wb.treeRow(pane, 'deadbeef0001'), 'Stamp…');
      await (await quickPickRow(wb, 'add audit')).click();
      // Unknown rows make --purge the first (default) choice.
      const first = await quickPickRow(wb, 'Stamp with --purge');
      await wb.shot('purge offered first');
      await first.click();
      const box = await wb.modal();
      const text = await box.innerText();
      // Rows in version-table order: alembic's own row first, then the one inserted after it.
      if (!text.includes('--purge deletes every row first: ee00000000e1, deadbeef0001')) throw new Error(`the stamp modal does not list the rows --purge deletes:\n${text}`);
      await wb.shot('stamp confirmation');
      await wb.clickModalButton(box, 'Stamp');
      await until('alembic_version to hold only ee00000000e1', 60_000, async () => {
        const rows = (await pg.sql('SELECT version_num FROM alembic_version', db)).map((r) => String(r.version_num));
        return rows.length === 1 && rows[0] === 'ee00000000e1' ? true : undefined;
      });
      await until('the missing row to disappear', 45_000, async () =>
        (await rowsExpanded(wb, pane)).some((r) => r.label === 'deadbeef0001') ? undefined : true);
      await expectTreeStates(wb, pane, [{ ...msg('ee00000000e1'), state: 'current' }, { ...msg('ff00000000f1'), state: 'pending' }]);
      await wb.shot('after stamp');
    },
  },
  {
    title: 'Downgrade One Revision with two current heads asks which branch and reverts only that head',
    folder: 'sidebar-downgrade-one',
    timeoutMs: 240_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'downone';
      const ws = await makeWorkspace('downone', await pg.createDatabase(db), BRANCHED);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', 'heads']);
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await expectTreeStates(wb, pane, [{ ...msg('ee00000000e1'), state: 'current' }, { ...msg('ff00000000f1'), state: 'current' }]);
      await wb.runCommand('Alembic: Downgrade One Revision');
      await (await quickPickRow(wb, 'add audit')).click();
      const box = await wb.modal();
      const text = await box.innerText();
      if (!text.includes('Reverts 1 revision') || !text.includes('ee00000000e1  add audit') || text.includes('ff00000000f1  add reports')) {
        throw new Error(`the downgrade modal should list exactly the audit revision:\n${text}`);
      }
      await wb.shot('downgrade one confirmation');
      await wb.clickModalButton(box, 'Downgrade');
      await until('alembic_version to hold only ff00000000f1', 60_000, async () => {
        const rows = (await pg.sql('SELECT version_num FROM alembic_version', db)).map((r) => String(r.version_num));
        return rows.length === 1 && rows[0] === 'ff00000000f1' ? true : undefined;
      });
      const audit = await pg.sql("SELECT to_regclass('public.t_ee00000000e1') IS NOT NULL AS present", db);
      if (audit[0]?.present === true) throw new Error('downgrade() of add audit did not run');
      await expectTreeStates(wb, pane, [
        { ...msg('ee00000000e1'), state: 'pending' },
        { ...msg('ff00000000f1'), state: 'current' },
        { ...msg('dd00000000d1'), state: 'applied' },
      ]);
      await wb.shot('after downgrade one');
    },
  },
  {
    title: 'an unreachable database server shows as an error row and in the status bar, the revisions still listed',
    folder: 'sidebar-unreachable',
    timeoutMs: 180_000,
    async run(t) {
      const ws = await makeWorkspace('unreachable', 'postgresql://app:secret@127.0.0.1:1/app', BRANCHED);
      t.defer(() => ws.project.remove());
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await until('an error row saying the server is unreachable, and all six revisions', 60_000, async () => {
        const rows = await rowsExpanded(wb, pane);
        const ok = rows.some((r) => r.label === 'Database server unreachable') && BRANCHED.every((b) => rows.some((r) => r.message === b.message));
        return ok ? true : undefined;
      }, async () => JSON.stringify(await wb.treeRows(pane)));
      const status = wb.page.locator('.statusbar-item', { hasText: 'database server unreachable' }).first();
      await status.waitFor({ state: 'visible', timeout: 15_000 });
      if ((await wb.page.locator('body').innerText()).includes('secret')) throw new Error('the password appears in the workbench');
      await wb.shot('unreachable');
    },
  },
  {
    title: 'with two projects the status bar names the project it describes, and Select Project… switches it',
    folder: 'sidebar-two-projects',
    timeoutMs: 180_000,
    async run(t) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-ws-two-'));
      t.defer(() => fs.rm(dir, { recursive: true, force: true }));
      const url = 'postgresql://app:secret@127.0.0.1:1/app';
      await writeAlembicProject({ dir: path.join(dir, 'billing'), url, revisions: LINEAR });
      await writeAlembicProject({ dir: path.join(dir, 'ledger'), url, revisions: TWO_HEADS });
      await fs.mkdir(path.join(dir, '.vscode'));
      await fs.writeFile(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'alembic.command': [ALEMBIC] }, null, 2) + '\n');
      const { wb } = await t.openWorkbench(dir);
      const item = (project: string) => wb.page.locator('.statusbar-item', { hasText: `${project}: database server unreachable` }).first();
      await item('billing').waitFor({ state: 'visible', timeout: 60_000 });
      await wb.shot('two projects, billing');
      await wb.runCommand('Alembic: Select Project…');
      await (await quickPickRow(wb, 'ledger')).click();
      await item('ledger').waitFor({ state: 'visible', timeout: 30_000 });
      if ((await item('billing').count()) > 0) throw new Error('the status bar still describes billing after selecting ledger');
      await wb.shot('two projects, ledger');
    },
  },
  {
    title: 'a sqlite database is read through alembic current and upgraded from the tree',
    folder: 'sidebar-sqlite',
    timeoutMs: 240_000,
    async run(t) {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-sqlite-db-'));
      t.defer(() => fs.rm(dir, { recursive: true, force: true }));
      const ws = await makeWorkspace('sqlite', `sqlite:///${path.join(dir, 'app.db')}`, BRANCHED);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', 'cc00000000c1']);
      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      // A background `alembic current` runs the project's env.py: only after the user allows the
      // program in this folder, once per workspace; the question names both.
      const asked = await wb.clickNotificationButton('in the background', 'Allow');
      if (!asked.includes(`${ALEMBIC} current`) || !asked.includes(ws.dir)) throw new Error(`the question does not name the program and folder:\n${asked}`);
      await expectTreeStates(wb, pane, [
        { ...msg('aa00000000a1'), state: 'applied' },
        { ...msg('cc00000000c1'), state: 'current' },
        { ...msg('bb00000000b1'), state: 'pending' },
      ]);
      await wb.clickInlineAction(wb.treeRow(pane, 'add reports'), 'Upgrade to Here');
      const box = await wb.modal();
      const text = await box.innerText();
      for (const id of ['bb00000000b1', 'dd00000000d1', 'ff00000000f1']) if (!text.includes(id)) throw new Error(`upgrade modal misses ${id}:\n${text}`);
      if (text.includes('ee00000000e1') || text.includes('aa00000000a1')) throw new Error(`upgrade modal lists a revision that will not run:\n${text}`);
      await wb.clickModalButton(box, 'Upgrade');
      await expectTreeStates(wb, pane, [
        { ...msg('ff00000000f1'), state: 'current' },
        { ...msg('ee00000000e1'), state: 'pending' },
        { ...msg('dd00000000d1'), state: 'applied' },
      ], 90_000);
      const current = await alembic(ws, ['current']);
      if (!/^ff00000000f1\b/m.test(current)) throw new Error(`alembic current says:\n${current}`);
      await wb.shot('sqlite after upgrade');
    },
  },
];
