// The migration safety lint where decisions are made, in a real VS Code (issue 15, points 9 and
// 10), in one session: the tree marks the pending revision that has findings and not the applied
// one that has some too; hovering `def upgrade` lists its operations with their findings; the SQL
// inside op.execute("…") is tokenized as SQL by the injection grammar (its keyword has its own
// token, coloured unlike a plain string, and Developer: Inspect Editor Tokens and Scopes names
// the SQL scopes); the upgrade confirmation lists the findings of the revisions it applies; after
// the upgrade the revision is no longer pending and loses its mark.
import type { Locator } from 'playwright-core';
import type { UiTest } from '../harness';
import { alembic, makeWorkspace, versionFiles } from '../fixtures';
import { until, type Workbench } from '../workbench';
import { rowsExpanded } from './tree-states';

const ACCOUNTS = { id: 'a7b1c2d3e4f5', message: 'create accounts' };
const FLAG = { id: 'b8c2d3e4f5a6', message: 'add flag' };
const EMAILS = { id: 'c9d3e4f5a6b7', message: 'backfill and index emails' };

const REVISIONS = [
  { id: ACCOUNTS.id, down: null, message: ACCOUNTS.message,
    upgrade: ["op.create_table('accounts', sa.Column('id', sa.Integer, primary_key=True), sa.Column('email', sa.Text))"],
    downgrade: ["op.drop_table('accounts')"] },
  // Applied: its finding (missing-lock-timeout) is history, not shown.
  { id: FLAG.id, down: ACCOUNTS.id, message: FLAG.message,
    upgrade: ["op.add_column('accounts', sa.Column('flag', sa.Boolean))"],
    downgrade: ["op.drop_column('accounts', 'flag')"] },
  // Pending: two warnings.
  { id: EMAILS.id, down: FLAG.id, message: EMAILS.message,
    upgrade: ['op.execute("UPDATE accounts SET email = lower(email)")', "op.create_index('ix_accounts_email', 'accounts', ['email'])"],
    downgrade: ["op.drop_index('ix_accounts_email', table_name='accounts')"] },
];

async function rowDescription(wb: Workbench, pane: Locator, message: string): Promise<string | undefined> {
  return (await rowsExpanded(wb, pane)).find((r) => r.message === message)?.description;
}

/** The editor's line holding `text` (a `.view-line`). */
function editorLine(wb: Workbench, text: string): Locator {
  return wb.page.locator('.monaco-editor .view-lines .view-line', { hasText: text }).first();
}

export const lintTests: UiTest[] = [
  {
    title: 'lint findings in the tree, the hover, the SQL highlighting and the upgrade confirmation',
    folder: 'lint',
    timeoutMs: 300_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'lintui';
      const ws = await makeWorkspace('lint', await pg.createDatabase(db), REVISIONS);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', FLAG.id]);

      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');

      // 1. The tree: the pending revision carries "⚠ 2 lint findings"; the applied one nothing.
      await until('the pending revision to be marked with its 2 lint findings', 60_000, async () => {
        const d = await rowDescription(wb, pane, EMAILS.message);
        return d !== undefined && /\bpending\b/.test(d) && d.includes('⚠ 2 lint findings') ? true : undefined;
      }, async () => JSON.stringify((await wb.treeRows(pane)).map((r) => `${r.label} | ${r.description}`)));
      const applied = await rowDescription(wb, pane, FLAG.message);
      if (applied === undefined || !/\bcurrent\b/.test(applied) || applied.includes('⚠')) throw new Error(`the applied revision is marked: "${applied ?? '(no row)'}"`);
      await wb.shot('tree marks the pending revision');

      // 2. The hover on `def upgrade` of the pending revision lists its operations with their findings.
      const file = (await versionFiles(ws)).find((f) => f.startsWith(EMAILS.id));
      if (!file) throw new Error('the pending revision file is missing');
      await wb.openFile(file);
      const defLine = editorLine(wb, 'def upgrade');
      await defLine.waitFor({ state: 'visible', timeout: 20_000 });
      const hover = wb.page.locator('.monaco-hover:visible', { hasText: 'upgrade()' }).first();
      const hoverText = await until('the hover on def upgrade to list the operations', 45_000, async () => {
        const word = defLine.locator('span > span', { hasText: /^upgrade$/ }).first();
        await wb.page.mouse.move(0, 0);
        await word.hover();
        await hover.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
        const text = (await hover.textContent().catch(() => null)) ?? '';
        return text.includes('upgrade() — 2 operations') ? text : undefined;
      }, async () => (await wb.page.locator('.monaco-hover').allTextContents().catch(() => [])).join(' | '));
      for (const want of [
        'data change: UPDATE accounts (every row)',
        'update-or-delete-without-where (warning)',
        'create index ix_accounts_email on accounts',
        'create-index-non-concurrently (warning)',
        'CREATE INDEX on existing table "accounts" takes a SHARE lock',
      ]) {
        if (!hoverText.includes(want)) throw new Error(`the hover lacks "${want}": ${hoverText}`);
      }
      await wb.shot('hover lists operations and findings');
      await wb.page.mouse.move(0, 0);
      await wb.escape();

      // 3. The SQL inside op.execute("…") is tokenized as SQL: UPDATE is a token of its own, coloured
      //    unlike a plain Python string, and the inspector names the SQL scopes.
      const executeLine = editorLine(wb, 'op.execute(');
      const keyword = executeLine.locator('span > span', { hasText: /^UPDATE$/ }).first();
      await keyword.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => undefined);
      if ((await keyword.count()) === 0) {
        throw new Error(`UPDATE is not a token of its own (the SQL is not highlighted): ${JSON.stringify(await executeLine.locator('span > span').allTextContents())}`);
      }
      const plainString = editorLine(wb, 'op.create_index(').locator('span > span', { hasText: /^'?accounts'?$/ }).first();
      const colour = (l: Locator): Promise<string> => l.evaluate((e) => getComputedStyle(e).color);
      const [keywordColour, stringColour] = [await colour(keyword), await colour(plainString)];
      if (keywordColour === stringColour) throw new Error(`UPDATE has the colour of a plain string (${keywordColour})`);
      await keyword.click();
      await wb.runCommand('Developer: Inspect Editor Tokens and Scopes');
      const inspector = wb.page.locator('.token-inspect-widget').first();
      await inspector.waitFor({ state: 'visible', timeout: 15_000 });
      const scopes = (await inspector.textContent()) ?? '';
      if (!scopes.includes('keyword.other.DML.sql') || !scopes.includes('meta.embedded.line.sql')) {
        throw new Error(`the token inspector does not show the SQL scopes on UPDATE: ${scopes}`);
      }
      await wb.shot('sql in op.execute is highlighted');
      await wb.escape();

      // 4. Upgrade to the pending revision: the confirmation lists its findings.
      await wb.clickInlineAction(wb.treeRow(pane, EMAILS.message), 'Upgrade to Here');
      const modal = await wb.modal();
      const modalText = (await modal.textContent()) ?? '';
      for (const want of [
        'Migration safety lint, 2 findings:',
        `⚠ ${EMAILS.id.slice(0, 6)}`,
        'update-or-delete-without-where: UPDATE without WHERE locks every row of "accounts"',
        'create-index-non-concurrently: CREATE INDEX on existing table "accounts" takes a SHARE lock',
      ]) {
        if (!modalText.includes(want)) throw new Error(`the upgrade confirmation lacks "${want}": ${modalText}`);
      }
      if (modalText.includes('missing-lock-timeout')) throw new Error(`the confirmation lists a finding of an applied revision: ${modalText}`);
      await wb.shot('upgrade confirmation lists the findings');
      await wb.clickModalButton(modal, 'Upgrade');

      // 5. Applied now: history, no mark.
      await until('the upgraded revision to be current without a mark', 90_000, async () => {
        const d = await rowDescription(wb, pane, EMAILS.message);
        return d !== undefined && /\bcurrent\b/.test(d) && !d.includes('⚠') ? true : undefined;
      }, async () => JSON.stringify((await wb.treeRows(pane)).map((r) => `${r.label} | ${r.description}`)));
      await wb.shot('after upgrade no mark');
    },
  },
];
