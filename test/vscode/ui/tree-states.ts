// Reading the Revisions tree: each revision row's label is "<message> · <short id>", its
// description carries its database state (applied / current / pending) and markers.
import type { Locator } from 'playwright-core';
import { until, type TreeRow, type Workbench } from '../workbench';

export type RevState = 'applied' | 'current' | 'pending';
const STATES: RevState[] = ['applied', 'current', 'pending'];

/** Rows of the view, expanding collapsed top-level (project) rows so revisions are listed. */
export async function rowsExpanded(wb: Workbench, pane: Locator): Promise<TreeRow[]> {
  const collapsed = pane.locator('.monaco-list-row[aria-level="1"][aria-expanded="false"]');
  const n = await collapsed.count();
  for (let i = 0; i < n; i++) await collapsed.nth(0).locator('.monaco-tl-twistie').click().catch(() => undefined);
  return wb.treeRows(pane);
}

function hasWord(text: string, word: string): boolean {
  return new RegExp(`\\b${word}\\b`, 'i').test(text);
}

/** True when a description shows `state` and none of the states that exclude it. */
export function showsState(description: string, state: RevState): boolean {
  if (!hasWord(description, state)) return false;
  const excluded = state === 'current' ? ['pending'] : STATES.filter((s) => s !== state);
  return excluded.every((s) => !hasWord(description, s));
}

/**
 * Waits until every listed revision (by message) has a row whose description holds the first
 * six characters of its id and the expected state.
 */
export async function expectTreeStates(
  wb: Workbench,
  pane: Locator,
  expected: Array<{ id: string; message: string; state: RevState }>,
  timeoutMs = 45_000,
): Promise<void> {
  await until(
    `the Revisions tree to show ${expected.map((e) => `${e.message}=${e.state}`).join(', ')}`,
    timeoutMs,
    async () => {
      const rows = await rowsExpanded(wb, pane);
      const ok = expected.every((e) => {
        const row = rows.find((r) => r.message === e.message);
        return row !== undefined && row.label.includes(e.id.slice(0, 6)) && showsState(row.description, e.state);
      });
      return ok ? true : undefined;
    },
    async () => JSON.stringify((await wb.treeRows(pane)).map((r) => `${r.label} | ${r.description}`)),
  );
}
