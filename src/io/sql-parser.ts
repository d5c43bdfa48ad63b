// The real PostgreSQL parser (libpg-query, WebAssembly) for the lint's SQL, loaded once on first
// use. The bundles carry `libpg-query.wasm` next to them (esbuild.mjs copies it into dist/).
import type { SqlParser } from '../core/lint/actions';

let loaded: Promise<SqlParser> | null = null;

/** Loads the parser (about 50 ms the first time); later calls return the same one. */
export function loadSqlParser(): Promise<SqlParser> {
  loaded ??= (async () => {
    const pg = await import('libpg-query');
    await pg.loadModule();
    return (sql: string) => {
      try {
        const r: unknown = pg.parseSync(sql);
        const stmts = typeof r === 'object' && r !== null && Array.isArray((r as { stmts?: unknown }).stmts) ? (r as { stmts: unknown[] }).stmts : [];
        return { stmts };
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
    };
  })();
  return loaded;
}
