// Display form of a database URL: the password is replaced by `***`. Pure.
// Errs on the side of hiding too much: when it cannot tell where the password ends, everything
// between the user name and the last `@` goes.

const MASK = '***';

/** `scheme://user:secret@rest` → `scheme://user:***@rest` (the userinfo ends at the last `@`). */
function maskUserinfo(url: string, start: number): string {
  const at = url.lastIndexOf('@');
  if (at <= start) return url;
  const colon = url.slice(start, at).indexOf(':');
  return colon >= 0 ? url.slice(0, start + colon + 1) + MASK + url.slice(at) : url;
}

/** `password=…` query parameters and libpq keywords (`host=x password=y`), after `before`. */
function keywordPattern(before: RegExp): RegExp {
  return new RegExp(`(^|${before.source})(password|passwd|pwd)=('(?:[^'\\\\]|\\\\.)*'|[^&\\s;"']*)`, 'gi');
}

/** In a URL: after `?`, `&`, white space or `;`. */
const URL_KEYWORDS = keywordPattern(/[?&\s;]/);
/** In free text (log lines, JSON traces): also after a quote, `,`, `{` or `(`. */
const TEXT_KEYWORDS = keywordPattern(/[?&\s;"',{(]/);

function maskKeywords(text: string, pattern: RegExp): string {
  return text.replace(pattern, `$1$2=${MASK}`);
}

/**
 * `postgresql+psycopg2://user:secret@host:5432/db` → `postgresql+psycopg2://user:***@host:5432/db`.
 * Also masks `password=…` query parameters and libpq keyword strings (`host=x password=y`).
 * A URL without a password comes back unchanged.
 */
export function redactUrl(url: string): string {
  let out = url;
  const scheme = out.indexOf('://');
  if (scheme >= 0) {
    out = maskUserinfo(out, scheme + 3);
  } else {
    // `user:secret@host/db` without a scheme.
    const at = out.lastIndexOf('@');
    const colon = out.indexOf(':');
    if (at > 0 && colon >= 0 && colon < at) out = out.slice(0, colon + 1) + MASK + out.slice(at);
  }
  return maskKeywords(out, URL_KEYWORDS);
}

const SCHEME_CHAR = /[\w+.-]/;
const SPACE = /\s/;

/**
 * Free text (a log line, a JSON message trace) with the password of every `scheme://…` URL in it
 * masked, and every `password=…` value. A URL runs from its scheme to the next white space, so a
 * password holding quotes or JSON escapes is still masked whole (at the cost of masking more than
 * the password when one such token holds several `@`). Linear in the text's length.
 */
export function redactText(text: string): string {
  let out = '';
  let from = 0;
  let sep = text.indexOf('://');
  while (sep >= 0) {
    let start = sep;
    while (start > from && SCHEME_CHAR.test(text[start - 1])) start--;
    let end = sep + 3;
    while (end < text.length && !SPACE.test(text[end])) end++;
    out += text.slice(from, start) + maskUserinfo(text.slice(start, end), sep - start + 3);
    from = end;
    sep = text.indexOf('://', end);
  }
  out += text.slice(from);
  return maskKeywords(out, TEXT_KEYWORDS);
}
