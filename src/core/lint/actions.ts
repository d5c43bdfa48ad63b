// One vocabulary for what a migration does to the database, read from `op.*` calls and from the
// SQL given to `op.execute` alike, so that every rule is written once. The SQL is parsed by the
// real PostgreSQL parser (libpg-query), injected by the caller as a function: the core stays pure.
import { argOf, isTrue, strOf, type ArgValue, type Operation } from './ops';

/** Parses SQL text into PostgreSQL parse-tree statements (`{ "IndexStmt": {...} }`) or an error. */
export type SqlParser = (sql: string) => { stmts: unknown[] } | { error: string };

export type ActionKind =
  | 'create_table' | 'create_index' | 'drop_index' | 'add_column' | 'set_not_null' | 'alter_type'
  | 'add_foreign_key' | 'add_check' | 'add_unique' | 'drop_column' | 'drop_table' | 'rename_column'
  | 'rename_table' | 'update' | 'delete' | 'insert' | 'transaction' | 'set_lock_timeout'
  | 'validate_constraint' | 'other_sql' | 'sql_error' | 'sql_not_literal' | 'other_op';

export interface Action {
  kind: ActionKind;
  op: Operation;
  table: string | null;
  /** Column, index or constraint name when known; the keyword for `transaction`; SQL statement type for `other_sql`. */
  name: string | null;
  concurrently: boolean;
  notValid: boolean;
  notNull: boolean;
  hasDefault: boolean;
  hasWhere: boolean;
  /** Read from SQL given to op.execute (not from the op.* call's arguments). */
  fromSql: boolean;
  /** For `add_check`: the column when the condition is exactly `<column> IS NOT NULL` (read by the PostgreSQL parser). */
  notNullColumn?: string;
}

function action(kind: ActionKind, op: Operation, table: string | null, extra: Partial<Action> = {}): Action {
  return { kind, op, table, name: null, concurrently: false, notValid: false, notNull: false, hasDefault: false, hasWhere: false, fromSql: false, ...extra };
}

/** The SQL text an `execute` call sends, when it is a literal (or `sa.text("…")` of one). */
export function executeSql(op: Operation): string | null {
  const a = argOf(op, 0, 'sqltext') ?? op.kwargs.get('statement');
  if (a === undefined) return null;
  if (a.kind === 'str') return a.value;
  if (a.kind === 'call' && /^(?:sa\.|sqlalchemy\.)?text$/.test(a.callee)) return strOf(a.args[0] ?? a.kwargs.get('text'));
  return null;
}

/** Actions of one operation (an `execute` may hold several statements; alter_column several changes). */
export function actionsOf(op: Operation, parse: SqlParser | null): Action[] {
  const batch = op.batchTable !== null;
  // In a batch block the table is implicit: positional arguments shift left by one.
  const tableArg = (i: number, kw: string): string | null => (batch ? op.batchTable || null : strOf(argOf(op, i, kw)));
  const b = batch ? -1 : 0;
  switch (op.name) {
    case 'create_table':
      return [action('create_table', op, strOf(argOf(op, 0, 'table_name')))];
    case 'drop_table':
      return [action('drop_table', op, strOf(argOf(op, 0, 'table_name')))];
    case 'rename_table':
      return [action('rename_table', op, strOf(argOf(op, 0, 'old_table_name')), { name: strOf(argOf(op, 1, 'new_table_name')) })];
    case 'create_index':
      return [action('create_index', op, tableArg(1, 'table_name'), {
        name: strOf(argOf(op, 0, 'index_name')),
        concurrently: isTrue(op.kwargs.get('postgresql_concurrently')),
      })];
    case 'drop_index':
      return [action('drop_index', op, batch ? op.batchTable || null : strOf(argOf(op, 1, 'table_name')), {
        name: strOf(argOf(op, 0, 'index_name')),
        concurrently: isTrue(op.kwargs.get('postgresql_concurrently')),
      })];
    case 'add_column': {
      const col = argOf(op, 1 + b, 'column');
      const c = col?.kind === 'call' ? col : null;
      const nullable = c?.kwargs.get('nullable');
      const def = c?.kwargs.get('server_default');
      return [action('add_column', op, tableArg(0, 'table_name'), {
        name: strOf(c?.args[0] ?? c?.kwargs.get('name')),
        notNull: (nullable?.kind === 'bool' && !nullable.value) || isTrue(c?.kwargs.get('primary_key')),
        hasDefault: def !== undefined && def.kind !== 'none',
      })];
    }
    case 'alter_column': {
      const table = tableArg(0, 'table_name');
      const name = strOf(argOf(op, 1 + b, 'column_name'));
      const out: Action[] = [];
      const nullable = op.kwargs.get('nullable');
      if (nullable?.kind === 'bool' && !nullable.value) out.push(action('set_not_null', op, table, { name }));
      if (op.kwargs.has('type_')) out.push(action('alter_type', op, table, { name }));
      if (op.kwargs.has('new_column_name')) out.push(action('rename_column', op, table, { name }));
      return out.length > 0 ? out : [action('other_op', op, table, { name })];
    }
    case 'drop_column':
      return [action('drop_column', op, tableArg(0, 'table_name'), { name: strOf(argOf(op, 1 + b, 'column_name')) })];
    case 'create_foreign_key':
      return [action('add_foreign_key', op, tableArg(1, 'source_table'), {
        name: strOf(argOf(op, 0, 'constraint_name')),
        notValid: isTrue(op.kwargs.get('postgresql_not_valid')),
      })];
    case 'create_check_constraint': {
      const a = action('add_check', op, tableArg(1, 'table_name'), {
        name: strOf(argOf(op, 0, 'constraint_name')),
        notValid: isTrue(op.kwargs.get('postgresql_not_valid')),
      });
      const cond = strOf(argOf(op, 2 + b, 'condition'));
      const r = cond !== null && parse !== null ? parse(`SELECT ${cond}`) : null;
      const only = r !== null && 'stmts' in r && r.stmts.length === 1 ? arr(field(onlyEntry(field(r.stmts[0], 'stmt'))[1], 'targetList')) : [];
      const col = only.length === 1 ? notNullColumnOf(field(field(only[0], 'ResTarget'), 'val')) : null;
      if (col !== null) a.notNullColumn = col;
      return [a];
    }
    case 'create_unique_constraint':
      return [action('add_unique', op, tableArg(1, 'table_name'), { name: strOf(argOf(op, 0, 'constraint_name')) })];
    case 'bulk_insert':
      return [action('insert', op, tableArgName(op.args[0]))];
    case 'execute':
      return sqlActions(op, parse);
    default:
      return [action('other_op', op, null)];
  }
}

function tableArgName(v: ArgValue | undefined): string | null {
  return v?.kind === 'name' ? v.text : strOf(v);
}

function sqlActions(op: Operation, parse: SqlParser | null): Action[] {
  const sql = executeSql(op);
  if (sql === null || parse === null) return [action('sql_not_literal', op, null, { fromSql: true })];
  const r = parse(sql);
  if ('error' in r) return [action('sql_error', op, null, { name: r.error, fromSql: true })];
  const out: Action[] = [];
  for (const raw of r.stmts) {
    const stmt = field(raw, 'stmt');
    const [type, node] = onlyEntry(stmt);
    out.push(...statementActions(op, type, node));
  }
  return out;
}

function statementActions(op: Operation, type: string, n: unknown): Action[] {
  const sql = (kind: ActionKind, table: string | null, extra: Partial<Action> = {}): Action => action(kind, op, table, { fromSql: true, ...extra });
  const rel = (x: unknown): string | null => str(field(field(x, 'relation'), 'relname'));
  switch (type) {
    case 'CreateStmt':
      return [sql('create_table', rel(n))];
    case 'IndexStmt':
      return [sql('create_index', rel(n), { name: str(field(n, 'idxname')), concurrently: field(n, 'concurrent') === true })];
    case 'DropStmt': {
      const kind = field(n, 'removeType');
      const names = objectNames(field(n, 'objects'));
      if (kind === 'OBJECT_INDEX') return [sql('drop_index', null, { name: names[0] ?? null, concurrently: field(n, 'concurrent') === true })];
      if (kind === 'OBJECT_TABLE') return names.map((t) => sql('drop_table', t));
      return [sql('other_sql', null, { name: type })];
    }
    case 'AlterTableStmt': {
      const table = rel(n);
      const cmds = arr(field(n, 'cmds')).map((c) => field(c, 'AlterTableCmd'));
      return cmds.map((c) => alterCmd(sql, table, c));
    }
    case 'RenameStmt': {
      const kind = field(n, 'renameType');
      if (kind === 'OBJECT_COLUMN') return [sql('rename_column', rel(n), { name: str(field(n, 'subname')) })];
      if (kind === 'OBJECT_TABLE') return [sql('rename_table', rel(n), { name: str(field(n, 'newname')) })];
      return [sql('other_sql', rel(n), { name: type })];
    }
    case 'UpdateStmt':
      return [sql('update', rel(n), { hasWhere: field(n, 'whereClause') !== undefined })];
    case 'DeleteStmt':
      return [sql('delete', rel(n), { hasWhere: field(n, 'whereClause') !== undefined })];
    case 'InsertStmt':
      return [sql('insert', rel(n))];
    case 'TransactionStmt':
      return [sql('transaction', null, { name: TX_WORDS[str(field(n, 'kind')) ?? ''] ?? 'transaction control' })];
    case 'VariableSetStmt': {
      if (str(field(n, 'name')) !== 'lock_timeout') return [sql('other_sql', null, { name: type })];
      const v = field(arr(field(n, 'args'))[0], 'A_Const');
      const zero = field(v, 'ival') !== undefined ? field(field(v, 'ival'), 'ival') === undefined : str(field(field(v, 'sval'), 'sval')) === '0';
      return [sql(zero ? 'other_sql' : 'set_lock_timeout', null, { name: type })];
    }
    default:
      return [sql('other_sql', null, { name: type })];
  }
}

const TX_WORDS: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
};

function alterCmd(sql: (kind: ActionKind, table: string | null, extra?: Partial<Action>) => Action, table: string | null, c: unknown): Action {
  const sub = str(field(c, 'subtype'));
  switch (sub) {
    case 'AT_AddColumn': {
      const def = field(field(c, 'def'), 'ColumnDef');
      const cons = arr(field(def, 'constraints')).map((x) => str(field(field(x, 'Constraint'), 'contype')));
      return sql('add_column', table, {
        name: str(field(def, 'colname')),
        notNull: cons.includes('CONSTR_NOTNULL') || cons.includes('CONSTR_PRIMARY'),
        hasDefault: cons.includes('CONSTR_DEFAULT') || cons.includes('CONSTR_IDENTITY') || cons.includes('CONSTR_GENERATED'),
      });
    }
    case 'AT_SetNotNull':
      return sql('set_not_null', table, { name: str(field(c, 'name')) });
    case 'AT_AlterColumnType':
      return sql('alter_type', table, { name: str(field(c, 'name')) });
    case 'AT_DropColumn':
      return sql('drop_column', table, { name: str(field(c, 'name')) });
    case 'AT_ValidateConstraint':
      return sql('validate_constraint', table, { name: str(field(c, 'name')) });
    case 'AT_AddConstraint': {
      const k = field(field(c, 'def'), 'Constraint');
      const type = str(field(k, 'contype'));
      const name = str(field(k, 'conname'));
      const notValid = field(k, 'skip_validation') === true;
      if (type === 'CONSTR_FOREIGN') return sql('add_foreign_key', table, { name, notValid });
      if (type === 'CONSTR_CHECK') {
        const col = notNullColumnOf(field(k, 'raw_expr'));
        return sql('add_check', table, col !== null ? { name, notValid, notNullColumn: col } : { name, notValid });
      }
      if ((type === 'CONSTR_UNIQUE' || type === 'CONSTR_PRIMARY') && field(k, 'indexname') === undefined) return sql('add_unique', table, { name });
      return sql('other_sql', table, { name: 'AlterTableStmt' });
    }
    default:
      return sql('other_sql', table, { name: 'AlterTableStmt' });
  }
}

/** The column of a parse-tree expression that is exactly `<column> IS NOT NULL`, else null. */
function notNullColumnOf(expr: unknown): string | null {
  const t = field(expr, 'NullTest');
  if (str(field(t, 'nulltesttype')) !== 'IS_NOT_NULL') return null;
  const fields = arr(field(field(field(t, 'arg'), 'ColumnRef'), 'fields'));
  return str(field(field(fields[fields.length - 1], 'String'), 'sval'));
}

// Guards over the parser's JSON (unknown at this boundary).
function field(x: unknown, key: string): unknown {
  return typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[key] : undefined;
}
function str(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}
function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}
function onlyEntry(x: unknown): [string, unknown] {
  if (typeof x !== 'object' || x === null) return ['', undefined];
  const keys = Object.keys(x);
  return keys.length === 1 ? [keys[0], (x as Record<string, unknown>)[keys[0]]] : ['', undefined];
}
/** Last name part of each object of a DROP (`List` of `String`). */
function objectNames(objects: unknown): string[] {
  return arr(objects).map((o) => {
    const items = arr(field(field(o, 'List'), 'items'));
    return str(field(field(items[items.length - 1], 'String'), 'sval'));
  }).filter((s): s is string => s !== null);
}
