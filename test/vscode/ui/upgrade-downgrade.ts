// Scenario 1: a database at a middle revision; the tree shows applied / current / pending rows;
// "Upgrade to Here" on a pending row (confirmed in the modal) moves the database and the tree
// there; "Downgrade to Here…" on an earlier row moves both back.
import type { UiTest } from '../harness';
import { alembic, LINEAR, makeWorkspace } from '../fixtures';
import { until } from '../workbench';
import { expectTreeStates } from './tree-states';

const [users, orders, invoices, payments] = LINEAR.map((r) => ({ id: r.id, message: r.message ?? '' }));

export const upgradeDowngradeTests: UiTest[] = [
  {
    title: 'Upgrade to Here and Downgrade to Here move the database and the tree, after a confirmation',
    folder: 'upgrade-downgrade',
    timeoutMs: 300_000,
    async run(t) {
      const pg = await t.shared.postgres();
      const db = 'updown';
      const ws = await makeWorkspace('updown', await pg.createDatabase(db), LINEAR);
      t.defer(() => ws.project.remove());
      await alembic(ws, ['upgrade', orders.id]);
      const version = async () => (await pg.sql('SELECT version_num FROM alembic_version', db)).map((r) => String(r.version_num));
      const tableExists = async (id: string) => (await pg.sql(`SELECT to_regclass('public.t_${id}') IS NOT NULL AS present`, db))[0]?.present === true;
      const expectVersion = (id: string) =>
        until(`alembic_version to hold ${id}`, 90_000, async () => {
          const v = await version();
          return v.length === 1 && v[0] === id ? true : undefined;
        }, async () => JSON.stringify(await version()));

      const { wb } = await t.openWorkbench(ws.dir);
      await wb.openContainer('Alembic');
      const pane = wb.viewPane('Revisions');
      await expectTreeStates(wb, pane, [
        { ...users, state: 'applied' },
        { ...orders, state: 'current' },
        { ...invoices, state: 'pending' },
        { ...payments, state: 'pending' },
      ]);
      await wb.readmeShot('sidebar');

      // Upgrade to the last revision from its row.
      await wb.clickInlineAction(wb.treeRow(pane, payments.message), 'Upgrade to Here');
      const upModal = await wb.modal();
      await wb.readmeShot('upgrade confirmation');
      await wb.clickModalButton(upModal, 'Upgrade');
      await expectVersion(payments.id);
      if (!(await tableExists(payments.id)) || !(await tableExists(invoices.id))) throw new Error('upgrade() of the upgraded revisions did not run: their tables are missing');
      await expectTreeStates(wb, pane, [
        { ...users, state: 'applied' },
        { ...orders, state: 'applied' },
        { ...invoices, state: 'applied' },
        { ...payments, state: 'current' },
      ]);
      await wb.shot('after upgrade');

      // Downgrade back to the second revision from its row.
      await wb.clickInlineAction(wb.treeRow(pane, orders.message), 'Downgrade to Here…');
      const downModal = await wb.modal();
      await wb.shot('downgrade confirmation');
      await wb.clickModalButton(downModal, 'Downgrade');
      await expectVersion(orders.id);
      if ((await tableExists(payments.id)) || (await tableExists(invoices.id))) throw new Error('downgrade() of the downgraded revisions did not run: their tables are still there');
      if (!(await tableExists(orders.id))) throw new Error(`the downgrade went too far: t_${orders.id} is gone`);
      await expectTreeStates(wb, pane, [
        { ...users, state: 'applied' },
        { ...orders, state: 'current' },
        { ...invoices, state: 'pending' },
        { ...payments, state: 'pending' },
      ]);
      await wb.shot('after downgrade');
    },
  },
];
