// Reads the operations of a migration's upgrade() and downgrade(): every `op.*` call (and
// `batch_op.*` inside `with op.batch_alter_table(...)`, and `<bind>.execute(...)`) with its
// positional and keyword arguments, and the blocks around it. Literals become values; calls keep
// their callee and arguments (a `sa.Column(...)` is read through); anything else is "unknown"
// with its source text. Never executes, never throws.
import { tokenizeBody, Tok, type Comment, type LogicalLine, type Token } from './tokens';

export type ArgValue =
  | { kind: 'str'; value: string; start: number; end: number }
  | { kind: 'num'; text: string; start: number; end: number }
  | { kind: 'bool'; value: boolean; start: number; end: number }
  | { kind: 'none'; start: number; end: number }
  | { kind: 'seq'; items: ArgValue[]; start: number; end: number }
  | { kind: 'call'; callee: string; args: ArgValue[]; kwargs: Map<string, ArgValue>; start: number; end: number; close: number }
  /** A name or dotted name (`sa.Integer`, `my_table`). */
  | { kind: 'name'; text: string; start: number; end: number }
  | { kind: 'unknown'; text: string; start: number; end: number; fstring: boolean };

export type MigrationFn = 'upgrade' | 'downgrade';

export interface Operation {
  fn: MigrationFn;
  /** The method called: `create_index`, `execute`, `add_column`… */
  name: string;
  /** `op`, the batch alias (`batch_op`), or the receiver of `.execute` (`conn`, `op.get_bind()`). */
  receiver: string;
  /** Table of the enclosing `with op.batch_alter_table(...)` block ('' when not a literal). */
  batchTable: string | null;
  /** Inside `with op.get_context().autocommit_block():`. */
  autocommit: boolean;
  args: ArgValue[];
  kwargs: Map<string, ArgValue>;
  /** Offsets of the call (receiver start … after `)`) and of its closing parenthesis. */
  start: number;
  end: number;
  close: number;
  /** Offset and indentation of the statement holding the call (for inserting lines before it). */
  stmtStart: number;
  indent: number;
}

export interface FunctionBody {
  fn: MigrationFn;
  /** Offset of `def`, of the body's first statement, and where the body ends. */
  defStart: number;
  bodyStart: number;
  bodyEnd: number;
  /** Indentation of the body's statements. */
  indent: number;
  /** True when the body holds nothing but `pass`, `...` and docstrings. */
  empty: boolean;
}

export interface MigrationOps {
  ops: Operation[];
  bodies: FunctionBody[];
  comments: Array<Comment & { fn: MigrationFn }>;
  /** With `lazyDowngrade`: the downgrade() left unread (its body is read by readLazyBody when asked). */
  lazyDowngrade?: { defStart: number; colon: number };
}

/** How readOperations reads downgrade(). */
export interface ReadOptions {
  /** false: downgrade() is only delimited (its comments and whether it is empty), its calls not read. */
  downgradeOps?: boolean;
  /**
   * With `downgradeOps: false`: a downgrade() that is the file's last migration function and has no
   * `alembic-lint:` text after its header is not even delimited (its comments are known to be
   * none): `lazyDowngrade` says where it is, for readLazyBody.
   */
  lazyDowngrade?: boolean;
}

const DEF_RE = /^(?:async[ \t]+)?def[ \t]+(upgrade|downgrade)[ \t]*\(/gm;

/**
 * Reads upgrade() and downgrade() of a migration file's text. With `downgradeOps: false` the
 * downgrade() body is only delimited (its comments and whether it is empty), its calls not read.
 */
export function readOperations(text: string, opts: ReadOptions = {}): MigrationOps {
  const out: MigrationOps = { ops: [], bodies: [], comments: [] };
  DEF_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  /** Definitions met so far (Python keeps the last one of a name). */
  let seenUp = false;
  let seenDown = false;
  while ((m = DEF_RE.exec(text)) !== null) {
    const fn = m[1] as MigrationFn;
    const colon = headerColon(text, m.index + m[0].length - 1);
    if (colon < 0) continue;
    const light = fn === 'downgrade' && opts.downgradeOps === false;
    if (light && opts.lazyDowngrade === true && text.indexOf('alembic-lint:', colon) < 0) {
      // No definition after this one (the body's end would only say where to look for one) and no
      // comment the lint reads in it: nothing of its body is needed unless a rule asks.
      DEF_RE.lastIndex = colon + 1;
      if (DEF_RE.exec(text) === null) {
        if (seenDown) {
          out.bodies = out.bodies.filter((b) => b.fn !== fn);
          out.comments = out.comments.filter((c) => c.fn !== fn);
        }
        out.lazyDowngrade = { defStart: m.index, colon };
        break;
      }
    }
    const { lines, comments, stop } = tokenizeBody(text, colon + 1, text.length, light);
    DEF_RE.lastIndex = Math.max(stop, colon + 1);
    // Python keeps the last definition of a name.
    if (fn === 'upgrade' ? seenUp : seenDown) {
      out.ops = out.ops.filter((o) => o.fn !== fn);
      out.bodies = out.bodies.filter((b) => b.fn !== fn);
      out.comments = out.comments.filter((c) => c.fn !== fn);
      if (fn === 'downgrade') delete out.lazyDowngrade;
    }
    if (fn === 'upgrade') seenUp = true;
    else seenDown = true;
    out.bodies.push(bodyOf(fn, m.index, colon, lines, stop));
    for (const c of comments) out.comments.push({ ...c, fn });
    if (!light) readStatements(fn, lines, out.ops);
  }
  return out;
}

function bodyOf(fn: MigrationFn, defStart: number, colon: number, lines: readonly LogicalLine[], stop: number): FunctionBody {
  const first = lines[0];
  return {
    fn,
    defStart,
    bodyStart: first ? first.tokens[0].start : colon + 1,
    bodyEnd: stop,
    indent: first ? first.indent : 4,
    empty: lines.every(isEmptyStatement),
  };
}

/** The body of the downgrade() readOperations left unread: what it gives without `lazyDowngrade`. */
export function readLazyBody(text: string, lazy: { defStart: number; colon: number }): FunctionBody {
  const { lines, stop } = tokenizeBody(text, lazy.colon + 1, text.length, true);
  return bodyOf('downgrade', lazy.defStart, lazy.colon, lines, stop);
}

/** Offset of the `:` that ends a def header whose `(` is at `open`, or -1. */
function headerColon(text: string, open: number): number {
  let depth = 0;
  for (let p = open; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 40 || c === 91) depth++;
    else if (c === 41 || c === 93) depth--;
    else if (c === 58 && depth === 0) return p;
    else if ((c === 10 || c === 13) && depth === 0) return -1;
    else if (c === 34 || c === 39 || c === 35) return -1; // defaults with strings or comments: not a migration header
  }
  return -1;
}

function isEmptyStatement(l: LogicalLine): boolean {
  if (l.tokens.length !== 1) return false;
  const t = l.tokens[0];
  return (t.kind === Tok.Name && t.text === 'pass') || (t.kind === Tok.Op && t.text === '...') || t.kind === Tok.String;
}

interface Frame {
  indent: number;
  batchAlias: string | null;
  batchTable: string | null;
  autocommit: boolean;
}

const NO_ALIASES: ReadonlyMap<string, string | null> = new Map();

function readStatements(fn: MigrationFn, lines: readonly LogicalLine[], ops: Operation[]): void {
  const stack: Frame[] = [];
  // The aliases and autocommit of the open blocks, recomputed only when the stack changes.
  let aliases: ReadonlyMap<string, string | null> = NO_ALIASES;
  let autocommit = false;
  let depth = -1;
  for (const line of lines) {
    while (stack.length > 0 && line.indent <= stack[stack.length - 1].indent) stack.pop();
    if (stack.length !== depth) {
      depth = stack.length;
      const named = stack.filter((f) => f.batchAlias !== null);
      aliases = named.length === 0 ? NO_ALIASES : new Map(named.map((f) => [f.batchAlias as string, f.batchTable]));
      autocommit = stack.some((f) => f.autocommit);
    }
    const toks = line.tokens;
    const ctx: Ctx = {
      fn,
      batchAliases: aliases,
      autocommit,
      stmtStart: toks[0].start,
      indent: line.indent,
    };
    if (toks[0].kind === Tok.Name && (toks[0].text === 'with' || (toks[0].text === 'async' && toks[1]?.text === 'with'))) {
      const frame: Frame = { indent: line.indent, batchAlias: null, batchTable: null, autocommit: false };
      const r = new ArgReader(toks, toks[0].text === 'with' ? 1 : 2);
      const v = r.value();
      if (v.kind === 'call') {
        if (v.callee === 'op.batch_alter_table') {
          const t = v.args[0] ?? v.kwargs.get('table_name');
          frame.batchTable = t?.kind === 'str' ? t.value : '';
          if (r.peek()?.text === 'as' && r.peek(1)?.kind === Tok.Name) frame.batchAlias = r.peek(1)?.text ?? null;
        } else if (v.callee === 'op.get_context().autocommit_block') {
          frame.autocommit = true;
        }
      }
      stack.push(frame);
      // A one-line `with …: stmt` body, and calls in the with-expression itself.
      findCalls(toks, 1, { ...ctx, batchAliases: frame.batchAlias ? new Map([...ctx.batchAliases, [frame.batchAlias, frame.batchTable]]) : ctx.batchAliases, autocommit: ctx.autocommit || frame.autocommit }, ops);
      continue;
    }
    findCalls(toks, 0, ctx, ops);
  }
}

interface Ctx {
  fn: MigrationFn;
  batchAliases: ReadonlyMap<string, string | null>;
  autocommit: boolean;
  stmtStart: number;
  indent: number;
}

/** Finds `op.x(`, `<batch>.x(` and `<any>.execute(` calls anywhere in a statement. */
function findCalls(toks: readonly Token[], from: number, ctx: Ctx, ops: Operation[]): void {
  for (let i = from; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind !== Tok.Name || toks[i + 1]?.text !== '.' || toks[i - 1]?.text === '.') continue;
    // Dotted receiver up to the method name followed by `(`.
    let j = i; // last token of the receiver
    while (toks[j + 1]?.text === '.' && toks[j + 2]?.kind === Tok.Name) {
      if (toks[j + 3]?.text === '(') {
        if (toks[j + 4]?.text === ')' && toks[j + 5]?.text === '.') { j += 4; continue; } // op.get_bind().execute
        break;
      }
      j += 2;
    }
    const dot = toks[j + 1];
    const method = toks[j + 2];
    if (dot?.text !== '.' || method?.kind !== Tok.Name || toks[j + 3]?.text !== '(') continue;
    const receiver = j === i ? t.text : toks.slice(i, j + 1).map((x) => x.text).join('');
    const isOp = receiver === 'op';
    const batch = ctx.batchAliases.has(receiver);
    if (!isOp && !batch && method.text !== 'execute') continue;
    if (isOp && (method.text === 'batch_alter_table' || method.text === 'get_context' || method.text === 'get_bind' || method.text === 'f')) continue;
    const r = new ArgReader(toks, j + 3);
    // create_table's columns matter to no rule: read its name, skip the rest (most of an autogenerated body).
    const call = method.text === 'create_table' ? r.firstArgOnly(receiver + '.' + method.text, t.start) : r.callArgs(receiver + '.' + method.text, t.start);
    ops.push({
      fn: ctx.fn,
      name: method.text,
      receiver,
      batchTable: batch ? (ctx.batchAliases.get(receiver) ?? '') : null,
      autocommit: ctx.autocommit,
      args: call.args,
      kwargs: call.kwargs,
      start: t.start,
      end: call.end,
      close: call.close,
      stmtStart: ctx.stmtStart,
      indent: ctx.indent,
    });
    i = r.i - 1; // continue after the call (nested calls in arguments are values, not operations)
  }
}

const CLOSERS = new Set([')', ']', '}']);

class ArgReader {
  constructor(private readonly toks: readonly Token[], public i: number) {}

  peek(k = 0): Token | undefined {
    return this.toks[this.i + k];
  }

  /** At `(`: reads arguments up to the matching `)`. */
  callArgs(callee: string, start: number): Extract<ArgValue, { kind: 'call' }> {
    const args: ArgValue[] = [];
    const kwargs = new Map<string, ArgValue>();
    this.i++; // (
    for (;;) {
      const t = this.peek();
      if (t === undefined) break;
      if (t.text === ')') { this.i++; return { kind: 'call', callee, args, kwargs, start, end: t.end, close: t.start }; }
      if (t.text === ',') { this.i++; continue; }
      if (t.kind === Tok.Name && this.peek(1)?.text === '=') {
        this.i += 2;
        kwargs.set(t.text, this.value());
      } else if (t.text === '*' || t.text === '**') {
        this.i++;
        const v = this.value();
        args.push({ kind: 'unknown', text: t.text + v.kind, start: t.start, end: v.end, fstring: false });
      } else {
        args.push(this.value());
      }
    }
    const last = this.toks[this.toks.length - 1];
    return { kind: 'call', callee, args, kwargs, start, end: last.end, close: last.end };
  }

  /** At `(`: reads the first argument and skips the others up to the matching `)`. */
  firstArgOnly(callee: string, start: number): Extract<ArgValue, { kind: 'call' }> {
    this.i++; // (
    const args: ArgValue[] = [];
    const first = this.peek();
    if (first !== undefined && first.text !== ')' && !(first.kind === Tok.Name && this.peek(1)?.text === '=')) args.push(this.value());
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t === undefined) break;
      this.i++;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (CLOSERS.has(t.text)) {
        if (depth === 0) return { kind: 'call', callee, args, kwargs: new Map(), start, end: t.end, close: t.start };
        depth--;
      }
    }
    const last = this.toks[this.toks.length - 1];
    return { kind: 'call', callee, args, kwargs: new Map(), start, end: last.end, close: last.end };
  }

  /** One expression up to `,`, a closer, `as`, `:` or the end; unknown unless it is a plain value. */
  value(): ArgValue {
    const from = this.i;
    const v = this.primary();
    const t = this.peek();
    if (v !== null && (t === undefined || t.text === ',' || CLOSERS.has(t.text) || t.text === 'as' || t.text === ':')) return v;
    // Something more (an operator, a subscript, a method call on a value): skip to the end.
    this.i = from;
    let depth = 0;
    let fstring = false;
    for (;;) {
      const u = this.peek();
      if (u === undefined) break;
      if (depth === 0 && (u.text === ',' || CLOSERS.has(u.text) || u.text === 'as' || u.text === ':')) break;
      if (u.text === '(' || u.text === '[' || u.text === '{') depth++;
      else if (CLOSERS.has(u.text)) depth--;
      if (u.str?.kind === 'fstring') fstring = true;
      this.i++;
    }
    const first = this.toks[from];
    const lastTok = this.toks[Math.max(from, this.i - 1)];
    if (first === undefined) return { kind: 'unknown', text: '', start: 0, end: 0, fstring: false };
    return { kind: 'unknown', text: this.toks.slice(from, this.i).map((x) => x.text || '…').join(' '), start: first.start, end: lastTok.end, fstring };
  }

  private primary(): ArgValue | null {
    const t = this.peek();
    if (t === undefined) return null;
    if (t.kind === Tok.String) {
      // Implicit concatenation of plain strings.
      let value = '';
      let end = t.end;
      let ok = true;
      while (this.peek()?.kind === Tok.String) {
        const s = this.peek()?.str;
        if (s === undefined || s.kind !== 'str' || s.value === null) ok = false;
        else value += s.value;
        end = this.peek()?.end ?? end;
        this.i++;
      }
      return ok ? { kind: 'str', value, start: t.start, end } : null;
    }
    if (t.kind === Tok.Number) { this.i++; return { kind: 'num', text: t.text, start: t.start, end: t.end }; }
    if (t.text === '-' && this.peek(1)?.kind === Tok.Number) {
      const n = this.peek(1) as Token;
      this.i += 2;
      return { kind: 'num', text: '-' + n.text, start: t.start, end: n.end };
    }
    if (t.kind === Tok.Name) {
      if (t.text === 'True' || t.text === 'False') { this.i++; return { kind: 'bool', value: t.text === 'True', start: t.start, end: t.end }; }
      if (t.text === 'None') { this.i++; return { kind: 'none', start: t.start, end: t.end }; }
      if (t.text === 'lambda' || t.text === 'not' || t.text === 'await') return null;
      let name = t.text;
      let end = t.end;
      this.i++;
      for (;;) {
        const u = this.peek();
        if (u?.text === '.' && this.peek(1)?.kind === Tok.Name) {
          name += '.' + (this.peek(1) as Token).text;
          end = (this.peek(1) as Token).end;
          this.i += 2;
        } else if (u?.text === '(') {
          const call = this.callArgs(name, t.start);
          // A call followed by `.name` (op.get_context().autocommit_block) keeps reading the chain.
          if (this.peek()?.text === '.' && this.peek(1)?.kind === Tok.Name) {
            name += '()';
            end = call.end;
            continue;
          }
          return call;
        } else break;
      }
      return { kind: 'name', text: name, start: t.start, end };
    }
    if (t.text === '(' || t.text === '[') {
      const close = t.text === '(' ? ')' : ']';
      const items: ArgValue[] = [];
      this.i++;
      for (;;) {
        const u = this.peek();
        if (u === undefined) return null;
        if (u.text === close) { this.i++; return { kind: 'seq', items, start: t.start, end: u.end }; }
        if (u.text === ',') { this.i++; continue; }
        if (CLOSERS.has(u.text)) return null;
        const before = this.i;
        items.push(this.value());
        if (this.i === before) return null;
      }
    }
    return null;
  }
}

/** The string value of an argument, or null. */
export function strOf(v: ArgValue | undefined): string | null {
  return v?.kind === 'str' ? v.value : null;
}

/** Positional argument `index` or keyword `name`. */
export function argOf(op: { args: readonly ArgValue[]; kwargs: ReadonlyMap<string, ArgValue> }, index: number, name: string): ArgValue | undefined {
  return op.kwargs.get(name) ?? (index >= 0 ? op.args[index] : undefined);
}

/** True when keyword `name` is the literal True. */
export function isTrue(v: ArgValue | undefined): boolean {
  return v?.kind === 'bool' && v.value;
}
