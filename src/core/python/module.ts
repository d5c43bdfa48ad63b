// One pass over a Python module's text that reads its module-level (column 0) simple statements
// without tokenizing the rest: strings, brackets, comments and continuations are tracked
// everywhere so nothing inside a function, class or string is ever taken for a module variable.
// Stops at the first syntax error it can see (as Python would refuse the file) and keeps what it
// read before it. Never throws.
import { ExprReader, isIdentStart } from './expr';
import type { LineIndex } from './lines';
import { findStringEnd, readString, type StringError, stringPrefixLength } from './strings';
import { type ImportRef, type ImportResolver, type PyValue, unresolved } from './values';

export interface ModuleAssignment {
  name: string;
  value: PyValue;
  /** Statement bounds (offsets; end excludes trailing comments). */
  start: number;
  end: number;
}

export interface ModuleDocstring {
  value: string;
  /** Raw content bounds of the literal when the docstring is one plain (non-raw or raw) literal. */
  contentStart: number;
  contentEnd: number;
  single: boolean;
}

export interface ModuleScan {
  docstring: ModuleDocstring | null;
  /** The last module-level assignment of each tracked name (execution order: later wins). */
  assignments: Map<string, ModuleAssignment>;
  error: { message: string; offset: number } | null;
}

const COMPOUND = new Set(['def', 'class', 'if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally', 'async']);
const SIMPLE_KEYWORDS = new Set([
  'pass', 'del', 'global', 'nonlocal', 'assert', 'raise', 'return', 'break', 'continue', 'yield', 'await',
  'lambda', 'not', 'None', 'True', 'False', 'print',
]);
// Shared values for bindings that never resolve (read-only: nothing mutates a PyValue), so that the
// definitions of every file do not each allocate one.
const A_FUNCTION = unresolved('a function');
const A_CLASS = unresolved('a class');
const AUGMENTED = unresolved('an augmented assignment', 'by an augmented assignment');
const OPEN_NAME: Record<number, string> = { 40: '(', 91: '[', 123: '{' };
const CLOSE_NAME: Record<number, string> = { 41: ')', 93: ']', 125: '}' };

// Character classes for the skipper (ASCII only; everything >= 128 is ordinary).
const NEWLINE = 1;
const HASH = 2;
const BACKSLASH = 3;
const QUOTE = 4;
const OPEN = 5;
const CLOSE = 6;
const SEMI = 7;
const CLASS = new Uint8Array(128);
CLASS[10] = CLASS[13] = NEWLINE;
CLASS[35] = HASH;
CLASS[92] = BACKSLASH;
CLASS[34] = CLASS[39] = QUOTE;
CLASS[40] = CLASS[91] = CLASS[123] = OPEN;
CLASS[41] = CLASS[93] = CLASS[125] = CLOSE;
CLASS[59] = SEMI;

/** The names whose assignments a scan reports. */
export interface NameFilter {
  has(name: string): boolean;
}

/** Every name: a module read for its constants. */
export const ALL_NAMES: NameFilter = { has: () => true };

/**
 * Reads a module's top level. `resolve`, when given, evaluates names imported from other modules
 * where a value is read (`cli.EXPAND_BRANCH`, `NAME` of `from m import NAME`); without it such
 * values stay unresolved, carrying their import ref.
 */
export function scanModule(text: string, tracked: NameFilter, lines: LineIndex, resolve?: ImportResolver): ModuleScan {
  const s = new Scanner(text, tracked, lines, resolve);
  s.run();
  return { docstring: s.docstring, assignments: s.assignments, error: s.error };
}

/**
 * Offsets where the comments of `text` start (each runs to the end of its line), in order, as far
 * as the scan got (it stops at the first syntax error).
 */
export function commentStarts(text: string, lines: LineIndex): number[] {
  const s = new Scanner(text, new Set(), lines);
  s.comments = [];
  s.run();
  return s.comments;
}

class Scanner {
  readonly len: number;
  readonly env = new Map<string, PyValue>();
  readonly assignments = new Map<string, ModuleAssignment>();
  readonly reader: ExprReader;
  docstring: ModuleDocstring | null = null;
  error: { message: string; offset: number } | null = null;
  /** Where comments start, when asked for (`commentStarts`). */
  comments: number[] | null = null;
  private first = true;
  // Results of the last skip():
  private sEnd = 0;
  private sContentEnd = 0;
  private sLast = 0;
  private readonly stack: number[] = [];
  /** First keyword of the last column-0 line when it is a compound statement. */
  private keyword = '';
  /** Whether the text has any `\r` (without one, a line ends at the next `\n`). */
  private readonly hasCR: boolean;
  // Cache of backslashFrom(): the first backslash at or after bsFrom is at bsAt (-1: none).
  private bsFrom = -1;
  private bsAt = -1;

  constructor(readonly text: string, readonly tracked: NameFilter, readonly lines: LineIndex, resolve?: ImportResolver) {
    this.len = text.length;
    this.reader = new ExprReader(text, this.env, resolve);
    this.hasCR = text.indexOf('\r') >= 0;
  }

  /** Offset of the first backslash at or after `from`, or the text length when none. */
  private backslashFrom(from: number): number {
    if (this.bsFrom < 0 || from < this.bsFrom || (this.bsAt >= 0 && this.bsAt < from)) {
      this.bsFrom = from;
      this.bsAt = this.text.indexOf('\\', from);
    }
    return this.bsAt < 0 ? this.len : this.bsAt;
  }

  private fail(message: string, offset: number): void {
    if (this.error === null) this.error = { message, offset };
  }

  run(): void {
    const text = this.text;
    const len = this.len;
    let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let prevIndent = -1;
    let prevColon = false;
    let block = ''; // keyword of the enclosing column-0 compound statement
    let bodyIndent = -1;
    let headerStart = 0;
    while (pos < len && this.error === null) {
      // Indentation as Python 3.11's tokenizer counts it: a form feed resets the column; a line
      // that is only a backslash continuation joins the next one (a blank or comment line after it
      // makes the whole a blank line), and its column counts when it is not 0.
      let lineStart = pos;
      let contIndent = -1;
      let c = text.charCodeAt(pos);
      for (;;) {
        while (c === 32 || c === 9 || c === 12) {
          if (c === 12) lineStart = pos + 1;
          c = text.charCodeAt(++pos);
        }
        if (c !== 92) break;
        const n = text.charCodeAt(pos + 1);
        if (n !== 10 && n !== 13) break;
        if (contIndent < 0 && pos > lineStart) contIndent = pos - lineStart;
        pos += n === 13 && text.charCodeAt(pos + 2) === 10 ? 3 : 2;
        lineStart = pos;
        c = text.charCodeAt(pos);
      }
      if (c === 10) { pos++; continue; }
      if (c === 13) { pos += text.charCodeAt(pos + 1) === 10 ? 2 : 1; continue; }
      if (c === 35) {
        this.comments?.push(pos);
        pos = this.skipComment(pos);
        continue;
      }
      if (pos >= len) break;
      const indent = contIndent >= 0 ? contIndent : pos - lineStart;
      let next: number;
      if (indent === 0) {
        if (prevColon) { this.fail(this.expectedBlock(prevIndent, headerStart), pos); break; }
        headerStart = pos;
        next = this.moduleLine(pos);
        block = this.keyword;
        bodyIndent = -1;
      } else {
        if (prevIndent === -1 || (prevIndent === 0 && !prevColon)) { this.fail('unexpected indent', pos); break; }
        if (bodyIndent === -1) bodyIndent = indent;
        if (block === 'def' || block === 'class' || block === 'async') {
          next = this.skip(pos, false, true); // the whole body in one go
        } else {
          next = this.skip(pos, false);
          if (indent === bodyIndent && block !== '' && this.error === null) this.blockAssignment(pos, block);
        }
      }
      prevIndent = indent;
      prevColon = this.sLast === 58;
      pos = next;
    }
    if (this.error === null && prevColon) this.fail(this.expectedBlock(prevIndent, headerStart), this.sContentEnd);
  }

  /** Python's wording: "expected an indented block after function definition on line 3". */
  private expectedBlock(prevIndent: number, headerStart: number): string {
    const kw = this.keyword;
    if (prevIndent !== 0 || kw === '') return 'expected an indented block';
    const what = kw === 'def' || kw === 'async' ? 'function definition' : kw === 'class' ? 'class definition' : `'${kw}' statement`;
    return `expected an indented block after ${what} on line ${this.lines.lineAt(headerStart) + 1}`;
  }

  private skipComment(pos: number): number {
    const text = this.text;
    const len = this.len;
    if (!this.hasCR) {
      const nl = text.indexOf('\n', pos);
      return nl < 0 ? len : nl;
    }
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if (c === 10 || c === 13) break;
      pos++;
    }
    return pos;
  }

  /**
   * Skips one statement (or logical line when `semi` is false) from `pos`, tracking strings,
   * brackets, comments and backslash continuations. Sets sEnd (terminator offset), sContentEnd
   * (after the last significant character) and sLast; returns the offset after the terminator.
   * Hot path: ordinary characters go through one table lookup in a tight inner loop.
   */
  private skip(pos: number, semi: boolean, block = false): number {
    const text = this.text;
    const len = this.len;
    const stack = this.stack;
    const start = pos;
    let depth = 0;
    let commentStart = -1;
    let commentEnd = -1;
    while (pos < len) {
      let c = text.charCodeAt(pos);
      while (c >= 128 || CLASS[c] === 0) {
        if (++pos >= len) break;
        c = text.charCodeAt(pos);
      }
      if (pos >= len) break;
      switch (CLASS[c]) {
        case NEWLINE:
          if (depth === 0) {
            const after = pos + (c === 13 && text.charCodeAt(pos + 1) === 10 ? 2 : 1);
            // Block mode (a def/class body): go on through indented, blank and comment lines.
            const n = text.charCodeAt(after);
            if (!block || !(n === 32 || n === 9 || n === 12 || n === 10 || n === 13 || n === 35)) {
              return this.finish(start, pos, commentStart, commentEnd, after);
            }
            pos = after;
            continue;
          }
          pos++;
          continue;
        case HASH:
          this.comments?.push(pos);
          commentStart = pos;
          pos = this.skipComment(pos);
          commentEnd = pos;
          continue;
        case BACKSLASH: {
          const n = text.charCodeAt(pos + 1);
          if (n === 10) pos += 2;
          else if (n === 13) pos += text.charCodeAt(pos + 2) === 10 ? 3 : 2;
          else if (pos + 1 >= len) { this.fail('unexpected EOF while parsing', pos); return this.stop(); }
          else { this.fail('unexpected character after line continuation character', pos); return this.stop(); }
          continue;
        }
        case QUOTE: {
          // Fast paths for the usual literals; anything unusual goes to findStringEnd from the start.
          let end = -1;
          if (text.charCodeAt(pos + 1) !== c || text.charCodeAt(pos + 2) !== c) {
            // One-line literal without escapes: the next quote of its kind before a newline.
            for (let i = pos + 1; i < len; i++) {
              const d = text.charCodeAt(i);
              if (d === c) { end = i + 1; break; }
              if (d === 92 || d === 10 || d === 13) break;
            }
          } else {
            // Triple-quoted without a backslash before its closing quotes.
            const close = text.indexOf(c === 34 ? '"""' : "'''", pos + 3);
            if (close >= 0 && this.backslashFrom(pos + 3) > close) end = close + 3;
          }
          if (end < 0) {
            const e = findStringEnd(text, pos, pos);
            if (typeof e !== 'number') return this.stringError(e);
            end = e;
          }
          pos = end;
          continue;
        }
        case OPEN:
          // Python's tokenizer refuses more than 200 levels; this also bounds ExprReader's recursion.
          if (depth >= 200) { this.fail('too many nested parentheses', pos); return this.stop(); }
          stack[depth++] = pos++;
          continue;
        case CLOSE: {
          if (depth === 0) { this.fail(`unmatched '${CLOSE_NAME[c]}'`, pos); return this.stop(); }
          const open = stack[--depth];
          const o = text.charCodeAt(open);
          if (o !== (c === 41 ? 40 : c - 2)) {
            const openLine = this.lines.lineAt(open);
            const where = openLine === this.lines.lineAt(pos) ? '' : ` on line ${openLine + 1}`;
            this.fail(`closing parenthesis '${CLOSE_NAME[c]}' does not match opening parenthesis '${OPEN_NAME[o]}'${where}`, pos);
            return this.stop();
          }
          pos++;
          continue;
        }
        default: // SEMI
          if (semi && depth === 0) return this.finish(start, pos, commentStart, commentEnd, pos + 1);
          pos++;
      }
    }
    if (depth > 0) {
      const open = stack[depth - 1];
      this.fail(`'${OPEN_NAME[text.charCodeAt(open)]}' was never closed`, open);
      return this.stop();
    }
    return this.finish(start, len, commentStart, commentEnd, len);
  }

  /** Records the statement's end: terminator at `end`, content end found by walking back over
   * a trailing comment, spaces and continuations. */
  private finish(start: number, end: number, commentStart: number, commentEnd: number, next: number): number {
    const text = this.text;
    let e = commentEnd === end ? commentStart : end;
    while (e > start) {
      const c = text.charCodeAt(e - 1);
      if (c === 32 || c === 9 || c === 12 || c === 10 || c === 13 || c === 92) e--;
      else break;
    }
    this.sEnd = end;
    this.sContentEnd = e;
    this.sLast = e > start ? text.charCodeAt(e - 1) : 0;
    return next;
  }

  private stringError(end: StringError): number {
    // Python names the line of the last character it read.
    const len = this.len;
    const line = this.lines.lineAt(end.at >= len && len > 0 ? len - 1 : end.at) + 1;
    this.fail(`${end.message} (detected at line ${line})`, end.start);
    return this.stop();
  }

  private stop(): number {
    this.sEnd = this.len;
    this.sContentEnd = this.len;
    this.sLast = 0;
    return this.len;
  }

  private identEnd(pos: number): number {
    const text = this.text;
    const len = this.len;
    while (pos < len) {
      const c = text.charCodeAt(pos);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57) || c >= 128) pos++;
      else break;
    }
    return pos;
  }

  /** Spaces, tabs and backslash continuations (not newlines). */
  private spaces(pos: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 12) pos++;
      else if (c === 92 && text.charCodeAt(pos + 1) === 10) pos += 2;
      else if (c === 92 && text.charCodeAt(pos + 1) === 13) pos += text.charCodeAt(pos + 2) === 10 ? 3 : 2;
      else return pos;
    }
  }

  /** A column-0 logical line: simple statements separated by `;`, or a compound statement. */
  private moduleLine(pos: number): number {
    const text = this.text;
    this.keyword = '';
    for (;;) {
      const c = text.charCodeAt(pos);
      let next: number;
      if (c === 39 || c === 34 || (isIdentStart(c) && stringPrefixLength(text, pos) > 0)) {
        next = this.stringStatement(pos);
      } else if (isIdentStart(c)) {
        const nameEnd = this.identEnd(pos);
        const name = text.slice(pos, nameEnd);
        if (COMPOUND.has(name)) {
          this.keyword = name;
          if (name === 'def' || name === 'class') this.bindDefinition(nameEnd, name);
          this.first = false;
          return this.skip(nameEnd, false);
        }
        if (name === 'import' || name === 'from') next = this.importStatement(pos, nameEnd, name);
        else if (SIMPLE_KEYWORDS.has(name)) next = this.skip(nameEnd, true);
        else next = this.nameStatement(pos, name, nameEnd);
      } else {
        next = this.skip(pos, true);
      }
      this.first = false;
      if (this.error !== null || this.sEnd >= this.len || text.charCodeAt(this.sEnd) !== 59) return next;
      pos = this.spaces(next);
      const n = text.charCodeAt(pos);
      if (pos >= this.len || n === 10 || n === 13 || n === 35) return this.skip(pos, false);
    }
  }

  private bindDefinition(pos: number, keyword: string): void {
    const start = this.spaces(pos);
    const end = this.identEnd(start);
    if (end > start) this.bind(this.text.slice(start, end), keyword === 'def' ? A_FUNCTION : A_CLASS, start, end);
  }

  private bind(name: string, value: PyValue, start: number, end: number): void {
    this.env.set(name, value);
    if (this.tracked.has(name)) this.assignments.set(name, { name, value, start, end });
  }

  private stringStatement(pos: number): number {
    const next = this.skip(pos, true);
    if (!this.first || this.error !== null) return next;
    // The usual docstring is one literal: read it once.
    const lit = readString(this.text, pos);
    if (lit !== null && 'kind' in lit && lit.end === this.sContentEnd) {
      if (lit.value !== null) {
        this.docstring = { value: lit.value, contentStart: lit.contentStart, contentEnd: lit.contentEnd, single: true };
      }
      return next;
    }
    const value = this.reader.readTop(pos, this.sEnd);
    if (value !== null && value.kind === 'str' && this.reader.ws() === -1) {
      this.docstring = { value: value.value, contentStart: pos, contentEnd: this.sContentEnd, single: false };
    }
    return next;
  }

  private nameStatement(start: number, name: string, nameEnd: number): number {
    const text = this.text;
    const p = this.spaces(nameEnd);
    const c = text.charCodeAt(p);
    const n = text.charCodeAt(p + 1);
    if (c === 61 && n !== 61) return this.assignment(start, name, p + 1);
    if (c === 58) {
      const next = this.skip(p + 1, true);
      if (this.error !== null) return next;
      const eq = this.findAssign(p + 1, this.sEnd);
      if (eq >= 0) this.assignment(start, name, eq + 1);
      return next;
    }
    const next = this.skip(p, true);
    if (this.error !== null) return next;
    const augmented = (n === 61 && (c === 43 || c === 45 || c === 42 || c === 47 || c === 37 || c === 38 ||
      c === 124 || c === 94 || c === 64)) ||
      (text.charCodeAt(p + 2) === 61 && ((c === 42 && n === 42) || (c === 47 && n === 47) || (c === 60 && n === 60) || (c === 62 && n === 62)));
    if (augmented) {
      this.bind(name, AUGMENTED, start, this.sContentEnd);
    } else if (c === 44) {
      const eq = this.findAssign(p, this.sEnd);
      if (eq >= 0) {
        // Unpacking: `a, b = ...` binds every name before the `=`.
        const value = unresolved('an unpacking assignment', 'by an unpacking assignment');
        this.bind(name, value, start, this.sContentEnd);
        let q = p;
        while (q < eq) {
          const d = text.charCodeAt(q);
          if (isIdentStart(d)) {
            const e = this.identEnd(q);
            this.bind(text.slice(q, e), value, start, this.sContentEnd);
            q = e;
          } else q++;
        }
      }
    }
    return next;
  }

  /** `name = value` (with `value` starting at `valueStart`), including chains `a = b = value`. */
  private assignment(start: number, name: string, valueStart: number): number {
    const next = this.skip(valueStart, true);
    if (this.error !== null) return next;
    const end = this.sEnd;
    const contentEnd = this.sContentEnd;
    const reader = this.reader;
    const targets = [name];
    let p = valueStart;
    let value: PyValue | null;
    for (;;) {
      value = reader.readTop(p, end);
      if (value === null) {
        this.fail('invalid syntax', reader.errorAt >= 0 ? reader.errorAt : p);
        return next;
      }
      if (reader.bareName !== null && reader.ws() === 61) {
        targets.push(reader.bareName);
        p = reader.pos + 1;
        continue;
      }
      break;
    }
    if (value.kind !== 'unresolved' && reader.ws() !== -1) {
      this.fail('invalid syntax', reader.pos);
      return next;
    }
    for (const t of targets) this.bind(t, value, start, contentEnd);
    return next;
  }

  /** Offset of a plain `=` at bracket depth 0 in [pos, end), or -1. */
  private findAssign(pos: number, end: number): number {
    const text = this.text;
    let depth = 0;
    while (pos < end) {
      const c = text.charCodeAt(pos);
      if (c === 39 || c === 34) {
        const e = findStringEnd(text, pos, pos);
        if (typeof e !== 'number') return -1;
        pos = e;
        continue;
      }
      if (c === 35) { pos = this.skipComment(pos); continue; }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (c === 41 || c === 93 || c === 125) depth--;
      else if (c === 61 && depth === 0) {
        const prev = text.charCodeAt(pos - 1);
        if (text.charCodeAt(pos + 1) !== 61 && prev !== 61 && prev !== 33 && prev !== 60 && prev !== 62) return pos;
        pos++;
      }
      pos++;
    }
    return -1;
  }

  private importStatement(start: number, pos: number, keyword: string): number {
    const next = this.skip(pos, true);
    if (this.error !== null) return next;
    const text = this.text;
    const end = this.sEnd;
    // Tokens in order: dotted names (dots kept, so relative imports keep their level), 'as',
    // ',' between items; `import` switches a `from` statement to its items.
    let from = '';
    let importing = keyword === 'import';
    let item: string[] = [];
    let dotted = '';
    const flushName = (): void => {
      if (dotted !== '') item.push(dotted);
      dotted = '';
    };
    const flush = (): void => {
      flushName();
      if (item.length === 0) return;
      const asAt = item.indexOf('as');
      const written = item[0];
      const alias = asAt >= 0 ? item[asAt + 1] : undefined;
      item = [];
      if (written === undefined || written === '*') return;
      let bound: string;
      let ref: ImportRef;
      if (keyword === 'from') {
        bound = alias ?? written;
        ref = { module: from, attrs: [written], expr: '' };
      } else if (alias !== undefined) {
        bound = alias;
        ref = { module: written, attrs: [], expr: '' };
      } else {
        // `import a.b.c` binds `a`.
        bound = written.split('.')[0];
        ref = { module: bound, attrs: [], expr: '' };
      }
      if (bound !== '') this.bind(bound, unresolved('an imported name', 'by an import', ref), start, this.sContentEnd);
    };
    while (pos < end) {
      const c = text.charCodeAt(pos);
      if (isIdentStart(c)) {
        const e = this.identEnd(pos);
        const word = text.slice(pos, e);
        pos = e;
        if (!importing) {
          if (word === 'import') {
            importing = true;
            from = dotted;
            dotted = '';
          } else dotted += word;
          continue;
        }
        if (word === 'as') {
          flushName();
          item.push('as');
        } else if (dotted === '' || dotted.endsWith('.')) dotted += word;
        else {
          flushName();
          dotted = word;
        }
      } else {
        if (c === 46) dotted += '.';
        else if (c === 42 && importing) dotted = '*';
        else if (c === 44 && importing) flush();
        else if (c === 35) { pos = this.skipComment(pos); continue; }
        pos++;
      }
    }
    flush();
    return next;
  }

  /** A tracked name assigned inside a column-0 `if`/`try`/`for`/`with`/… block: not static. */
  private blockAssignment(pos: number, block: string): void {
    const text = this.text;
    const nameEnd = this.identEnd(pos);
    if (nameEnd === pos) return;
    const name = text.slice(pos, nameEnd);
    if (!this.tracked.has(name)) return;
    const p = this.spaces(nameEnd);
    const c = text.charCodeAt(p);
    if ((c === 61 && text.charCodeAt(p + 1) !== 61) || c === 58) {
      const value = unresolved(`an assignment inside an '${block}' block`, `inside an '${block}' block`);
      this.bind(name, value, pos, this.sContentEnd);
    }
  }
}
