// Reads one Alembic revision file's text the way Alembic sees it after importing the module —
// without executing anything. Pure: takes text, returns data and problems; never throws.
import { LineIndex } from './python/lines';
import { type ModuleAssignment, type ModuleDocstring, scanModule } from './python/module';
import { defineName, type ImportResolver, type PyStr, type PyValue, shownName } from './python/values';
import type { IdRefKind, MigrationFile, Range, RevisionVariable } from './types';

const VARIABLES: readonly RevisionVariable[] = ['revision', 'down_revision', 'branch_labels', 'depends_on'];
const TRACKED: ReadonlySet<string> = new Set(VARIABLES);

/** Characters Alembic refuses in a revision id (`Revision.verify_rev_id`), sorted as Python
 * sorts them: `+ - : @`. */
const ILLEGAL_ID_CHARS = ['+', '-', ':', '@'];

function illegalChars(id: string): string[] | null {
  let found: string[] | null = null;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 43 || c === 45 || c === 58 || c === 64) {
      found = ILLEGAL_ID_CHARS.filter((ch) => id.includes(ch));
      break;
    }
  }
  return found;
}

const LITERALS_ONLY =
  'Alembic Migrations reads only literal values (strings, None, tuples/lists of strings) and module-level string constants';

/**
 * Alembic's `_only_source_rev_file` rule on a base name: `*.py`, but not `__init__*` nor editor
 * lock files `.#*`.
 */
export function isRevisionFileName(fileName: string): boolean {
  return fileName.endsWith('.py') && !fileName.startsWith('__init__') && !fileName.startsWith('.#') &&
    fileName.indexOf('\n') < 0;
}

/** Alembic's `_legacy_rev`: a file named only by a hex id. */
const LEGACY_NAME = /^([a-f0-9]+)\.py$/;

/**
 * A copy of `s` that does not keep the file's text alive. V8 represents a slice of 13 or more
 * characters as a view into its parent string, so a message or id kept in a MigrationFile would
 * otherwise hold the whole file text in memory (measured: 3.2 KB retained per file instead of
 * 1.5 KB on the benchmark folder, and twice the garbage-collection time). Concatenation flattens
 * into a fresh string; the slice of that is small.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A MigrationFile with nothing read yet: no revision, no links, no problems. */
export function emptyMigrationFile(path: string): MigrationFile {
  return {
    path,
    revision: null,
    downRevisions: [],
    branchLabels: [],
    dependsOn: [],
    message: null,
    createDate: null,
    assignments: {},
    idRefs: [],
    problems: [],
  };
}

/**
 * Reads one revision file. `resolve`, when given, evaluates values the file imports from the
 * project's modules (see core/imports.ts); without it they stay unresolved.
 */
export function readMigration(text: string, path: string, resolve?: ImportResolver): MigrationFile {
  const lines = new LineIndex(text);
  const scan = scanModule(text, TRACKED, lines, resolve);
  const file = emptyMigrationFile(path);
  const { problems, idRefs, assignments } = file;
  if (scan.docstring !== null) readDocstring(text, scan.docstring, lines, file);

  const ref = (s: PyStr, kind: IdRefKind): void => {
    idRefs.push({ id: detach(s.value), kind, range: lines.range(s.idStart, s.idEnd), ...(s.imported ? { imported: s.imported } : {}) });
  };
  const unresolvedProblem = (range: Range, text: string): void => {
    problems.push({ code: 'unresolved-value', severity: 'warning', message: text, range });
  };

  for (const variable of VARIABLES) {
    const a: ModuleAssignment | undefined = scan.assignments.get(variable);
    if (a === undefined) continue;
    const range = lines.range(a.start, a.end);
    assignments[variable] = range;
    const v: PyValue = a.value;
    if (v.kind === 'unresolved') {
      const how = v.phrase ?? `to ${v.what}`;
      if (v.ref !== undefined && v.phrase === undefined) {
        // An imported value: say which one and how to supply it.
        const name = shownName(defineName(v.ref));
        (file.unresolvedNames ??= {})[variable] = name;
        unresolvedProblem(range, `${variable} is set ${how}. ${supplyHint(name)}`);
      } else {
        unresolvedProblem(range, `${variable} is set ${how}; ${LITERALS_ONLY}`);
      }
      continue;
    }
    if (variable === 'revision') {
      if (v.kind !== 'str') {
        unresolvedProblem(range,
          `revision is set to ${v.kind === 'none' ? 'None' : v.seq === 'tuple' ? 'a tuple' : 'a list'}; a revision id must be a string`);
        continue;
      }
      file.revision = detach(v.value);
      ref(v, 'revision');
      const bad = illegalChars(v.value);
      if (bad !== null) {
        problems.push({
          code: 'invalid-revision-id',
          severity: 'error',
          message: `Character(s) '${bad.join(', ')}' not allowed in revision identifier '${v.value}'`,
          range: lines.range(v.idStart, v.idEnd),
        });
      }
      continue;
    }
    const ids = v.kind === 'none' ? [] : v.kind === 'str' ? [v] : v.items;
    for (const s of ids) ref(s, variable);
    const values = ids.map((s) => detach(s.value));
    if (variable === 'down_revision') file.downRevisions = values;
    else if (variable === 'branch_labels') file.branchLabels = values;
    else file.dependsOn = values;
  }

  // Python refuses a source with a NUL before it parses anything (3.11: ValueError "source code
  // string cannot contain null bytes"), so that is the one error to show.
  const nul = text.indexOf('\0');
  if (nul >= 0 || scan.error !== null) {
    const at = nul >= 0 ? nul : (scan.error as { offset: number }).offset;
    problems.push({
      code: 'parse-error',
      severity: 'error',
      message: nul >= 0 ? 'source code string cannot contain null bytes' : (scan.error as { message: string }).message,
      range: lines.range(at, at),
    });
    return file;
  }

  const name = baseName(path);
  if (!scan.assignments.has('revision')) {
    const legacy = LEGACY_NAME.exec(name);
    if (legacy !== null) {
      file.revision = legacy[1];
    } else {
      problems.push({
        code: 'missing-revision-variable',
        severity: 'error',
        message: `Could not determine revision id from filename ${name}. Be sure the 'revision' variable is declared inside the revision module.`,
        range: ZERO,
      });
      return file;
    }
  }
  if (!scan.assignments.has('down_revision')) {
    problems.push({
      code: 'missing-revision-variable',
      severity: 'error',
      message: `Revision module ${name} has no module-level 'down_revision' variable; Alembic fails to load it (AttributeError). Use down_revision = None for a base revision.`,
      range: assignments.revision ?? ZERO,
    });
  }
  return file;
}

/** How a user supplies a value the reader cannot compute. */
export function supplyHint(name: string): string {
  return `Supply it with --define ${name}=VALUE (alembic-migrations check) or the alembic.defines setting ({"${name}": "VALUE"}).`;
}

/** A message on one line, for titles and tree rows: a wrapped message's line breaks become spaces. */
export function messageLine(message: string | null): string | null {
  if (message === null) return null;
  // Each run of whitespace holding a line break becomes one space (a split, not `/\s*\n\s*/g`,
  // which is quadratic on a long run of spaces).
  return message.split('\n').map((part) => part.trim()).filter((part) => part !== '').join(' ');
}

/** The revision variables whose final value could not be read (their problem sits on their
 * assignment's range). Graph code must not treat such a file as a base or a head by default. */
export function unresolvedVariables(file: MigrationFile): RevisionVariable[] {
  const out: RevisionVariable[] = [];
  for (const variable of VARIABLES) {
    const r = file.assignments[variable];
    if (r === undefined) continue;
    if (file.problems.some((p) => p.code === 'unresolved-value' && sameRange(p.range, r))) out.push(variable);
  }
  return out;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character &&
    a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Python's `str.isspace()` characters, which differ from JavaScript's `trim()` (no BOM; adds
 * U+001C..U+001F and U+0085). */
function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
    c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Python's `str.strip()`, in one pass from each end (a regex `\s+$` backtracks quadratically on a
 * long run of spaces that is followed by something else). */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isPyWhitespace(s.charCodeAt(a))) a++;
  while (b > a && isPyWhitespace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function readDocstring(text: string, doc: ModuleDocstring, lines: LineIndex, file: MigrationFile): void {
  const value = doc.value;
  // Message: Alembic's `Script.doc`, the first paragraph of the stripped docstring
  // (`re.split("\n\n", __doc__.strip())[0]`); a message wrapped over lines keeps its line breaks.
  const stripped = pyStrip(value);
  if (stripped !== '') {
    const para = stripped.indexOf('\n\n');
    file.message = detach(para < 0 ? stripped : stripped.slice(0, para));
  }
  // Create Date: the value after the label, on the first line that starts with it.
  let start = 0;
  while (start <= value.length) {
    let nl = value.indexOf('\n', start);
    if (nl < 0) nl = value.length;
    const line = value.slice(start, nl).trim();
    if (line.startsWith('Create Date:')) {
      file.createDate = detach(line.slice(12).trim());
      break;
    }
    start = nl + 1;
  }
  // Revises: ids with their source ranges (raw text of a single literal; decoded value otherwise
  // has no reliable offsets, so ranges fall back to the whole docstring).
  const raw = doc.single ? text.slice(doc.contentStart, doc.contentEnd) : value;
  let label = raw.indexOf('Revises:');
  while (label >= 0 && !atLineStart(raw, label)) label = raw.indexOf('Revises:', label + 8);
  if (label < 0) return;
  let p = label + 8;
  let eol = p;
  while (eol < raw.length && raw.charCodeAt(eol) !== 10 && raw.charCodeAt(eol) !== 13) eol++;
  while (p < eol) {
    let comma = raw.indexOf(',', p);
    if (comma < 0 || comma > eol) comma = eol;
    let a = p;
    let b = comma;
    while (a < b && isSpace(raw.charCodeAt(a))) a++;
    while (b > a && isSpace(raw.charCodeAt(b - 1))) b--;
    if (b > a) {
      const id = detach(raw.slice(a, b));
      const range = doc.single
        ? lines.range(doc.contentStart + a, doc.contentStart + b)
        : lines.range(doc.contentStart, doc.contentEnd);
      file.idRefs.push({ id, kind: 'revises', range });
    }
    p = comma + 1;
  }
}

/** Only spaces or tabs between the previous line break (or the start) and `i`. */
function atLineStart(s: string, i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    const c = s.charCodeAt(k);
    if (c === 10 || c === 13) return true;
    if (!isSpace(c)) return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 12;
}
