// Typed errors of the revision graph and target resolution. The `message` of each is the text
// alembic's RevisionMap raises (alembic/script/revision.py); `commandMessage()` gives what the
// `alembic` command prints after `FAILED: ` (ScriptDirectory._catch_revision_errors), so outer
// layers can show either without re-deriving wording. Pure: no I/O.
import type { MigrationFile } from './types';

export type RevisionErrorKind =
  | 'resolution'
  | 'multiple-heads'
  | 'range-not-ancestor'
  | 'cycle'
  | 'branch-label-conflict'
  | 'invalid-revision-id'
  | 'relative'
  | 'revision';

/** Base of every error the core throws about revisions (alembic's `RevisionError`). */
export class RevisionError extends Error {
  readonly kind: RevisionErrorKind = 'revision';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
  /** What `alembic <command>` prints after `FAILED: ` for this error. */
  commandMessage(): string {
    return this.message;
  }
}

/** `No such revision or branch 'x'`, `Multiple revisions start with 'x': ...`, `No such branch: 'x'`. */
export class ResolutionError extends RevisionError {
  override readonly kind = 'resolution' as const;
  constructor(
    message: string,
    /** The identifier that failed (without any `label@` part). */
    readonly argument: string,
  ) {
    super(message);
  }
  override commandMessage(): string {
    return `Can't locate revision identified by '${this.argument}'`;
  }
}

/** `head` (or `label@head`) named more than one head. */
export class MultipleHeadsError extends RevisionError {
  override readonly kind = 'multiple-heads' as const;
  constructor(
    readonly heads: string[],
    /** `head` or `<label>@head`: the argument as alembic reports it. */
    readonly argument: string,
  ) {
    super(`Multiple heads are present for given argument '${argument}'; ${heads.join(', ')}`);
  }
  override commandMessage(): string {
    return (
      `Multiple head revisions are present for given argument '${this.argument}'; please specify a ` +
      `specific target revision, '<branchname>@${this.argument}' to narrow to a specific head, ` +
      `or 'heads' for all heads`
    );
  }
}

/** An upgrade/downgrade whose target is not reachable from the current rows. */
export class RangeNotAncestorError extends RevisionError {
  override readonly kind = 'range-not-ancestor' as const;
  constructor(
    readonly lower: string | null,
    readonly upper: string | null,
    /** `upgrade` / `downgrade`: decides the command wording. */
    readonly direction: 'upgrade' | 'downgrade',
    /** The destination as the user typed it. */
    readonly destination: string,
  ) {
    super(`Revision ${lower ?? 'base'} is not an ancestor of revision ${upper ?? 'base'}`);
  }
  override commandMessage(): string {
    return `Destination ${this.destination} is not a valid ${this.direction} target from current head(s)`;
  }
}

export type CycleKind = 'Cycle' | 'Dependency cycle' | 'Self-loop' | 'Dependency self-loop';

/** alembic's CycleDetected family: `<kind> is detected in revisions (a, b)`. */
export class CycleError extends RevisionError {
  override readonly kind = 'cycle' as const;
  constructor(
    readonly cycleKind: CycleKind,
    readonly revisions: string[],
  ) {
    super(`${cycleKind} is detected in revisions (${revisions.join(', ')})`);
  }
}

export class BranchLabelConflictError extends RevisionError {
  override readonly kind = 'branch-label-conflict' as const;
  constructor(
    readonly label: string,
    readonly revision: string,
    readonly usedBy: string,
  ) {
    super(`Branch name '${label}' in revision ${revision} already used by revision ${usedBy}`);
  }
}

/** `Character(s) '-' not allowed in revision identifier 'a-b'`. */
export class InvalidRevisionIdError extends RevisionError {
  override readonly kind = 'invalid-revision-id' as const;
  constructor(
    readonly revision: string,
    readonly characters: string[],
  ) {
    super(`Character(s) '${characters.join(', ')}' not allowed in revision identifier '${revision}'`);
  }
}

/** Relative targets that do not work out: `Relative revision -3 didn't produce 3 migrations`, `Ambiguous walk`, `Walked too far`. */
export class RelativeTargetError extends RevisionError {
  override readonly kind = 'relative' as const;
}

/** Characters alembic refuses in a revision id (1.8 refuses `@ - +`; newer versions also `:`). */
export const ILLEGAL_REVISION_CHARS: readonly string[] = ['+', '-', ':', '@'];

export function illegalCharsIn(id: string): string[] {
  return ILLEGAL_REVISION_CHARS.filter((c) => id.includes(c)).sort();
}

const ILLEGAL_CHAR = /[-+:@]/u;

/** False when a file can carry no file-level diagnostic (no reader problem, a clean revision id). */
export function fileNeedsDiagnostics(file: MigrationFile): boolean {
  return file.problems.length > 0 || (file.revision !== null && ILLEGAL_CHAR.test(file.revision));
}
