// The injection grammar (syntaxes/alembic-sql.injection.json) tokenized with vscode-textmate and
// the Oniguruma engine VS Code uses, over the Python and SQL grammars VS Code ships (tm-grammars):
// SQL inside op.execute("…") / sa.text("…") gets SQL scopes; other strings and f-strings do not.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (p: string): string => readFileSync(path.join(ROOT, p), 'utf8');

async function registry(): Promise<textmate.Registry> {
  const wasm = readFileSync(path.join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const files: Record<string, string> = {
    'source.python': 'node_modules/tm-grammars/grammars/python.json',
    'source.sql': 'node_modules/tm-grammars/grammars/sql.json',
    'alembic.sql-string.injection': 'syntaxes/alembic-sql.injection.json',
  };
  return new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: (scope: string) => (files[scope] ? Promise.resolve(textmate.parseRawGrammar(read(files[scope]), files[scope])) : Promise.resolve(null)),
    getInjections: (scope: string) => (scope === 'source.python' ? ['alembic.sql-string.injection'] : undefined),
  });
}

/** Scopes of the token covering `needle` on each line that holds it. */
function scopesOf(grammar: textmate.IGrammar, text: string, needle: string): string[][] {
  let stack = textmate.INITIAL;
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    const at = line.indexOf(needle);
    if (at >= 0) out.push(r.tokens.find((t) => t.startIndex <= at && at < t.endIndex)?.scopes ?? []);
  }
  return out;
}

describe('SQL injection grammar', () => {
  it('declares the grammar in package.json with the SQL embedded language', () => {
    const pkg = JSON.parse(read('package.json')) as { contributes: { grammars: Array<{ scopeName: string; path: string; injectTo?: string[]; embeddedLanguages?: Record<string, string> }> } };
    const g = pkg.contributes.grammars.find((x) => x.scopeName === 'alembic.sql-string.injection');
    assert.deepEqual(g, { scopeName: 'alembic.sql-string.injection', path: './syntaxes/alembic-sql.injection.json', injectTo: ['source.python'], embeddedLanguages: { 'meta.embedded.block.sql': 'sql', 'meta.embedded.line.sql': 'sql' } });
  });

  it('highlights SQL in op.execute / sa.text / conn.execute strings (single and triple quoted), not elsewhere', async () => {
    const grammar = await (await registry()).loadGrammar('source.python');
    assert.ok(grammar);
    const text = [
      'def upgrade():',
      "    op.execute('UPDATE accounts SET flag = true')",
      '    conn.execute(sa.text("DELETE FROM orders WHERE id = 1"))',
      '    op.execute("""',
      '        CREATE INDEX ix ON accounts (email)',
      '    """)',
      "    label = 'SELECT not sql here'",
      "    op.execute(f'DROP TABLE {name}')",
      "    op.create_index('ix_a', 'accounts', ['email'])",
    ].join('\n');
    const sql = (needle: string): boolean => scopesOf(grammar, text, needle).every((s) => s.some((x) => x.startsWith('meta.embedded')) && s.some((x) => x.startsWith('keyword')));
    assert.ok(sql('UPDATE'), JSON.stringify(scopesOf(grammar, text, 'UPDATE')));
    assert.ok(sql('DELETE'), JSON.stringify(scopesOf(grammar, text, 'DELETE')));
    assert.ok(sql('CREATE'), JSON.stringify(scopesOf(grammar, text, 'CREATE')));
    for (const plain of ['SELECT', 'DROP', 'ix_a']) {
      const scopes = scopesOf(grammar, text, plain);
      assert.ok(scopes.length === 1 && !scopes[0].some((x) => x.startsWith('meta.embedded')), `${plain}: ${JSON.stringify(scopes)}`);
    }
    // The code after a string goes on as Python.
    const after = scopesOf(grammar, text, "op.create_index")[0];
    assert.ok(!after.some((x) => x.startsWith('meta.embedded')), JSON.stringify(after));
  });
});
