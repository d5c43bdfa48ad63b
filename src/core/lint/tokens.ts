// A Python tokenizer for one function body: names, numbers, strings, operators, comments and
// logical-line ends (newlines inside brackets or after a backslash do not end a line). Works on
// char codes over [start, end) of the module text; never throws (an unterminated string ends the
// body's tokens there).
import { isIdentPart, isIdentStart } from '../python/expr';
import { findStringEnd, readString, stringPrefixLength, type StringLiteral } from '../python/strings';

export const enum Tok {
  Name = 1,
  Number,
  String,
  Op,
  /** End of a logical line; `indent` of the NEXT line is not known here. */
  Newline,
}

export interface Token {
  kind: Tok;
  start: number;
  end: number;
  /** Name or operator text ('' for strings and numbers). */
  text: string;
  /** For a string: the literal. */
  str?: StringLiteral;
}

export interface Comment {
  start: number;
  end: number;
  text: string;
}

export interface LogicalLine {
  /** Column of the first token (spaces; a tab counts to the next multiple of 8). */
  indent: number;
  tokens: Token[];
}

const LINT_PREFIX = 'alembic-lint:';
const WS_RE = /\s/u;

/** Whether the comment text in [p, end) (after `#`) starts with `alembic-lint:` once whitespace is trimmed. */
function isLintComment(text: string, p: number, end: number): boolean {
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === 32 || c === 9 || c === 11 || c === 12 || (c >= 128 && WS_RE.test(text[p]))) p++;
    else break;
  }
  return p + LINT_PREFIX.length <= end && text.startsWith(LINT_PREFIX, p);
}

/** The last tokens are `op . create_table (`. */
function isCreateTableCall(cur: readonly Token[]): boolean {
  const n = cur.length;
  return n >= 4 && cur[n - 2].text === 'create_table' && cur[n - 3].text === '.' && cur[n - 4].text === 'op' && (n === 4 || cur[n - 5].text !== '.');
}

/**
 * A run of characters that are not brackets, comment starts, quotes or backslashes, and of one-line
 * string literals (not triple-quoted), consumed by one native regex call instead of a JS loop; the
 * loop below handles what stops it (brackets, comments, other strings, line continuations).
 */
const PLAIN_RUN = /(?:[^()[\]{}#"'\\]+|'(?!'')(?:[^'\\\n\r]|\\[^\n\r])*'|"(?!"")(?:[^"\\\n\r]|\\[^\n\r])*")+/y;

/**
 * In a light line past its first tokens: everything but line breaks, comments, backslashes and
 * brackets, and one-line strings (where findStringEnd ends them; the others stop the run).
 */
const LIGHT_RUN = /(?:[^\n\r#"'\\()[\]{}]+|'(?!'')(?:[^'\\\n\r]|\\[^\n\r])*'|"(?!"")(?:[^"\\\n\r]|\\[^\n\r])*")+/y;

/** Bracket nesting BALANCED crosses in one call (a create_table column list is 2 to 3 deep). */
const BALANCED_DEPTH = 6;

/** The rest of a name: the code units isIdentPart accepts (any from U+0080 up, as it does). */
const NAME_REST = /[A-Za-z0-9_\u0080-\uffff]*/y;

/** The rest of a comment, up to its line break. */
const COMMENT_RUN = /[^\n\r]*/y;

/**
 * Plain characters (possessively: a run is never split on backtracking) and one-line strings, as
 * PLAIN_RUN reads them, and bracket pairs nested up to BALANCED_DEPTH deep whose inside is such
 * text. Any opener pairs with any closer, as the depth count of skipToClose does. One native call
 * crosses most create_table column lists; what it stops at (a comment, a triple-quoted string, a
 * backslash, deeper nesting) sends skipToClose back to its loop from the start.
 */
const BALANCED = ((): RegExp => {
  const plain = /[^()[\]{}#"'\\]/.source;
  const item = `${plain}+(?!${plain})|${/'(?!'')(?:[^'\\\n\r]|\\[^\n\r])*'|"(?!"")(?:[^"\\\n\r]|\\[^\n\r])*"/.source}`;
  let body = `(?:${item})*`;
  for (let i = 0; i < BALANCED_DEPTH; i++) body = `(?:${item}|[([{]${body}[)\\]}])*`;
  return new RegExp(body, 'y');
})();

/** Offset of the `)` that closes the bracket open at `p` (strings and comments skipped), or -1. */
function skipToClose(text: string, p: number, end: number): number {
  BALANCED.lastIndex = p;
  if (BALANCED.test(text)) {
    const q = BALANCED.lastIndex;
    if (q < end && text.charCodeAt(q) === 41) return q;
  }
  return skipToCloseSlow(text, p, end);
}

/** skipToClose one character class at a time: the reference, and what BALANCED cannot cross. */
function skipToCloseSlow(text: string, p: number, end: number): number {
  let depth = 0;
  while (p < end) {
    PLAIN_RUN.lastIndex = p;
    if (PLAIN_RUN.test(text)) {
      p = PLAIN_RUN.lastIndex;
      if (p >= end) break;
    }
    const c = text.charCodeAt(p);
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (depth === 0) return c === 41 ? p : -1;
      depth--;
    } else if (c === 35) {
      while (p < end && text.charCodeAt(p) !== 10 && text.charCodeAt(p) !== 13) p++;
      continue;
    } else if (c === 34 || c === 39) {
      // A prefix (r, b, f…) was passed as ordinary letters; the literal's end does not depend on it.
      const e = findStringEnd(text, p, p);
      if (typeof e !== 'number') return -1;
      p = e;
      continue;
    } else if (c === 92) {
      p += text.charCodeAt(p + 1) === 13 && text.charCodeAt(p + 2) === 10 ? 3 : 2; // a line continuation
      continue;
    }
    p++;
  }
  return -1;
}

/** Operators that are always one character ('=' and '.' unless doubled): ( ) [ ] { } , : = . */
const SINGLE: Record<number, string> = { 40: '(', 41: ')', 91: '[', 93: ']', 123: '{', 125: '}', 44: ',', 61: '=', 46: '.' };
const THREE = new Set(['**=', '//=', '>>=', '<<=', '...']);
const TWO = new Set(['**', '//', '==', '!=', '<=', '>=', '->', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', ':=', '<<', '>>']);

/**
 * Logical lines of a function body starting at `start` (just after the header's `:`), with its
 * `# alembic-lint:` comments, up to the first line that starts at column 0 (the end of the body) or `end`.
 * `light`: each line keeps only its first two tokens (enough to tell an empty body; no calls are read).
 */
export function tokenizeBody(text: string, start: number, end: number, light = false): { lines: LogicalLine[]; comments: Comment[]; stop: number } {
  const lines: LogicalLine[] = [];
  const comments: Comment[] = [];
  let depth = 0;
  let cur: Token[] = [];
  let indent = 0;
  let atLineStart = true;
  let p = start;
  /** Bracket depth of an open `op.create_table(` whose remaining arguments are skipped (-1: none). */
  let skipDepth = -1;
  const flush = (): void => {
    if (cur.length > 0) lines.push({ indent, tokens: cur });
    cur = [];
    atLineStart = true;
  };
  while (p < end) {
    const c = text.charCodeAt(p);
    if (atLineStart && depth === 0) {
      // Measure the indentation of a new logical line.
      let col = 0;
      let q = p;
      for (;;) {
        const d = text.charCodeAt(q);
        if (d === 32) col++;
        else if (d === 9) col = (Math.floor(col / 8) + 1) * 8;
        else if (d === 12) col = 0;
        else break;
        q++;
      }
      const d = text.charCodeAt(q);
      if (col === 0 && q < end && d !== 10 && d !== 13 && d !== 35 && p !== start) { end = p; break; }
      indent = col;
      p = q;
      atLineStart = false;
      continue;
    }
    if (light && cur.length >= 2) {
      // This line's tokens are no longer kept: jump to the next newline, comment, quote or bracket.
      LIGHT_RUN.lastIndex = p;
      if (LIGHT_RUN.test(text)) {
        p = LIGHT_RUN.lastIndex;
        continue;
      }
    }
    if (light && cur.length >= 2 && (c === 40 || c === 91 || c === 123)) {
      // A bracket pair of a light line past its first tokens: crossed in one native call when it holds
      // nothing BALANCED stops at (its depth count would come back to this one).
      BALANCED.lastIndex = p + 1;
      if (BALANCED.test(text)) {
        const q = BALANCED.lastIndex;
        const d = text.charCodeAt(q);
        if (q < end && (d === 41 || d === 93 || d === 125)) { p = q + 1; continue; }
      }
    }
    if (c === 32 || c === 9 || c === 12) { p++; continue; }
    if (c === 10 || c === 13) {
      p += c === 13 && text.charCodeAt(p + 1) === 10 ? 2 : 1;
      if (depth === 0) flush();
      continue;
    }
    if (c === 92) { // backslash continuation: skip it and the line break
      p++;
      if (text.charCodeAt(p) === 13) p++;
      if (text.charCodeAt(p) === 10) p++;
      continue;
    }
    if (c === 35) {
      COMMENT_RUN.lastIndex = p;
      COMMENT_RUN.test(text);
      const q = Math.min(COMMENT_RUN.lastIndex, end);
      // Only `# alembic-lint:` comments matter to the lint: no object for the others.
      if (isLintComment(text, p + 1, q)) comments.push({ start: p, end: q, text: text.slice(p, q) });
      p = q;
      continue;
    }
    if (light && cur.length >= 2 && (c === 34 || c === 39)) {
      const e = findStringEnd(text, p, p);
      if (typeof e !== 'number') break; // unterminated, as below
      p = e;
      continue;
    }
    if (stringPrefixLength(text, p) >= 0) {
      const s = readString(text, p);
      if (s === null || !('kind' in s)) break; // unterminated: Python refuses the file; stop here
      if (!light || cur.length < 2) cur.push({ kind: Tok.String, start: s.start, end: s.end, text: '', str: s });
      p = s.end;
      continue;
    }
    if (isIdentStart(c)) {
      NAME_REST.lastIndex = p + 1;
      NAME_REST.test(text);
      const q = Math.min(NAME_REST.lastIndex, end);
      if (!light || cur.length < 2) cur.push({ kind: Tok.Name, start: p, end: q, text: text.slice(p, q) });
      p = q;
      continue;
    }
    if ((c >= 48 && c <= 57) || (c === 46 && text.charCodeAt(p + 1) >= 48 && text.charCodeAt(p + 1) <= 57)) {
      let q = p + 1;
      while (q < end) {
        const d = text.charCodeAt(q);
        if (isIdentPart(d) || d === 46) q++;
        else if ((d === 43 || d === 45) && (text.charCodeAt(q - 1) | 32) === 101 && !text.slice(p, q).startsWith('0x')) q++;
        else break;
      }
      if (!light || cur.length < 2) cur.push({ kind: Tok.Number, start: p, end: q, text: text.slice(p, q) });
      p = q;
      continue;
    }
    // Brackets and separators are most operators in a migration: no slicing for them.
    const single = SINGLE[c];
    if (single !== undefined && (c !== 61 || text.charCodeAt(p + 1) !== 61) && (c !== 46 || text.charCodeAt(p + 1) !== 46)) {
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
      if (!light || cur.length < 2) cur.push({ kind: Tok.Op, start: p, end: p + 1, text: single });
      p++;
      if (c === 40 && isCreateTableCall(cur)) skipDepth = depth;
      else if (c === 44 && depth === skipDepth) {
        // op.create_table(name, <columns…>): no rule reads the columns; skip to the closing ')'.
        const close = skipToClose(text, p, end);
        skipDepth = -1;
        if (close < 0) { p = end; break; }
        depth--;
        cur.push({ kind: Tok.Op, start: close, end: close + 1, text: ')' });
        p = close + 1;
      } else if (depth < skipDepth) skipDepth = -1;
      continue;
    }
    let len = 1;
    const three = text.slice(p, p + 3);
    if (THREE.has(three)) len = 3;
    else if (TWO.has(three.slice(0, 2))) len = 2;
    if (!light || cur.length < 2) cur.push({ kind: Tok.Op, start: p, end: p + len, text: text.slice(p, p + len) });
    p += len;
  }
  flush();
  return { lines, comments, stop: Math.min(p, end) };
}
