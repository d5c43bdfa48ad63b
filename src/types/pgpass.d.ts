// The part of `pgpass` (node-postgres's ~/.pgpass reader; no published types) that src/io/pg.ts uses.
declare module 'pgpass' {
  interface PgPass {
    (params: unknown, cb: (pass: string | undefined) => void): void;
    /** Where its warnings go (stderr by default); null silences them. */
    warnTo(stream: null): unknown;
  }
  const pgpass: PgPass;
  export = pgpass;
}
