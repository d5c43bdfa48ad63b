// The edit that repairs a broken link: where a missing id is named in a revision file. One rule
// for the language server's quick fix and the graph's "drag the ghost onto a revision". Pure.
import type { IdRefKind, MigrationFile, Range } from './types';

/** Ranges of `missing` in `file`'s down_revision (and the docstring's `Revises:`) or depends_on. */
export function missingRefRanges(file: MigrationFile, missing: string, field: 'down_revision' | 'depends_on'): Range[] {
  const kinds: IdRefKind[] = field === 'down_revision' ? ['down_revision', 'revises'] : ['depends_on'];
  return file.idRefs.filter((r) => r.id === missing && kinds.includes(r.kind)).map((r) => r.range);
}
