// `check --format sarif`: a SARIF 2.1.0 log (one run) for GitHub code scanning and other viewers.
// Every result has its ruleId, a rule entry with the rule's help, and a 1-based startLine on the
// operation's (or problem's) line; paths are relative to the current folder (the checkout root
// in CI), as code scanning expects.
import * as path from 'node:path';
import { RULE_BY_ID } from '../core/lint/rules';
import type { Severity } from '../core/types';
import { displayPath, type DiagnosticJson } from './format';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** One line for the revision-graph codes (the lint rules carry their own). */
const GRAPH_CODES: Record<string, string> = {
  'multiple-heads': 'More than one head: `alembic upgrade head` fails.',
  'labelled-heads': 'Several heads, each with a branch label.',
  'missing-down-revision': 'down_revision names a revision that is not in the folder.',
  'missing-depends-on': 'depends_on names a revision that is not in the folder.',
  'duplicate-revision': 'Two files declare the same revision id.',
  cycle: 'The revisions form a cycle.',
  'invalid-revision-id': 'A revision id has characters alembic refuses.',
  'branch-label-conflict': 'A branch label is used twice.',
  'missing-revision-variable': 'A revision file lacks `revision` or `down_revision`.',
  'parse-error': 'Python cannot parse the revision file.',
  'unresolved-value': 'A revision variable is not a literal the extension can read.',
  config: 'A problem in the Alembic configuration or the folder scan.',
};

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
}

function ruleEntry(code: string, seen: Severity): SarifRule {
  const lint = RULE_BY_ID.get(code);
  if (lint) {
    return {
      id: code,
      name: code,
      shortDescription: { text: lint.why },
      fullDescription: { text: lint.why },
      help: { text: `${lint.why} Fix: ${lint.fix}`, markdown: `${lint.why}\n\n**Fix:** ${lint.fix}\n\nSuppress one finding with \`# alembic-lint: ignore[${code}] <reason>\` on its line or the line above.` },
      defaultConfiguration: { level: LEVEL[lint.severity] },
    };
  }
  const text = GRAPH_CODES[code] ?? code;
  return { id: code, name: code, shortDescription: { text }, fullDescription: { text }, help: { text, markdown: text }, defaultConfiguration: { level: LEVEL[seen] } };
}

export function sarifLog(diags: readonly DiagnosticJson[], folder: string, cwd: string, version: string): object {
  const rules: SarifRule[] = [];
  const index = new Map<string, number>();
  const results = diags.map((d) => {
    let i = index.get(d.code);
    if (i === undefined) {
      i = rules.length;
      index.set(d.code, i);
      rules.push(ruleEntry(d.code, d.severity));
    }
    const uri = displayPath(cwd, path.resolve(folder, d.path));
    const region: { startLine: number; startColumn?: number } = { startLine: Math.max(1, d.line) };
    if (d.column !== undefined) region.startColumn = d.column;
    return {
      ruleId: d.code,
      ruleIndex: i,
      level: LEVEL[d.severity],
      message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(uri), uriBaseId: '%SRCROOT%' }, region } }],
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'alembic-migrations', version, semanticVersion: version, rules } },
      results,
    }],
  };
}
