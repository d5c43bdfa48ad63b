// `check` with the migration safety lint, through the bundled CLI (dist/cli.js, with the
// libpg-query WebAssembly beside it): text, json, github and SARIF output (validated against the
// SARIF 2.1.0 JSON schema), exit codes, --lint all|off and pyproject severities.
import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { exampleFile } from '../support/lint-examples';
import { ROOT, runCli, type Run } from '../support/cli';

const SARIF_SCHEMA = path.join(ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

const cli = (args: string[], cwd: string): Run => runCli(args, cwd, { timeoutMs: 30_000 });

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-lint-cli-'));
  await fs.mkdir(path.join(tmp, 'migrations', 'versions'), { recursive: true });
  await fs.writeFile(path.join(tmp, 'alembic.ini'), '[alembic]\nscript_location = %(here)s/migrations\n');
  await fs.writeFile(path.join(tmp, 'migrations', 'versions', 'a1_first.py'), exampleFile('a1', null, [
    "    op.create_index('ix_accounts_email', 'accounts', ['email'])",
    "    op.execute('COMMIT')",
  ].join('\n')));
  await fs.writeFile(path.join(tmp, 'migrations', 'versions', 'b2_second.py'), exampleFile('b2', 'a1', [
    "    op.execute(\"SET lock_timeout = '5s'\")",
    "    op.drop_column('accounts', 'old')  # alembic-lint: ignore[drop-column] unused since 2.3",
  ].join('\n'), "    op.add_column('accounts', sa.Column('old', sa.Text()))"));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('cli: check with the migration safety lint', () => {
  it('prints findings as path:line: severity rule: message and exits 1 on an error finding', () => {
    const r = cli(['check'], tmp);
    assert.equal(r.stdout, [
      'migrations/versions/a1_first.py:18: warning create-index-non-concurrently: CREATE INDEX on existing table "accounts" takes a SHARE lock: writes wait until the index is built; use postgresql_concurrently=True in an autocommit_block()',
      "migrations/versions/a1_first.py:19: error transaction-control-in-execute: COMMIT through op.execute ends alembic's transaction and its version-table update; use op.get_context().autocommit_block()",
      '',
    ].join('\n'));
    assert.equal(r.stderr, '1 error, 1 warning\n');
    assert.equal(r.code, 1);
  });

  it('--lint off leaves only the graph diagnostics; pyproject severities turn rules off or up', async () => {
    const off = cli(['check', '--lint', 'off'], tmp);
    assert.equal(off.stdout, '');
    assert.equal(off.code, 0);
    await fs.writeFile(path.join(tmp, 'pyproject.toml'), '[tool.alembic-migrations.lint]\n"transaction-control-in-execute" = "off"\n"create-index-non-concurrently" = "error"\n"no-such-rule" = "off"\n');
    const r = cli(['check', '--format', 'json'], tmp);
    const doc = JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; severity: string; line: number; column?: number }> };
    assert.deepEqual(doc.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column ?? ''}`), [
      'error create-index-non-concurrently 18:5',
      'warning config 1:',
    ]);
    assert.equal(r.code, 1);
  });

  it('--format github annotates the operation line', () => {
    const r = cli(['check', '--format', 'github'], tmp);
    assert.match(r.stdout, /^::warning file=migrations\/versions\/a1_first\.py,line=18,title=alembic-migrations create-index-non-concurrently::CREATE INDEX on existing table/m);
  });

  it('--format sarif is a SARIF 2.1.0 log valid against the schema, with ruleId, rule help and 1-based startLine', () => {
    const r = cli(['check', '--format', 'sarif'], tmp);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{ tool: { driver: { rules: Array<{ id: string; help: { text: string } }> } }; results: Array<{ ruleId: string; ruleIndex: number; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
    };
    const schema = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, schemaId: 'auto' });
    ajv.addMetaSchema(JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'ajv', 'lib', 'refs', 'json-schema-draft-04.json'), 'utf8')) as object);
    const valid = ajv.validate(schema, log);
    assert.equal(valid, true, JSON.stringify(ajv.errors, null, 1));
    const run = log.runs[0];
    assert.deepEqual(run.results.map((x) => `${x.ruleId} ${x.level} ${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine} -> ${run.tool.driver.rules[x.ruleIndex].id}`), [
      'create-index-non-concurrently warning migrations/versions/a1_first.py:18 -> create-index-non-concurrently',
      'transaction-control-in-execute error migrations/versions/a1_first.py:19 -> transaction-control-in-execute',
    ]);
    assert.match(run.tool.driver.rules[0].help.text, /SHARE lock.*Fix: pass postgresql_concurrently=True/);
    // A document that breaks the schema is refused (the validation is real).
    assert.equal(ajv.validate(schema, { ...log, version: '2.0.0' }), false);
  });
});
