// Reads the value of one module-level expression within known bounds [pos, end) — the statement
// scanner has already checked strings and brackets there. Stops at the first thing it cannot
// resolve statically and says what it was; never executes, never guesses.
import { readString, stringPrefixLength } from './strings';
import { describeValue, type ImportRef, type ImportResolver, type PyStr, type PyValue, shownName, unresolved } from './values';

export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

export function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57) || c >= 128;
}

const OPERATOR_WORDS = new Set(['if', 'else', 'and', 'or', 'in', 'is', 'not', 'for']);

export class ExprReader {
  pos = 0;
  end = 0;
  /** Offset of a syntax error, or -1. */
  errorAt = -1;
  /** Set when the top-level expression was a bare name (a chained-assignment target). */
  bareName: string | null = null;

  constructor(
    private readonly text: string,
    private readonly env: ReadonlyMap<string, PyValue>,
    private readonly resolve?: ImportResolver,
  ) {}

  /** Skips spaces, comments, newlines and line continuations (newlines only occur inside
   * brackets or after a backslash within a statement's bounds). */
  ws(): number {
    const text = this.text;
    let p = this.pos;
    const end = this.end;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 9 || c === 12 || c === 10 || c === 13 || c === 92) p++;
      else if (c === 35) {
        while (p < end && text.charCodeAt(p) !== 10 && text.charCodeAt(p) !== 13) p++;
      } else break;
    }
    this.pos = p;
    return p < end ? text.charCodeAt(p) : -1;
  }

  /** A bare or parenthesised expression list (a bare tuple `'a', 'b'` at statement level). */
  readTop(start: number, end: number): PyValue | null {
    this.pos = start;
    this.end = end;
    this.errorAt = -1;
    this.bareName = null;
    const first = this.expr(true);
    if (first === null || first.kind === 'unresolved') return first;
    if (this.ws() !== 44) return first;
    this.bareName = null;
    return this.sequenceRest('tuple', first, -1);
  }

  private fail(at: number): null {
    if (this.errorAt < 0) this.errorAt = at;
    return null;
  }

  /** After the first item, at its comma (or at `close`): reads the rest up to `close`
   * (-1: a bare tuple, ended by the bounds or a chained `=`). */
  private sequenceRest(seq: 'tuple' | 'list', first: PyValue, close: number): PyValue | null {
    const items: PyValue[] = [first];
    for (;;) {
      let c = this.ws();
      if (close !== -1 && c === close) {
        this.pos++;
        break;
      }
      if (c !== 44) {
        if (close === -1) break;
        return this.fail(this.pos);
      }
      this.pos++;
      c = this.ws();
      if (close !== -1 && c === close) {
        this.pos++;
        break;
      }
      if (close === -1 && (c === -1 || (c === 61 && this.text.charCodeAt(this.pos + 1) !== 61))) break;
      const item = this.expr(false);
      if (item === null) return null;
      if (item.kind === 'unresolved') return unresolved(`a ${seq} containing ${item.what}`, undefined, item.ref);
      items.push(item);
    }
    const strs: PyStr[] = [];
    for (const item of items) {
      if (item.kind !== 'str') return unresolved(`a ${seq} containing ${describeValue(item)}`);
      strs.push(item);
    }
    return { kind: 'seq', seq, items: strs };
  }

  private expr(top: boolean): PyValue | null {
    const text = this.text;
    const c = this.ws();
    const start = this.pos;
    if (c === -1) return this.fail(start);
    let value: PyValue | null;
    if (c === 39 || c === 34 || (isIdentStart(c) && stringPrefixLength(text, start) > 0)) {
      value = this.strings();
      if (value === null) return null;
    } else if (isIdentStart(c)) {
      let p = start + 1;
      while (p < this.end && isIdentPart(text.charCodeAt(p))) p++;
      const name = text.slice(start, p);
      this.pos = p;
      let after = this.ws();
      const bound = this.env.get(name);
      if (bound !== undefined && bound.kind === 'unresolved' && bound.ref !== undefined && !(top && after === 61)) {
        value = this.imported(bound.ref, name, start);
        if (value.kind === 'unresolved') return value;
        after = this.ws();
        return this.afterAtom(value, top, after);
      }
      if (after === 40) return unresolved('a function call');
      if (after === 46) return unresolved('an attribute access');
      if (after === 91) return unresolved('a subscript');
      if (top && after === 61 && text.charCodeAt(this.pos + 1) !== 61) {
        this.bareName = name; // a chained-assignment target: `a = b = 'x'`
        return { kind: 'none' };
      }
      switch (name) {
        case 'None': value = { kind: 'none' }; break;
        case 'True': case 'False': return unresolved('a boolean');
        case 'lambda': return unresolved('a lambda expression');
        case 'not': case 'await': case 'yield': return unresolved('an expression');
        default: {
          const known = this.env.get(name);
          if (known === undefined) {
            return unresolved(`the name ${name}, which is not assigned at module level before this line`);
          }
          if (known.kind === 'unresolved') return unresolved(`the name ${name} (${known.what})`);
          value = known;
        }
      }
    } else if (c >= 48 && c <= 57) {
      return unresolved('a number');
    } else if (c === 46) {
      const n = text.charCodeAt(start + 1);
      return n >= 48 && n <= 57 ? unresolved('a number') : this.fail(start);
    } else if (c === 40 || c === 91) {
      this.pos++;
      const close = c === 40 ? 41 : 93;
      const seq = c === 40 ? 'tuple' : 'list';
      if (this.ws() === close) {
        this.pos++;
        value = { kind: 'seq', seq, items: [] };
      } else {
        const first = this.expr(false);
        if (first === null) return first;
        if (first.kind === 'unresolved') return first.ref === undefined ? first : unresolved(`a ${seq} containing ${first.what}`, undefined, first.ref);
        const n = this.ws();
        if (c === 40 && n === 41) {
          this.pos++;
          value = first;
        } else if (n === 44 || n === close) {
          value = this.sequenceRest(seq, first, close);
          if (value === null || value.kind === 'unresolved') return value;
        } else return this.operatorOrFail(n);
      }
    } else if (c === 123) {
      return unresolved('a dict or set display');
    } else if (c === 45 || c === 43 || c === 126) {
      return unresolved('an expression with operators');
    } else if (c === 42) {
      return unresolved('an unpacking (*)');
    } else {
      return this.fail(start);
    }
    return this.afterAtom(value, top, this.ws());
  }

  /**
   * A name bound by an import, possibly followed by `.attr` chains: the value the resolver reads
   * from the project's modules (its string ranges moved onto the expression as written here), or
   * unresolved carrying the ref. Leaves `pos` after the expression.
   */
  private imported(binding: ImportRef, name: string, start: number): PyValue {
    const text = this.text;
    const attrs = [...binding.attrs];
    let exprEnd = start + name.length;
    for (;;) {
      if (this.ws() !== 46) break;
      const save = this.pos;
      this.pos++;
      const c = this.ws();
      if (!isIdentStart(c)) {
        this.pos = save;
        break;
      }
      let p = this.pos + 1;
      while (p < this.end && isIdentPart(text.charCodeAt(p))) p++;
      attrs.push(text.slice(this.pos, p));
      this.pos = p;
      exprEnd = p;
    }
    const expr = text.slice(start, exprEnd).replace(/\s+/g, '');
    const next = this.ws();
    if (next === 40) return unresolved(`a call of ${shownName(expr)}`);
    if (next === 91) return unresolved(`a subscript of ${shownName(expr)}`);
    const ref: ImportRef = { module: binding.module, attrs, expr };
    if (this.resolve === undefined) return unresolved(`the imported value ${shownName(expr)}`, undefined, ref);
    const v = this.resolve(ref);
    switch (v.kind) {
      case 'unresolved': return v.ref === undefined ? { ...v, ref } : v;
      case 'str': return { kind: 'str', value: v.value, idStart: start, idEnd: exprEnd, imported: 'value' };
      case 'seq': return { kind: 'seq', seq: v.seq, items: v.items.map((s) => ({ kind: 'str', value: s.value, idStart: start, idEnd: exprEnd, imported: 'item' })) };
      case 'none': return v;
    }
  }

  /** After an atom: a trailer or operator makes the whole thing something we do not resolve. */
  private afterAtom(value: PyValue, top: boolean, n: number): PyValue | null {
    const text = this.text;
    if (n === -1 || n === 44 || n === 41 || n === 93) return value;
    if (n === 61 && text.charCodeAt(this.pos + 1) !== 61) return top ? value : this.fail(this.pos);
    if (n === 40) return unresolved('a function call');
    if (n === 46) return unresolved('an attribute access');
    if (n === 91) return unresolved('a subscript');
    return this.operatorOrFail(n);
  }

  private operatorOrFail(n: number): PyValue | null {
    if (isIdentStart(n)) {
      let p = this.pos + 1;
      while (p < this.end && isIdentPart(this.text.charCodeAt(p))) p++;
      const word = this.text.slice(this.pos, p);
      if (OPERATOR_WORDS.has(word)) {
        return unresolved(word === 'if' ? 'a conditional expression' : word === 'for' ? 'a comprehension' : 'an expression with operators');
      }
      return this.fail(this.pos);
    }
    // + - * / % & | ^ < > ! @ = (==)
    if (n === 43 || n === 45 || n === 42 || n === 47 || n === 37 || n === 38 || n === 124 || n === 94 ||
        n === 60 || n === 62 || n === 33 || n === 64 || n === 61) {
      return unresolved('an expression with operators');
    }
    if (n === 58) return unresolved('an assignment expression or slice');
    return this.fail(this.pos);
  }

  /** One or more adjacent string literals (implicit concatenation). */
  private strings(): PyValue | null {
    const text = this.text;
    let value = '';
    let count = 0;
    let first = this.pos;
    let idStart = 0;
    let idEnd = 0;
    let lastEnd = this.pos;
    let problem: string | null = null;
    for (;;) {
      const c = this.ws();
      if (c === -1 || !(c === 39 || c === 34 || (isIdentStart(c) && stringPrefixLength(text, this.pos) > 0))) break;
      const lit = readString(text, this.pos);
      if (lit === null || !('kind' in lit)) return this.fail(this.pos);
      if (count === 0) {
        first = lit.start;
        idStart = lit.contentStart;
      }
      idEnd = lit.contentEnd;
      count++;
      if (problem === null) {
        if (lit.kind === 'bytes') problem = 'a bytes literal';
        else if (lit.kind === 'fstring') problem = 'an f-string';
        else if (lit.value === null) problem = 'a string with a \\N{...} escape';
        else value += lit.value;
      }
      this.pos = lit.end;
      lastEnd = lit.end;
    }
    if (problem !== null) return unresolved(problem);
    if (count > 1) {
      idStart = first;
      idEnd = lastEnd;
    }
    return { kind: 'str', value, idStart, idEnd };
  }
}
