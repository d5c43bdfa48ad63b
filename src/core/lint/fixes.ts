// Quick fixes for lint findings, as text edits on offsets of the migration's text. Offered only
// where the edit is safe and complete: a plain `op.*(...)` statement (not inside a batch block),
// literal names known.
import type { Action } from './actions';
import type { MigrationOps } from './ops';
import type { RuleId } from './rules';

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface LintFix {
  title: string;
  edits: TextEdit[];
}

function lineStart(text: string, offset: number): number {
  let p = offset;
  while (p > 0 && text.charCodeAt(p - 1) !== 10 && text.charCodeAt(p - 1) !== 13) p--;
  return p;
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Edits that put the statement of `a` inside `with op.get_context().autocommit_block():`. */
function wrapInAutocommit(text: string, a: Action): TextEdit[] {
  const nl = eol(text);
  const pad = ' '.repeat(a.op.indent);
  const first = lineStart(text, a.op.stmtStart);
  const edits: TextEdit[] = [{ start: first, end: first, newText: `${pad}with op.get_context().autocommit_block():${nl}` }];
  // Indent every line of the statement by four spaces.
  edits.push({ start: first, end: first, newText: '    ' });
  for (let p = text.indexOf('\n', first); p >= 0 && p + 1 < a.op.end; p = text.indexOf('\n', p + 1)) {
    edits.push({ start: p + 1, end: p + 1, newText: '    ' });
  }
  return edits;
}

function simpleStatement(a: Action): boolean {
  return !a.fromSql && a.op.receiver === 'op' && a.op.stmtStart === a.op.start && a.op.batchTable === null;
}

export function fixFor(rule: RuleId, a: Action, text: string, ops: MigrationOps): LintFix | null {
  void ops;
  const nl = eol(text);
  const pad = ' '.repeat(a.op.indent);
  switch (rule) {
    case 'create-index-non-concurrently':
    case 'drop-index-non-concurrently':
    case 'concurrently-in-transaction': {
      if (!simpleStatement(a) || a.op.autocommit) return null;
      const edits = wrapInAutocommit(text, a);
      if (!a.concurrently) edits.push({ start: a.op.close, end: a.op.close, newText: ', postgresql_concurrently=True' });
      return { title: a.concurrently ? 'Run it in op.get_context().autocommit_block()' : 'Use postgresql_concurrently=True in an autocommit_block()', edits };
    }
    case 'constraint-without-not-valid': {
      if (!simpleStatement(a) || a.table === null || a.name === null) return null;
      const validate = `${nl}${pad}with op.get_context().autocommit_block():${nl}${pad}    op.execute('ALTER TABLE "${a.table}" VALIDATE CONSTRAINT "${a.name}"')`;
      return {
        title: 'Add postgresql_not_valid=True and VALIDATE CONSTRAINT after the commit',
        edits: [
          { start: a.op.close, end: a.op.close, newText: ', postgresql_not_valid=True' },
          { start: a.op.end, end: a.op.end, newText: validate },
        ],
      };
    }
    case 'add-column-not-null-without-default': {
      if (a.fromSql || !/^import sqlalchemy as sa\b/m.test(text)) return null;
      const col = a.op.args.find((v) => v.kind === 'call' && /(?:^|\.)Column$/.test(v.callee));
      if (col?.kind !== 'call') return null;
      const type = col.args[1];
      const typeName = type?.kind === 'call' ? type.callee : type?.kind === 'name' ? type.text : '';
      const def = /(?:Integer|Numeric|Float|Decimal)$/.test(typeName) ? '0' : /Boolean$/.test(typeName) ? 'false' : /(?:String|Text|Unicode|UnicodeText)$/.test(typeName) ? "''" : null;
      if (def === null) return null;
      return { title: `Add server_default=sa.text("${def}")`, edits: [{ start: col.close, end: col.close, newText: `, server_default=sa.text("${def}")` }] };
    }
    case 'missing-lock-timeout': {
      // Inside a batch block the line to insert before is the `with`, not known here: no fix.
      if (a.op.batchTable !== null) return null;
      const first = lineStart(text, a.op.stmtStart);
      return { title: "Set lock_timeout = '5s' first", edits: [{ start: first, end: first, newText: `${pad}op.execute("SET lock_timeout = '5s'")${nl}` }] };
    }
    default:
      return null;
  }
}
