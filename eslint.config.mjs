// ESLint flat config: typescript-eslint with type information over every TypeScript file the
// type checker sees (tsconfig.json), eslint-plugin-regexp's super-linear rules, and an import-cycle
// rule, and no config parsing in the extension. `npm run lint` runs it; `npm test` (test/run-all.mjs) fails on any finding.
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';
import { importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', '.vscode-test/**', 'test/fixtures/**', 'bench/.data/**'] },
  {
    files: ['**/*.ts'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, regexp, 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      // Promises: none dropped on the floor, none handed where a void callback is expected.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // No import cycles anywhere (type-only imports count too: the design has none).
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Regular expressions that can take super-linear time on hostile input.
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    // The config is parsed once, by the language server: the extension asks it (alembic/databaseUrl).
    files: ['src/extension/**/*.ts', 'src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '(^|/)(core/(config|ini)|io/discover)$',
          message: 'The language server parses alembic.ini / pyproject.toml; ask it (ServerClient.databaseUrl, alembic/projects) instead.',
        }],
      }],
    },
  },
);
