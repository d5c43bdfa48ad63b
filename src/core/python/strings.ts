// Python string literals: find where one ends (for skipping) and decode its value (for reading).
// Works on char codes; never throws. Prefixes: r u b f (and rb/br/fr/rf), any case.

export type StringKind = 'str' | 'bytes' | 'fstring';

export interface StringLiteral {
  /** Offset of the first prefix letter (or the opening quote). */
  start: number;
  /** Offset just after the closing quote(s). */
  end: number;
  contentStart: number;
  contentEnd: number;
  kind: StringKind;
  raw: boolean;
  /** Decoded value (str only). Null for bytes, f-strings and escapes we cannot decode (\N{...}). */
  value: string | null;
}

export interface StringError {
  /** Python's wording, without line numbers (the caller adds them). */
  message: 'unterminated string literal' | 'unterminated triple-quoted string literal' | 'invalid escape';
  /** Offset of the literal's start. */
  start: number;
  /** Offset where the problem is detected (end of line or end of text). */
  at: number;
}

const enum Ch {
  Backslash = 92,
  LF = 10,
  CR = 13,
}

/**
 * Length of a string prefix starting at `pos` that is immediately followed by a quote, or -1.
 * Returns 0 when `pos` is itself a quote.
 */
export function stringPrefixLength(text: string, pos: number): number {
  const c0 = text.charCodeAt(pos);
  if (c0 === 39 || c0 === 34) return 0;
  const f0 = prefixFlag(c0);
  if (f0 === 0) return -1;
  const c1 = text.charCodeAt(pos + 1);
  if (c1 === 39 || c1 === 34) return 1;
  const f1 = prefixFlag(c1);
  if (f1 === 0) return -1;
  const c2 = text.charCodeAt(pos + 2);
  if (c2 !== 39 && c2 !== 34) return -1;
  // Two-letter prefixes: one must be r, the other b or f.
  const both = f0 | f1;
  return both === (R | B) || both === (R | F) ? 2 : -1;
}

const R = 1;
const B = 2;
const F = 4;
const U = 8;

function prefixFlag(c: number): number {
  switch (c | 32) {
    case 114: return R; // r
    case 98: return B; // b
    case 102: return F; // f
    case 117: return U; // u
    default: return 0;
  }
}

/**
 * End offset of the literal whose opening quote is at `quote`, or a StringError.
 * Backslash escapes the next character in every kind of literal (also raw ones, as in Python).
 */
export function findStringEnd(text: string, start: number, quote: number): number | StringError {
  const len = text.length;
  const q = text.charCodeAt(quote);
  if (text.charCodeAt(quote + 1) === q && text.charCodeAt(quote + 2) === q) {
    let i = quote + 3;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c === Ch.Backslash) i += 2;
      else if (c === q && text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) return i + 3;
      else i++;
    }
    return { message: 'unterminated triple-quoted string literal', start, at: len };
  }
  let i = quote + 1;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === q) return i + 1;
    if (c === Ch.Backslash) {
      const n = text.charCodeAt(i + 1);
      i += n === Ch.CR && text.charCodeAt(i + 2) === Ch.LF ? 3 : 2;
    } else if (c === Ch.LF || c === Ch.CR) {
      return { message: 'unterminated string literal', start, at: i };
    } else i++;
  }
  return { message: 'unterminated string literal', start, at: len };
}

/** Reads the literal starting at `start` (prefix or quote). */
export function readString(text: string, start: number): StringLiteral | StringError | null {
  const plen = stringPrefixLength(text, start);
  if (plen < 0) return null;
  let flags = 0;
  for (let k = 0; k < plen; k++) flags |= prefixFlag(text.charCodeAt(start + k));
  const quote = start + plen;
  const end = findStringEnd(text, start, quote);
  if (typeof end !== 'number') return end;
  const q = text.charCodeAt(quote);
  const triple = text.charCodeAt(quote + 1) === q && text.charCodeAt(quote + 2) === q && end - quote >= 6;
  const qlen = triple ? 3 : 1;
  const contentStart = quote + qlen;
  const contentEnd = end - qlen;
  const raw = (flags & R) !== 0;
  const kind: StringKind = flags & B ? 'bytes' : flags & F ? 'fstring' : 'str';
  let value: string | null = null;
  if (kind === 'str') {
    // Python reads source newlines as \n before decoding escapes (so an escaped \r stays).
    let body = text.slice(contentStart, contentEnd);
    if (body.indexOf('\r') >= 0) body = body.replace(/\r\n?/g, '\n');
    const decoded = raw || body.indexOf('\\') < 0 ? body : decodeEscapes(body);
    if (decoded === undefined) {
      return { message: 'invalid escape', start, at: contentStart };
    }
    value = decoded;
  }
  return { start, end, contentStart, contentEnd, kind, raw, value };
}

/**
 * Decodes Python str escapes. Returns null for \N{...} (needs the Unicode name table: we do not
 * guess) and undefined for a malformed \x, \u, \U escape (a SyntaxError in Python).
 */
function decodeEscapes(body: string): string | null | undefined {
  let out = '';
  let from = 0;
  const len = body.length;
  let i = body.indexOf('\\');
  while (i >= 0 && i < len) {
    out += body.slice(from, i);
    const c = body.charCodeAt(i + 1);
    let next = i + 2;
    switch (c) {
      case 10: break; // backslash-newline: removed
      case 13:
        if (body.charCodeAt(i + 2) === 10) next = i + 3;
        break;
      case 92: out += '\\'; break;
      case 39: out += "'"; break;
      case 34: out += '"'; break;
      case 97: out += '\x07'; break; // a
      case 98: out += '\b'; break;
      case 102: out += '\f'; break;
      case 110: out += '\n'; break;
      case 114: out += '\r'; break;
      case 116: out += '\t'; break;
      case 118: out += '\v'; break;
      case 120: case 117: case 85: { // x u U
        const n = c === 120 ? 2 : c === 117 ? 4 : 8;
        const hex = body.slice(i + 2, i + 2 + n);
        if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) return undefined;
        out += String.fromCodePoint(cp);
        next = i + 2 + n;
        break;
      }
      case 78: return null; // \N{NAME}
      default:
        if (c >= 48 && c <= 55) { // octal, up to 3 digits
          let j = i + 1;
          let v = 0;
          while (j < i + 4 && j < len && body.charCodeAt(j) >= 48 && body.charCodeAt(j) <= 55) {
            v = v * 8 + body.charCodeAt(j) - 48;
            j++;
          }
          out += String.fromCharCode(v);
          next = j;
        } else {
          out += '\\'; // unknown escape: Python keeps the backslash
          next = i + 1;
        }
    }
    from = next;
    i = body.indexOf('\\', next);
  }
  return out + body.slice(from);
}
