// When the sidebar reads the database (issue 12, point 1). Editing migration files changes the
// graph on every pause, and must not read the database: 50 edits in a PostgreSQL project's file and
// 50 in a SQLite project's file open no session on the server (pg_stat_database.sessions) and run
// no alembic (a command wrapper counts runs), while the tree does show the edited messages. And an
// `alembic stamp` typed in the integrated terminal shows in the tree without a click (shell
// integration's end-of-command event), with polling off. The window regaining focus reads the
// database again, and a PostgreSQL that stops and comes back shows as unreachable, then with its
// states again, with no click (the retry with a doubling delay while the view is visible).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startPostgres } from '../../support/postgres';
import { writeAlembicProject, type AlembicProject, type ProjectRevision } from '../../support/alembic-project';
import type { UiTest } from '../harness';
import { ALEMBIC, LINEAR, makeWorkspace, alembic } from '../fixtures';
import { until } from '../workbench';
import { expectTreeStates, rowsExpanded } from './tree-states';

const LITE: ProjectRevision[] = [
  { id: '0a1b2c3d4e5f', down: null, message: 'lite accounts' },
  { id: '1b2c3d4e5f60', down: '0a1b2c3d4e5f', message: 'lite sessions' },
];
const EDITS = 50;
/** Longer than the extension's 300 ms pause detection: every edit is a graph change of its own. */
const PAUSE_MS = 450;

function run(project: AlembicProject, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(ALEMBIC, ['-c', project.ini, ...args], { cwd: project.dir, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`alembic ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** Types `count` characters at the end of the open editor's first line, pausing after each. */
async function typeSlowly(page: Page, count: number): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  for (let i = 0; i < count; i++) {
    await page.keyboard.type('x');
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}

/**
 * The browser window loses focus, then gets it back, as the workbench sees it (document.hasFocus()
 * and the window's blur/focus events): VS Code tells the extension host the window state changed.
 */
async function blurAndFocus(page: Page): Promise<void> {
  // A headless page may never have OS focus: hasFocus() says what the test wants it to say.
  // Focused first (the workbench's focus tracker may not think so yet), then blurred, then focused.
  await page.evaluate(async () => {
    const set = (focused: boolean): Promise<void> => {
      document.hasFocus = () => focused;
      window.dispatchEvent(new FocusEvent(focused ? 'focus' : 'blur'));
      return new Promise<void>((resolve) => setTimeout(resolve, 500));
    };
    await set(true);
    await set(false);
    await set(true);
  });
}

async function lines(file: string): Promise<number> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

export const refreshPolicyTests: UiTest[] = [
  {
    title: `${EDITS} edits in a PostgreSQL and in a SQLite project's migration open no database session and run no alembic, and the tree shows the edits`,
    folder: 'refresh-edits',
    timeoutMs: 300_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'edits';
      const url = await pg.createDatabase(db);
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-ws-edits-'));
      t.defer(() => fs.rm(dir, { recursive: true, force: true }));
      const pgProject = await writeAlembicProject({ dir: path.join(dir, 'pg'), url, revisions: LINEAR });
      const lite = await writeAlembicProject({ dir: path.join(dir, 'lite'), url: `sqlite:///${path.join(dir, 'lite.db')}`, revisions: LITE });
      await run(pgProject, ['upgrade', LINEAR[1].id]);
      await run(lite, ['upgrade', LITE[0].id]);
      // Every alembic the extension runs appends a line here.
      const runsLog = path.join(dir, 'alembic-runs.log');
      await fs.mkdir(path.join(dir, '.vscode'));
      await fs.writeFile(
        path.join(dir, '.vscode', 'settings.json'),
        JSON.stringify({ 'alembic.command': ['/bin/sh', '-c', `echo "$*" >> '${runsLog}' && exec '${ALEMBIC}' "$@"`, 'alembic'] }, null, 2),
      );
      const sessions = async (): Promise<number> => {
        const rows = await pg.sql(`SELECT sessions FROM pg_stat_database WHERE datname = '${db}'`, 'postgres');
        return Number(rows[0]?.sessions ?? -1);
      };

      const { wb } = await t.openWorkbench(dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      // The SQLite state comes from a background `alembic current`: allowed once for this workspace.
      await wb.clickNotificationButton('in the background', 'Allow');
      await expectTreeStates(wb, pane, [
        { id: LINEAR[1].id, message: LINEAR[1].message ?? '', state: 'current' },
        { id: LINEAR[2].id, message: LINEAR[2].message ?? '', state: 'pending' },
        { id: LITE[0].id, message: LITE[0].message ?? '', state: 'current' },
        { id: LITE[1].id, message: LITE[1].message ?? '', state: 'pending' },
      ], 90_000);
      // Let the start-up reads finish before counting.
      await new Promise((r) => setTimeout(r, 3000));
      const sessionsBefore = await sessions();
      const runsBefore = await lines(runsLog);
      if (runsBefore === 0) throw new Error('the SQLite state was read without running alembic: the run counter does not count');
      await wb.shot('before the edits');

      for (const [project, rev] of [[pgProject, LINEAR[2]], [lite, LITE[1]]] as const) {
        const file = path.basename(project.files.get(rev.id) ?? '');
        await wb.openFile(file);
        await typeSlowly(wb.page, EDITS);
        const edited = `${rev.message ?? ''}${'x'.repeat(EDITS)}`;
        await until(`the tree to show the edited message "${edited}"`, 30_000, async () => {
          const rows = await rowsExpanded(wb, pane);
          return rows.some((r) => r.message === edited) ? true : undefined;
        }, async () => JSON.stringify((await wb.treeRows(pane)).map((r) => r.label)));
      }
      await wb.shot('after the edits');
      await new Promise((r) => setTimeout(r, 2000));
      const newSessions = (await sessions()) - sessionsBefore;
      const newRuns = (await lines(runsLog)) - runsBefore;
      if (newSessions !== 0 || newRuns !== 0) {
        throw new Error(`${EDITS * 2} edits opened ${newSessions} PostgreSQL session(s) and ran alembic ${newRuns} time(s); expected 0 and 0`);
      }
      // The states stay: recomputed from the rows read before the edits.
      await expectTreeStates(wb, pane, [
        { id: LINEAR[1].id, message: LINEAR[1].message ?? '', state: 'current' },
        { id: LITE[0].id, message: LITE[0].message ?? '', state: 'current' },
      ]);
    },
  },
  {
    title: 'an alembic stamp typed in the integrated terminal shows in the tree (polling off)',
    folder: 'refresh-terminal',
    timeoutMs: 240_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const ws = await makeWorkspace('terminal', await pg.createDatabase('terminal'), LINEAR);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', LINEAR[1].id]);
      const { wb } = await t.openWorkbench(ws.dir, {
        userSettings: { 'terminal.integrated.defaultProfile.linux': 'bash', 'alembic.pollIntervalSeconds': 0 },
      });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await expectTreeStates(wb, pane, [{ id: LINEAR[1].id, message: LINEAR[1].message ?? '', state: 'current' }], 90_000);

      await wb.runCommand('Terminal: Create New Terminal');
      const terminal = wb.page.locator('.terminal-wrapper .xterm').first();
      await terminal.waitFor({ state: 'visible', timeout: 30_000 });
      // Shell integration reports commands once the prompt is up.
      await new Promise((r) => setTimeout(r, 3000));
      await terminal.click();
      await wb.page.keyboard.type(`${ALEMBIC} -c '${ws.project.ini}' stamp ${LINEAR[3].id}`);
      await wb.page.keyboard.press('Enter');
      await until('alembic stamp to write the version table', 60_000, async () => {
        const rows = await pg.sql('SELECT version_num FROM alembic_version', 'terminal');
        return rows.some((r) => r.version_num === LINEAR[3].id) ? true : undefined;
      });
      await expectTreeStates(wb, pane, [
        { id: LINEAR[2].id, message: LINEAR[2].message ?? '', state: 'applied' },
        { id: LINEAR[3].id, message: LINEAR[3].message ?? '', state: 'current' },
      ], 30_000);
      await wb.shot('stamped from the terminal');
    },
  },
  {
    title: 'the project row\'s tooltip says when the state was read; focus regained reads the database; a PostgreSQL that stops and restarts goes unreachable, then back to its states without a click (polling off)',
    folder: 'refresh-restart',
    timeoutMs: 240_000,
    async run(t) {
      // A server of its own: this test stops it.
      const pg = await startPostgres({ database: 'restart' });
      t.defer(() => pg.stop());
      const ws = await makeWorkspace('restart', pg.url, LINEAR);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', LINEAR[1].id]);
      const { wb } = await t.openWorkbench(ws.dir, { userSettings: { 'alembic.pollIntervalSeconds': 0 } });
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await expectTreeStates(wb, pane, [{ id: LINEAR[1].id, message: LINEAR[1].message ?? '', state: 'current' }], 90_000);
      // The project row's tooltip says when the state was read, and from where.
      const projectRow = pane.locator('.monaco-list-row[aria-level="1"]').first();
      const hover = wb.page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'State read' }).first();
      await until('the project row\'s tooltip to say when and from where the state was read', 20_000, async () => {
        await projectRow.hover();
        await hover.waitFor({ state: 'visible', timeout: 3000 });
        const text = await hover.innerText();
        return new RegExp(`State read \\d\\d:\\d\\d:\\d\\d from ${pg.user}@${pg.host}:${pg.port}/restart`).test(text) ? true : undefined;
      });
      await wb.shot('project row tooltip');
      await wb.page.mouse.move(0, 0);
      // Let the start-up reads finish, and the focus read's 3 s gap pass.
      await new Promise((r) => setTimeout(r, 4000));

      // Changed behind the extension's back, then focus leaves and comes back: read again.
      await alembic(ws, ['stamp', LINEAR[2].id]);
      await blurAndFocus(wb.page);
      await expectTreeStates(wb, pane, [{ id: LINEAR[2].id, message: LINEAR[2].message ?? '', state: 'current' }], 20_000);
      await wb.shot('focus regained: the stamp shows');
      await new Promise((r) => setTimeout(r, 4000));

      await pg.pause();
      await blurAndFocus(wb.page);
      const rowsText = async (): Promise<string> => JSON.stringify((await rowsExpanded(wb, pane)).map((r) => r.label));
      await until('an error row saying the server is unreachable', 30_000, async () => {
        const rows = await rowsExpanded(wb, pane);
        return rows.some((r) => r.label === 'Database server unreachable') ? true : undefined;
      }, rowsText);
      await wb.shot('server stopped');
      // Down long enough for a few retries to fail (2 s, 4 s, 8 s apart).
      await new Promise((r) => setTimeout(r, 8000));
      await pg.resume();
      // No click, no focus change, no poll: the retry notices.
      await until('the error row to go and the states to come back', 60_000, async () => {
        const rows = await rowsExpanded(wb, pane);
        return rows.some((r) => r.label === 'Database server unreachable') ? undefined : true;
      }, rowsText);
      await expectTreeStates(wb, pane, [
        { id: LINEAR[1].id, message: LINEAR[1].message ?? '', state: 'applied' },
        { id: LINEAR[2].id, message: LINEAR[2].message ?? '', state: 'current' },
      ], 15_000);
      await wb.shot('server back');
    },
  },
];
