// The edit that repairs a broken link: where a missing id is named in a revision file, and what
// replaces it. One rule for the language server's quick fixes (replace a missing parent, rebase
// onto a head) and the graph's "drag the ghost onto a revision" / "pick one". Pure.
import type { IdRefKind, MigrationFile, Range } from './types';

/** Ranges of `missing` in `file`'s down_revision (and the docstring's `Revises:`) or depends_on. */
export function missingRefRanges(file: MigrationFile, missing: string, field: 'down_revision' | 'depends_on'): Range[] {
  return refsOf(file, missing, field).map((r) => r.range);
}

function refsOf(file: MigrationFile, id: string, field: 'down_revision' | 'depends_on'): MigrationFile['idRefs'] {
  const kinds: IdRefKind[] = field === 'down_revision' ? ['down_revision', 'revises'] : ['depends_on'];
  return file.idRefs.filter((r) => r.id === id && kinds.includes(r.kind));
}

export interface RefEdit {
  range: Range;
  newText: string;
}

/** The edits, or why there is none (a sentence for the user). */
export type RefEdits = { ok: true; edits: RefEdit[] } | { ok: false; why: string };

/**
 * Points `file`'s mentions of `from` in `field` (and for down_revision its docstring's `Revises:`)
 * at `to`. A literal id is replaced inside its quotes. An id the file imports
 * (`down_revision = revs.PARENT`) is replaced by the literal `'to'` in this file only: the module's
 * constant may be shared by other revisions, so it is not touched. An id that is one item of an
 * imported tuple or list cannot be replaced alone: refused, with the reason.
 */
export function replaceRefEdits(file: MigrationFile, from: string, field: 'down_revision' | 'depends_on', to: string): RefEdits {
  const refs = refsOf(file, from, field);
  const name = file.path.split(/[\\/]/).pop() ?? file.path;
  if (!refs.some((r) => r.kind === field)) return { ok: false, why: `${name} does not name '${from}' in its ${field}.` };
  const item = refs.find((r) => r.imported === 'item');
  if (item) {
    return {
      ok: false,
      why: `${name}'s ${field} takes '${from}' from an imported tuple or list (line ${item.range.start.line + 1}); replacing one item would change the others too: edit it by hand.`,
    };
  }
  return { ok: true, edits: refs.map((r) => ({ range: r.range, newText: r.imported === 'value' ? `'${to}'` : to })) };
}
