// Reading what the alembic CLI printed. Pure: takes text, returns data.
//
// Alembic reports a CommandError as `FAILED: <message>` on stdout with exit status 255
// (`alembic/util/messaging.py` `err()`; wrapped at the terminal width, continuation lines
// indented, when stdin is a TTY). Any other exception prints a Python traceback on stderr
// and exits 1 — a broken `down_revision` shows as `KeyError: '<id>'` raised inside
// `alembic/script/revision.py`, preceded by the warning `Revision <x> referenced from <y> is not
// present`.

export interface AlembicFailure {
  /** One sentence for the user. */
  summary: string;
  kind: 'failed' | 'traceback' | 'missing-revision' | 'multiple-heads' | 'exit';
}

const MULTIPLE_HEADS_TARGET = /Multiple head revisions are present for given argument '([^']*)'/;
const MULTIPLE_HEADS_REVISION = /Multiple heads are present; please specify the head revision/;
const CANT_LOCATE = /Can't locate revision identified by '([^']*)'/;
const NOT_PRESENT_WARNING = /Revision (\S+) referenced from (.+?) is not present/;

/** The message of the first `FAILED: …` in the output, continuation lines joined. */
export function failedMessage(text: string): string | null {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*FAILED: (.*)$/.exec(lines[i]);
    if (!m) continue;
    const parts = [m[1].trim()];
    // textwrap continuation: every line of a wrapped message is indented by two spaces.
    if (/^ {2}FAILED: /.test(lines[i])) {
      for (let j = i + 1; j < lines.length && /^ {2}\S/.test(lines[j]); j++) parts.push(lines[j].trim());
    }
    return parts.join(' ');
  }
  return null;
}

export interface PythonTraceback {
  /** `KeyError: 'abc'`, `sqlalchemy.exc.OperationalError: (…) …` */
  exception: string;
  /** The exception class as printed (`KeyError`, `sqlalchemy.exc.OperationalError`). */
  type: string;
  /** Text after `Type: `, first line only. */
  message: string;
  /** The innermost frame outside Python's own and installed packages (the user's file). */
  userFrame: { file: string; line: number } | null;
  /** Every frame's file, innermost last. */
  frames: string[];
}

const LIBRARY_PATH = /[\\/](?:site-packages|dist-packages|lib[\\/]python\d[\d.]*)[\\/]|^<|^\/usr\/bin\//;

/** The last Python traceback in the text, or null. */
export function parseTraceback(text: string): PythonTraceback | null {
  const lines = text.split(/\r?\n/);
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('Traceback (most recent call last):')) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const frames: Array<{ file: string; line: number }> = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const frame = /^ {2}File "(.*)", line (\d+)/.exec(line);
    if (frame) {
      frames.push({ file: frame[1], line: Number(frame[2]) });
      continue;
    }
    if (line.startsWith(' ') || line === '') continue;
    // The first unindented line after the frames is the exception.
    const m = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/.exec(line);
    if (!m) return null;
    const user = [...frames].reverse().find((f) => !LIBRARY_PATH.test(f.file)) ?? null;
    return {
      exception: line.trim(),
      type: m[1],
      message: (m[2] ?? '').trim(),
      userFrame: user,
      frames: frames.map((f) => f.file),
    };
  }
  return null;
}

/** `s` without the dots and whitespace it ends with (a loop: `/[\s.]+$/` is quadratic on long runs). */
export function stripSentenceEnd(s: string): string {
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || /\s/.test(s[end - 1]))) end--;
  return s.slice(0, end);
}

function multipleHeadsSummary(message: string): AlembicFailure {
  const target = MULTIPLE_HEADS_TARGET.exec(message);
  if (target) {
    return {
      kind: 'multiple-heads',
      summary: `Multiple heads are present, so '${target[1]}' is ambiguous: upgrade to 'heads', name one head (or '<branch>@head'), or merge the heads.`,
    };
  }
  return {
    kind: 'multiple-heads',
    summary: 'Multiple heads are present: choose the head the new revision is based on, or merge the heads first.',
  };
}

function missingRevisionSummary(id: string): AlembicFailure {
  return {
    kind: 'missing-revision',
    summary: `Can't locate revision '${id}': no migration file defines it — if the database is stamped with it (typical after switching git branches), check out the branch that has that file, or stamp the database to a revision that exists.`,
  };
}

function tracebackSummary(tb: PythonTraceback, all: string): AlembicFailure {
  const key = /^'([^']*)'$/.exec(tb.message);
  const inRevisionMap = tb.frames.some((f) => /alembic[\\/]script[\\/]revision\.py$/.test(f));
  const warning = NOT_PRESENT_WARNING.exec(all);
  if (tb.type === 'KeyError' && key && (inRevisionMap || (warning && warning[1] === key[1]))) {
    const from = warning && warning[1] === key[1] ? /->\s*([^\s,()]+)/.exec(warning[2]) : null;
    const by = from ? `migration ${from[1]}` : 'a migration';
    return {
      kind: 'missing-revision',
      summary: `Revision '${key[1]}' referenced by ${by} is missing: fix that down_revision or depends_on, or restore the file that defines '${key[1]}'.`,
    };
  }
  const where = tb.userFrame ? ` (at ${tb.userFrame.file} line ${tb.userFrame.line})` : '';
  return { kind: 'traceback', summary: `Alembic stopped with ${stripSentenceEnd(tb.exception)}${where}.` };
}

/** What went wrong, in one sentence, or null when the command succeeded. */
export function parseAlembicFailure(stdout: string, stderr: string, exitCode: number | null): AlembicFailure | null {
  if (exitCode === 0) return null;
  const failed = failedMessage(stdout) ?? failedMessage(stderr);
  if (failed !== null) {
    if (MULTIPLE_HEADS_TARGET.test(failed) || MULTIPLE_HEADS_REVISION.test(failed)) return multipleHeadsSummary(failed);
    const loc = CANT_LOCATE.exec(failed);
    if (loc) return missingRevisionSummary(loc[1]);
    return { kind: 'failed', summary: /[.!?]$/.test(failed) ? failed : `${failed}.` };
  }
  const tb = parseTraceback(stderr) ?? parseTraceback(stdout);
  if (tb) return tracebackSummary(tb, `${stderr}\n${stdout}`);
  if (exitCode === null) return { kind: 'exit', summary: 'Alembic was stopped before it finished.' };
  const last = lastLine(stderr) ?? lastLine(stdout);
  return {
    kind: 'exit',
    summary: last ? `Alembic exited with code ${exitCode}: ${stripSentenceEnd(last)}.` : `Alembic exited with code ${exitCode}.`,
  };
}

function lastLine(text: string): string | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  return lines.length ? lines[lines.length - 1] : null;
}

const CURRENT_LINE = /^([^\s(),@+:-][^\s(),@+:]*)((?:\s+\([^()]*\))*)\s*$/;

/**
 * The revision ids `alembic current` printed, in order. Reads both forms: `<id> (head)` and
 * `-v`'s `Rev: <id> (head)`. Log lines and the verbose header are skipped.
 */
export function parseCurrentOutput(stdout: string): string[] {
  const ids: string[] = [];
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const verbose = /^Rev: (\S+)/.exec(line);
    const id = verbose ? verbose[1] : CURRENT_LINE.exec(line)?.[1];
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
