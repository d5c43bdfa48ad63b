// Static values of Python expressions: what the module scanner can resolve without executing.

/** A string value; idStart/idEnd cover the id text (inside the quotes for one literal, the whole
 * literal run for implicit concatenation). */
export interface PyStr {
  kind: 'str';
  value: string;
  idStart: number;
  idEnd: number;
  /** Read through an import: `value` for one id, `item` for one item of an imported sequence
   * (idStart/idEnd then cover the expression in the importing file). */
  imported?: 'value' | 'item';
}

export type PyValue =
  | PyStr
  | { kind: 'none' }
  | { kind: 'seq'; seq: 'tuple' | 'list'; items: PyStr[] }
  /** `what` is a noun phrase ("a function call"); `phrase` replaces "set to <what>" when the
   * statement itself is the reason ("by an import"); `ref` names the imported value it stands for
   * (an import binding, or a value read through one that could not be read). */
  | { kind: 'unresolved'; what: string; phrase?: string; ref?: ImportRef };

export type Unresolved = Extract<PyValue, { kind: 'unresolved' }>;

/**
 * A value reached through an import: `module` (dotted; leading dots for a relative import, as
 * written) then the attribute names `attrs` in turn. `from a.b import c` binds `c` to
 * {module 'a.b', attrs ['c']}; `import a.b.c as c` binds `c` to {module 'a.b.c', attrs []};
 * `import a.b` binds `a` to {module 'a', attrs []}. `expr` is the expression as written where the
 * value is used (`cli.EXPAND_BRANCH`); empty on a bare binding.
 */
export interface ImportRef {
  module: string;
  attrs: readonly string[];
  expr: string;
}

/** The dotted name a ref stands for: `myproject.db.migration.cli.EXPAND_BRANCH`. */
export function qualifiedName(ref: ImportRef): string {
  return ref.attrs.length === 0 ? ref.module : `${ref.module}${ref.module.endsWith('.') ? '' : '.'}${ref.attrs.join('.')}`;
}

/** The name a user supplies the value under: the qualified name, or for a relative import (no
 * package to qualify it with) the expression as written. */
export function defineName(ref: ImportRef): string {
  return ref.module.startsWith('.') && ref.expr !== '' ? ref.expr : qualifiedName(ref);
}

/** A name as shown in a message: a hostile 20,000-part name is cut, not printed whole. */
export function shownName(name: string): string {
  return name.length > 120 ? `${name.slice(0, 117)}...` : name;
}

export function unresolved(what: string, phrase?: string, ref?: ImportRef): Unresolved {
  const v: Unresolved = phrase === undefined ? { kind: 'unresolved', what } : { kind: 'unresolved', what, phrase };
  if (ref !== undefined) v.ref = ref;
  return v;
}

/**
 * Evaluates a value reached through an import (the revision reader's hook into the project's
 * modules): the value, or an unresolved value saying why not (carrying `ref`).
 */
export type ImportResolver = (ref: ImportRef) => PyValue;

/** Noun phrase for a resolved value, used when it is not allowed where it appears. */
export function describeValue(v: PyValue): string {
  switch (v.kind) {
    case 'str': return 'a string';
    case 'none': return 'None';
    case 'seq': return v.seq === 'tuple' ? 'a tuple' : 'a list';
    case 'unresolved': return v.what;
  }
}
