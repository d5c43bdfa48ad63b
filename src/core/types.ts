// Shared data shapes of the core. Pure: no `vscode`, no I/O.
// Lines and characters are 0-based everywhere in the core (LSP convention); outer layers that
// print `path:line` add 1.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** Stable diagnostic codes. Never rename one: CI configurations and quick fixes key on them. */
export type DiagnosticCode =
  | 'multiple-heads'
  | 'labelled-heads'
  | 'missing-down-revision'
  | 'missing-depends-on'
  | 'duplicate-revision'
  | 'cycle'
  | 'invalid-revision-id'
  | 'branch-label-conflict'
  | 'missing-revision-variable'
  | 'parse-error'
  | 'unresolved-value';

export interface RelatedLocation {
  path: string;
  range: Range;
  message: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  path: string;
  range: Range;
  related?: RelatedLocation[];
  /** Machine-readable details for quick fixes (e.g. the heads to merge, the missing id). */
  data?: DiagnosticData;
}

export type DiagnosticData =
  | { kind: 'heads'; heads: string[] }
  | { kind: 'missing-ref'; missing: string; referencedFrom: string; field: 'down_revision' | 'depends_on' }
  | { kind: 'duplicate'; revision: string; otherPaths: string[] }
  | { kind: 'cycle'; revisions: string[] };

/** Where an id occurs in a migration file; drives go-to-definition, references and links. */
export type IdRefKind = 'revision' | 'down_revision' | 'depends_on' | 'branch_labels' | 'revises';

export interface IdRef {
  id: string;
  kind: IdRefKind;
  /** Range of the id text itself (inside the quotes); for an imported value, the expression
   * that names it (`revs.PARENT`). */
  range: Range;
  /** The id came from a value the file imports: `value` when the expression is that one id,
   * `item` when it is one item of an imported tuple or list (the expression names them all). */
  imported?: 'value' | 'item';
}

/** A problem found while reading one file (before the graph is built). */
export interface FileProblem {
  code: 'parse-error' | 'unresolved-value' | 'missing-revision-variable' | 'invalid-revision-id';
  severity: Severity;
  message: string;
  range: Range;
}

/** The module-level variables Alembic reads from a revision file. */
export type RevisionVariable = 'revision' | 'down_revision' | 'branch_labels' | 'depends_on';

/** What the migration reader extracts from one file's text. */
export interface MigrationFile {
  /** The path the caller passed in (absolute in io/server, relative in some tests). */
  path: string;
  /** The `revision` value, or null when absent or unresolvable. */
  revision: string | null;
  /** `down_revision` as a list; empty for a base (None). */
  downRevisions: string[];
  branchLabels: string[];
  dependsOn: string[];
  /** Alembic's `Script.doc`: the first paragraph of the stripped module docstring (a message
   * wrapped over several lines keeps its line breaks); null without a docstring. */
  message: string | null;
  /** The docstring's `Create Date:` value, verbatim. */
  createDate: string | null;
  /** Ranges of the whole assignment statement of each variable found (for diagnostics). */
  assignments: Partial<Record<RevisionVariable, Range>>;
  /** Every revision id occurrence: the revision itself, parents, dependencies, docstring `Revises:`. */
  idRefs: IdRef[];
  problems: FileProblem[];
  /** For a variable whose value comes from an import that could not be read: the qualified
   * name a define would supply (`myproject.db.migration.cli.EXPAND_BRANCH`). Absent when none. */
  unresolvedNames?: Partial<Record<RevisionVariable, string>>;
}

/** A revision in the graph. */
export interface Revision {
  id: string;
  file: MigrationFile;
  downRevisions: string[];
  dependsOn: string[];
  branchLabels: string[];
  /** Revisions whose down_revision names this one. */
  children: string[];
  /** Revisions whose depends_on names this one. */
  dependents: string[];
}

/** 'unknown': the database holds a revision the folder lacks, which may stand on it. 'broken': a link of the revision names a revision no file defines. */
export type RevisionState = 'current' | 'applied' | 'pending' | 'unknown' | 'broken';
