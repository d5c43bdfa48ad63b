// Which revisions the lint reports on, and the project's severities from pyproject.toml.
// History is not actionable: by default only the revisions the database has not applied.
import { parse as parseToml } from 'smol-toml';
import type { RevisionState } from '../types';
import { readSeverities, type LintSeverity, type RuleId } from './rules';

export type LintScope = 'pending' | 'all' | 'off';

/** Ids to lint: every one for `all`; for `pending`, those whose state is pending (all when states are unknown). */
export function revisionsInScope(ids: Iterable<string>, scope: LintScope, states: ReadonlyMap<string, RevisionState> | null): string[] {
  if (scope === 'off') return [];
  const out: string[] = [];
  for (const id of ids) {
    if (scope === 'all' || states === null || (states.get(id) ?? 'pending') === 'pending') out.push(id);
  }
  return out;
}

/** `[tool.alembic-migrations.lint]` of a pyproject.toml's text: `rule-id = "off" | "info" | "warning" | "error"`. */
export function pyprojectSeverities(text: string): { overrides: Map<RuleId, LintSeverity>; problems: string[] } {
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (e) {
    return { overrides: new Map(), problems: [`pyproject.toml: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`] };
  }
  const tool = field(doc, 'tool');
  const lint = field(field(tool, 'alembic-migrations'), 'lint');
  const r = readSeverities(lint);
  return { overrides: r.overrides, problems: r.problems.map((p) => `pyproject.toml [tool.alembic-migrations.lint]: ${p}`) };
}

function field(x: unknown, key: string): unknown {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>)[key] : undefined;
}
