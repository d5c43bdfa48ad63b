// Static values of Python expressions: what the module scanner can resolve without executing.

/** A string value; idStart/idEnd cover the id text (inside the quotes for one literal, the whole
 * literal run for implicit concatenation). */
export interface PyStr {
  kind: 'str';
  value: string;
  idStart: number;
  idEnd: number;
}

export type PyValue =
  | PyStr
  | { kind: 'none' }
  | { kind: 'seq'; seq: 'tuple' | 'list'; items: PyStr[] }
  /** `what` is a noun phrase ("a function call"); `phrase` replaces "set to <what>" when the
   * statement itself is the reason ("by an import"). */
  | { kind: 'unresolved'; what: string; phrase?: string };

export type Unresolved = Extract<PyValue, { kind: 'unresolved' }>;

export function unresolved(what: string, phrase?: string): Unresolved {
  return phrase === undefined ? { kind: 'unresolved', what } : { kind: 'unresolved', what, phrase };
}

/** Noun phrase for a resolved value, used when it is not allowed where it appears. */
export function describeValue(v: PyValue): string {
  switch (v.kind) {
    case 'str': return 'a string';
    case 'none': return 'None';
    case 'seq': return v.seq === 'tuple' ? 'a tuple' : 'a list';
    case 'unresolved': return v.what;
  }
}
