// Writes Alembic migration files the way `alembic revision` does with the current template
// (alembic 1.13+ `script.py.mako`: annotated assignments, `Revises:` header, typed upgrade/
// downgrade). Shared by the unit, diff, server and db suites.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IdRef, MigrationFile } from '../../src/core/types';

export interface RevSpec {
  id: string;
  /** `null` for a base; an array of two or more for a merge (rendered as a tuple). */
  down: string | string[] | null;
  branchLabels?: string[];
  dependsOn?: string[];
  /** Docstring first line; defaults to `rev <id>`. */
  message?: string;
  /** File name inside the folder; defaults to alembic's `<rev>_<slug>.py`. */
  fileName?: string;
  /** Verbatim `Create Date:` value; defaults to a fixed timestamp so output is reproducible. */
  createDate?: string;
}

/** Python `repr()` of a str (alembic's template uses repr for every identifier). */
export function pyRepr(s: string): string {
  let out = "'";
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + "'";
}

function reprTuple(items: readonly string[]): string {
  if (items.length === 1) return `(${pyRepr(items[0])},)`;
  return `(${items.map(pyRepr).join(', ')})`;
}

function reprList(items: readonly string[]): string {
  return `[${items.map(pyRepr).join(', ')}]`;
}

/** alembic's slug: `\w+` runs of the message joined by `_`, lower-cased, cut at 40 chars. */
export function slugOf(message: string): string {
  let slug = (message.match(/\w+/gu) ?? []).join('_').toLowerCase();
  if (slug.length > 40) {
    const cut = slug.slice(0, 40);
    const i = cut.lastIndexOf('_');
    slug = (i >= 0 ? cut.slice(0, i) : cut) + '_';
  }
  return slug;
}

export function defaultFileName(spec: RevSpec): string {
  return `${spec.id}_${slugOf(spec.message ?? `rev ${spec.id}`)}.py`;
}

function downRepr(down: RevSpec['down']): string {
  if (down === null) return 'None';
  if (typeof down === 'string') return pyRepr(down);
  if (down.length === 0) return 'None';
  return reprTuple(down);
}

/**
 * The text `alembic revision -m <message>` writes with the current generic template.
 * One branch label renders as a str (as `--branch-label` does), several as a tuple; depends_on
 * renders as a list (alembic resolves `--depends-on` into a list of ids).
 */
export function renderMigration(spec: RevSpec): string {
  const message = spec.message ?? `rev ${spec.id}`;
  const down = spec.down;
  const revises = down === null ? '' : typeof down === 'string' ? down : down.join(', ');
  const labels = spec.branchLabels ?? [];
  const labelsRepr = labels.length === 0 ? 'None' : labels.length === 1 ? pyRepr(labels[0]) : reprTuple(labels);
  const deps = spec.dependsOn ?? [];
  const depsRepr = deps.length === 0 ? 'None' : reprList(deps);
  const createDate = spec.createDate ?? '2024-01-01 00:00:00.000000';
  return `"""${message}

Revision ID: ${spec.id}
Revises: ${revises}
Create Date: ${createDate}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = ${pyRepr(spec.id)}
down_revision: Union[str, Sequence[str], None] = ${downRepr(down)}
branch_labels: Union[str, Sequence[str], None] = ${labelsRepr}
depends_on: Union[str, Sequence[str], None] = ${depsRepr}


def upgrade() -> None:
    """Upgrade schema."""
    pass


def downgrade() -> None:
    """Downgrade schema."""
    pass
`;
}

/** Creates `dir` (and parents) and writes one file per spec; returns nothing, throws on I/O error. */
export async function writeMigrationFolder(dir: string, specs: RevSpec[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const spec of specs) {
    const name = spec.fileName ?? defaultFileName(spec);
    const file = path.join(dir, name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, renderMigration(spec), 'utf8');
  }
}

/**
 * The MigrationFile that the reader should produce for `renderMigration(spec)`, built directly
 * (ranges point at the rendered lines). Lets graph tests run without the reader.
 */
export function migrationFileOf(spec: RevSpec, filePath?: string): MigrationFile {
  const text = renderMigration(spec);
  const lines = text.split('\n');
  const assignments: MigrationFile['assignments'] = {};
  const idRefs: IdRef[] = [];
  const revisesLine = lines.findIndex((l) => l.startsWith('Revises: '));
  if (revisesLine >= 0) {
    let at = 'Revises: '.length;
    for (const id of spec.down === null ? [] : typeof spec.down === 'string' ? [spec.down] : spec.down) {
      idRefs.push({ id, kind: 'revises', range: { start: { line: revisesLine, character: at }, end: { line: revisesLine, character: at + id.length } } });
      at += id.length + 2;
    }
  }
  const vars = ['revision', 'down_revision', 'branch_labels', 'depends_on'] as const;
  const values: Record<(typeof vars)[number], string[]> = {
    revision: [spec.id],
    down_revision: spec.down === null ? [] : typeof spec.down === 'string' ? [spec.down] : spec.down,
    branch_labels: spec.branchLabels ?? [],
    depends_on: spec.dependsOn ?? [],
  };
  for (const v of vars) {
    const line = lines.findIndex((l) => l.startsWith(`${v}:`));
    if (line < 0) continue;
    const text = lines[line];
    assignments[v] = { start: { line, character: 0 }, end: { line, character: text.length } };
    let from = text.indexOf('=');
    for (const id of values[v]) {
      const q = pyRepr(id);
      const at = text.indexOf(q, from);
      if (at < 0) continue;
      idRefs.push({ id, kind: v, range: { start: { line, character: at + 1 }, end: { line, character: at + q.length - 1 } } });
      from = at + q.length;
    }
  }
  return {
    path: filePath ?? defaultFileName(spec),
    revision: spec.id,
    downRevisions: values.down_revision.slice(),
    branchLabels: values.branch_labels.slice(),
    dependsOn: values.depends_on.slice(),
    message: spec.message ?? `rev ${spec.id}`,
    createDate: spec.createDate ?? '2024-01-01 00:00:00.000000',
    assignments,
    idRefs,
    problems: [],
  };
}
