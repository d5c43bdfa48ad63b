// A reader for .ini text with Python `configparser.ConfigParser` semantics, as Alembic uses it
// (Python 3.11 `configparser._read` and `BasicInterpolation`). Pure: takes text, does no I/O.
//
// - `[section]` headers (case-sensitive names), `key = value` and `key: value` (the first `=` or
//   `:` splits), keys lowercased, values stripped.
// - Full-line comments start with `#` or `;` after optional whitespace; there are no inline
//   comments (`a = b # c` keeps `b # c`).
// - A line indented deeper than its option's line continues the value; blank lines inside a value
//   are kept as `\n` (trailing ones dropped); comment lines inside a value are skipped.
// - `[DEFAULT]` options are visible in every section.
// - Strict mode: a repeated section or a repeated option within a section is an error (Python raises).
// - Interpolation is lazy, per value read: `%%` → `%`, `%(name)s` → the raw value of `name` in the
//   same section, [DEFAULT] or the given defaults (Alembic passes `here`), recursively, at most 10 deep,
//   at most 1 MB and 100,000 references per value (Python has no such cap and runs out of memory).
// Lines are 0-based.

export interface IniEntry {
  /** Lowercased option name. */
  key: string;
  /** Value before interpolation (continuation lines joined with `\n`). */
  raw: string;
  /** Line of `key = …` (0-based). */
  line: number;
}

export interface IniSection {
  name: string;
  /** Line of the `[name]` header (0-based). */
  line: number;
  entries: Map<string, IniEntry>;
}

export interface IniError {
  message: string;
  line: number;
}

export interface IniDocument {
  /** Named sections, in file order; `[DEFAULT]` is not among them. */
  sections: Map<string, IniSection>;
  /** Options of `[DEFAULT]`. */
  defaults: Map<string, IniEntry>;
  /** Errors Python's ConfigParser would raise while reading (it stops at the first; we go on). */
  errors: IniError[];
}

export const DEFAULT_SECTION = 'DEFAULT';
const MAX_INTERPOLATION_DEPTH = 10;
/** Largest value interpolation may build (Python would build any size: 9 levels of 30 references
 * each is 30^9 copies, which exhausts memory). */
export const MAX_INTERPOLATED_CHARS = 1024 * 1024;
/** Most references one value may expand (references to empty values grow nothing but cost time). */
export const MAX_INTERPOLATION_STEPS = 100_000;
const SECTION_RE = /^\[(.+)\]/;

/**
 * configparser's OPTCRE `(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$` without the regex: the
 * option ends at the first `=` or `:`, its trailing and the value's leading whitespace dropped. (The
 * regex takes quadratic time on a long run of spaces with no delimiter after it.)
 */
export function splitOption(line: string): [option: string, delimiter: string, value: string] | null {
  const eq = line.indexOf('=');
  const colon = line.indexOf(':');
  const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  if (at < 0) return null;
  return [line.slice(0, at).trimEnd(), line[at], line.slice(at + 1).trimStart()];
}

interface Building {
  entry: IniEntry;
  parts: string[];
}

/** Parses ini text. Never throws: problems Python would raise on are returned in `errors`. */
export function parseIni(text: string): IniDocument {
  const doc: IniDocument = { sections: new Map(), defaults: new Map(), errors: [] };
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  let current: Map<string, IniEntry> | null = null;
  let currentName: string | null = null;
  let building: Building | null = null;
  let indentLevel = 0;
  const added = new Set<string>();

  const finish = (): void => {
    if (building) {
      building.entry.raw = building.parts.join('\n').trimEnd();
      building = null;
    }
  };

  for (let lineNo = 0; lineNo < lines.length; lineNo++) {
    const line = lines[lineNo];
    const stripped = line.trim();
    const isComment = stripped.startsWith('#') || stripped.startsWith(';');
    const value = isComment ? '' : stripped;
    if (!value) {
      // Python keeps a blank (not comment) line inside a value; either way nothing else happens.
      if (!isComment && building) building.parts.push('');
      continue;
    }
    const indent = line.length - line.replace(/^\s+/, '').length;
    if (current && building && indent > indentLevel) {
      building.parts.push(value);
      continue;
    }
    indentLevel = indent;
    const sectionMatch = SECTION_RE.exec(value);
    if (sectionMatch) {
      finish();
      const name = sectionMatch[1];
      if (name === DEFAULT_SECTION) {
        current = doc.defaults;
      } else {
        const existing = doc.sections.get(name);
        if (existing) {
          if (added.has(name)) doc.errors.push({ message: `Section '${name}' already exists`, line: lineNo });
          current = existing.entries;
        } else {
          const section: IniSection = { name, line: lineNo, entries: new Map() };
          doc.sections.set(name, section);
          current = section.entries;
        }
        added.add(name);
      }
      currentName = name;
      continue;
    }
    if (!current) {
      doc.errors.push({ message: 'File contains no section headers', line: lineNo });
      // Python stops reading here; nothing after this line counts.
      return doc;
    }
    const optionMatch = splitOption(value);
    if (!optionMatch) {
      // Python records the error and goes on; deeper-indented lines still continue the last option.
      doc.errors.push({
        message: 'Line is not a `key = value` option, a [section] header or a comment',
        line: lineNo,
      });
      continue;
    }
    finish();
    const key = optionMatch[0].toLowerCase();
    if (!key) {
      doc.errors.push({ message: 'Option name is empty', line: lineNo });
    }
    const addedKey = `${currentName ?? ''}\u0000${key}`;
    if (added.has(addedKey)) {
      doc.errors.push({ message: `Option '${key}' in section '${currentName ?? ''}' already exists`, line: lineNo });
    }
    added.add(addedKey);
    const entry: IniEntry = { key, raw: optionMatch[2].trim(), line: lineNo };
    current.set(key, entry);
    building = { entry, parts: [entry.raw] };
  }
  finish();
  return doc;
}

/** The raw entry for `key` as `ConfigParser.get(section, key, raw=True)` sees it. */
export function getRawEntry(doc: IniDocument, section: string, key: string): IniEntry | undefined {
  const k = key.toLowerCase();
  return doc.sections.get(section)?.entries.get(k) ?? doc.defaults.get(k);
}

export function hasSection(doc: IniDocument, section: string): boolean {
  return doc.sections.has(section);
}

export type InterpolationResult =
  | { ok: true; value: string }
  /** `tooLarge`: the expansion hit MAX_INTERPOLATED_CHARS or MAX_INTERPOLATION_STEPS. */
  | { ok: false; message: string; tooLarge?: true };

/**
 * `ConfigParser.get(section, key)` with BasicInterpolation: `vars` plays Alembic's constructor
 * defaults (`here`), which the file's own [DEFAULT] overrides. Returns undefined when the option
 * is absent. Error messages never quote the value (it may hold a password).
 */
export function getInterpolated(
  doc: IniDocument,
  section: string,
  key: string,
  vars: Readonly<Record<string, string>>,
): InterpolationResult | undefined {
  const entry = getRawEntry(doc, section, key);
  if (!entry) return undefined;
  const lookup = (name: string): string | undefined => {
    const hit = getRawEntry(doc, section, name);
    if (hit) return hit.raw;
    return Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
  };
  const out: Expansion = { parts: [], chars: 0, steps: 0 };
  const error = interpolateSome(entry.raw, lookup, out, 1, section);
  if (error === null) return { ok: true, value: out.parts.join('') };
  return { ok: false, message: `Bad interpolation in '${entry.key}': ${error}`, ...(error === TOO_LARGE ? { tooLarge: true } : {}) };
}

const TOO_LARGE =
  `references expand to more than ${MAX_INTERPOLATED_CHARS / (1024 * 1024)} MB of text or ${MAX_INTERPOLATION_STEPS.toLocaleString('en-US')} substitutions ` +
  '(values that each refer to another several times multiply); the value is not used';

/** The value being built, with what building it has cost. */
interface Expansion {
  parts: string[];
  chars: number;
  steps: number;
}

function push(out: Expansion, text: string): boolean {
  out.chars += text.length;
  if (out.chars > MAX_INTERPOLATED_CHARS) return false;
  out.parts.push(text);
  return true;
}

function interpolateSome(
  text: string,
  lookup: (name: string) => string | undefined,
  out: Expansion,
  depth: number,
  section: string,
): string | null {
  if (depth > MAX_INTERPOLATION_DEPTH) {
    return `references nest deeper than ${MAX_INTERPOLATION_DEPTH} levels (a value that refers to itself?)`;
  }
  let rest = text;
  while (rest) {
    const p = rest.indexOf('%');
    if (p < 0) {
      return push(out, rest) ? null : TOO_LARGE;
    }
    if (p > 0) {
      if (!push(out, rest.slice(0, p))) return TOO_LARGE;
      rest = rest.slice(p);
    }
    const c = rest.charAt(1);
    if (c === '%') {
      if (!push(out, '%')) return TOO_LARGE;
      rest = rest.slice(2);
    } else if (c === '(') {
      const m = /^%\(([^)]+)\)s/.exec(rest);
      if (!m) return `bad interpolation variable reference (write '%%' for a literal '%')`;
      const name = m[1].toLowerCase();
      rest = rest.slice(m[0].length);
      const v = lookup(name);
      if (v === undefined) {
        return `'%(${m[1]})s' names no option in [${section}] or [${DEFAULT_SECTION}]`;
      }
      if (++out.steps > MAX_INTERPOLATION_STEPS) return TOO_LARGE;
      if (v.includes('%')) {
        const err = interpolateSome(v, lookup, out, depth + 1, section);
        if (err !== null) return err;
      } else if (!push(out, v)) {
        return TOO_LARGE;
      }
    } else {
      return `'%' must be followed by '%' or '(' (write '%%' for a literal '%')`;
    }
  }
  return null;
}

/**
 * Python `str % mapping` as Alembic applies it to pyproject.toml strings: `%%` → `%`,
 * `%(name)s` → mapping[name] (case-sensitive, not recursive). Anything else is an error.
 */
export function percentFormat(
  text: string,
  mapping: Readonly<Record<string, string>>,
): InterpolationResult {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const p = text.indexOf('%', i);
    if (p < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, p);
    if (text.charAt(p + 1) === '%') {
      out += '%';
      i = p + 2;
      continue;
    }
    const m = /^%\(([^)]*)\)s/.exec(text.slice(p));
    if (!m) return { ok: false, message: `'%' must be followed by '%' or '(name)s' (write '%%' for a literal '%')` };
    if (!Object.prototype.hasOwnProperty.call(mapping, m[1])) {
      return { ok: false, message: `'%(${m[1]})s' is not a known substitution (only %(here)s is; write '%%' for a literal '%')` };
    }
    out += mapping[m[1]];
    i = p + m[0].length;
  }
  return { ok: true, value: out };
}
