// What the differential tests share: the alembic oracle script, an outcome (a value or alembic's
// error), and our side of it (a RevisionError becomes the outcome's error; anything else throws).
import * as path from 'node:path';
import { RevisionError } from '../../src/core/errors';

export const ORACLE = path.join(__dirname, '..', '..', '..', 'test', 'diff', 'alembic_oracle.py');

export interface Outcome<T> {
  ok: boolean;
  value?: T;
  error?: { type: string; message: string };
}

export function ours<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof RevisionError) return { ok: false, error: { type: e.name, message: e.message } };
    throw e;
  }
}

export const uniqSorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();
