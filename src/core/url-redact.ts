// Display form of a database URL: the password is replaced by `***`. Pure.
// Errs on the side of hiding too much: when it cannot tell where the password ends, everything
// between the user name and the last `@` goes.

const MASK = '***';

/**
 * `postgresql+psycopg2://user:secret@host:5432/db` → `postgresql+psycopg2://user:***@host:5432/db`.
 * Also masks `password=…` query parameters and libpq keyword strings (`host=x password=y`).
 * A URL without a password comes back unchanged.
 */
export function redactUrl(url: string): string {
  let out = url;
  const scheme = out.indexOf('://');
  if (scheme >= 0) {
    const start = scheme + 3;
    const at = out.lastIndexOf('@');
    if (at > start) {
      const userinfo = out.slice(start, at);
      const colon = userinfo.indexOf(':');
      if (colon >= 0) out = out.slice(0, start + colon + 1) + MASK + out.slice(at);
    }
  } else {
    // `user:secret@host/db` without a scheme.
    const at = out.lastIndexOf('@');
    const colon = out.indexOf(':');
    if (at > 0 && colon >= 0 && colon < at) out = out.slice(0, colon + 1) + MASK + out.slice(at);
  }
  // `?password=…` / `&password=…` and keyword form `password=…` (quoted or bare).
  return out.replace(/(^|[?&\s;])(password|passwd|pwd)=('(?:[^'\\]|\\.)*'|[^&\s;]*)/gi, `$1$2=${MASK}`);
}
