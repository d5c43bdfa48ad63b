import * as assert from 'node:assert/strict';
import { parse as parseLibpqUrl } from 'pg-connection-string';
import { chooseDatabaseUrl, isLocalTarget, needsHostConsent, parseSqlalchemyUrl, passwordFallbackAllowed, type ParsedDbUrl, type PgTarget } from '../../src/core/dburl';

function pgOf(url: string): { pg: PgTarget; display: string } {
  const r: ParsedDbUrl = parseSqlalchemyUrl(url);
  if (r.kind !== 'postgresql') assert.fail(`expected a postgresql URL for ${url}, got ${JSON.stringify(r)}`);
  return { pg: r.pg, display: r.display };
}

describe('parseSqlalchemyUrl', () => {
  describe('PostgreSQL dialects and drivers', () => {
    const full = { host: 'db.example.com', port: 5433, database: 'shop', user: 'app', password: 'secret' };
    for (const scheme of ['postgresql', 'postgresql+psycopg2', 'postgresql+psycopg', 'postgresql+asyncpg', 'postgresql+pg8000', 'postgres']) {
      it(`reads ${scheme}:// into host, port, database, user and password`, () => {
        const r = pgOf(`${scheme}://app:secret@db.example.com:5433/shop`);
        assert.deepEqual(r.pg, full);
        assert.equal(r.display, 'app@db.example.com:5433/shop');
      });
    }

    it('accepts an upper-case dialect name', () => {
      assert.deepEqual(pgOf('PostgreSQL+Psycopg2://app@h/db').pg, { host: 'h', database: 'db', user: 'app' });
    });

    it('leaves host, port, user and database absent when the URL omits them (driver defaults apply)', () => {
      const r = pgOf('postgresql://');
      assert.deepEqual(r.pg, {});
      assert.equal(r.display, 'localhost:5432');
    });

    it('reads a user without a password', () => {
      const r = pgOf('postgresql://app@localhost/shop');
      assert.deepEqual(r.pg, { host: 'localhost', database: 'shop', user: 'app' });
      assert.equal(r.display, 'app@localhost:5432/shop');
    });

    it('reads a bracketed IPv6 host and shows it bracketed', () => {
      const r = pgOf('postgresql://app:pw@[::1]:6543/shop');
      assert.deepEqual(r.pg, { host: '::1', port: 6543, database: 'shop', user: 'app', password: 'pw' });
      assert.equal(r.display, 'app@[::1]:6543/shop');
    });

    it('trims surrounding whitespace (a value pasted into a setting)', () => {
      assert.deepEqual(pgOf('  postgresql://app@h/db\n').pg, { host: 'h', database: 'db', user: 'app' });
    });
  });

  describe('url-encoded user and password', () => {
    it('percent-decodes user and password like SQLAlchemy (@ : / % and space)', () => {
      const r = pgOf('postgresql+psycopg2://us%40er:p%40ss%3Aw%2Frd%25%20x@db:5432/shop');
      assert.equal(r.pg.user, 'us@er');
      assert.equal(r.pg.password, 'p@ss:w/rd% x');
      assert.equal(r.display, 'us@er@db:5432/shop');
    });

    it('keeps a literal + in the password (SQLAlchemy uses unquote, not unquote_plus)', () => {
      assert.equal(pgOf('postgresql://u:a+b@h/db').pg.password, 'a+b');
    });

    it('keeps an invalid percent escape verbatim instead of failing', () => {
      assert.equal(pgOf('postgresql://u:100%zz@h/db').pg.password, '100%zz');
    });

    it('takes the database name verbatim, as SQLAlchemy does', () => {
      assert.equal(pgOf('postgresql://u@h/my%20db').pg.database, 'my%20db');
    });

    it('never puts the password into display', () => {
      for (const url of [
        'postgresql://app:Sup3rS3cret@h:1/db',
        'postgresql+asyncpg://app:Sup3rS3cret@h/db?ssl=require',
        'postgres://app:Sup3rS3cret@/db?host=/var/run/postgresql',
        'postgresql://app@h/db?password=Sup3rS3cret',
      ]) {
        const r = pgOf(url);
        assert.equal(r.pg.password, 'Sup3rS3cret');
        assert.ok(!r.display.includes('Sup3rS3cret'), `${r.display} leaks the password`);
      }
    });

    it("refuses a password with an unescaped '@' without showing any part of it", () => {
      // SQLAlchemy 1.4 reads this as password 'Sup3r' and host 'S3cret@db.example.com'.
      for (const url of ['postgresql://app:Sup3r@S3cret@db.example.com:5432/app', 'postgresql+psycopg2://app:a@b@c@h/db']) {
        const r = parseSqlalchemyUrl(url);
        assert.equal(r.kind, 'invalid');
        const message = r.kind === 'invalid' ? r.message : '';
        assert.match(message, /must write it as %40/);
        for (const part of ['Sup3r', 'S3cret', 'b@c', '@h']) assert.ok(!message.includes(part), `${message} shows ${part}`);
      }
    });
  });

  describe('query options', () => {
    it('connects through a unix socket folder given as ?host= with an empty URL host', () => {
      const r = pgOf('postgresql+psycopg2://app:pw@/shop?host=/var/run/postgresql');
      assert.deepEqual(r.pg, { host: '/var/run/postgresql', database: 'shop', user: 'app', password: 'pw' });
      assert.equal(r.display, 'app@/var/run/postgresql:5432/shop');
    });

    it('lets ?host= and ?port= override the URL host and port (the driver receives the query last)', () => {
      const r = pgOf('postgresql://app@ignored:1111/shop?host=%2Ftmp%2Fsock&port=6000');
      assert.equal(r.pg.host, '/tmp/sock');
      assert.equal(r.pg.port, 6000);
    });

    it('takes the first host of a multi-host query with its port', () => {
      const r = pgOf('postgresql+psycopg://app@/shop?host=alpha:5441&host=beta:5442');
      assert.equal(r.pg.host, 'alpha');
      assert.equal(r.pg.port, 5441);
    });

    it('passes libpq options through form-decoded (%3D and + become = and space)', () => {
      assert.equal(pgOf('postgresql://u@h/db?options=-csearch_path%3Dapp').pg.options, '-csearch_path=app');
      assert.equal(pgOf('postgresql://u@h/db?options=-c+search_path%3Dapp,public').pg.options, '-c search_path=app,public');
    });

    it('reads user, password and dbname given as query parameters', () => {
      assert.deepEqual(pgOf('postgresql://h/?user=app&password=pw&dbname=shop').pg, {
        host: 'h',
        user: 'app',
        password: 'pw',
        database: 'shop',
      });
    });

    it('ignores driver options that do not affect the connection target', () => {
      assert.deepEqual(pgOf('postgresql://u@h/db?application_name=api&connect_timeout=10').pg, {
        host: 'h',
        database: 'db',
        user: 'u',
      });
    });

    const sslCases: Array<[string, PgTarget['ssl']]> = [
      ['sslmode=disable', false],
      ['sslmode=allow', false],
      ['sslmode=prefer', false],
      ['sslmode=require', { rejectUnauthorized: false }],
      ['sslmode=verify-ca', { rejectUnauthorized: true }],
      ['sslmode=verify-full', { rejectUnauthorized: true }],
      ['ssl=require', { rejectUnauthorized: false }],
      ['ssl=true', { rejectUnauthorized: false }],
      ['ssl=false', false],
    ];
    for (const [query, ssl] of sslCases) {
      it(`maps ${query} to ssl ${JSON.stringify(ssl)}`, () => {
        assert.deepEqual(pgOf(`postgresql+asyncpg://u@h/db?${query}`).pg.ssl, ssl);
      });
    }

    it('rejects an unknown sslmode with a message naming the value', () => {
      assert.deepEqual(parseSqlalchemyUrl('postgresql://u:pw@h/db?sslmode=sometimes'), {
        kind: 'invalid',
        message: "The database URL has an invalid sslmode value 'sometimes' (use disable, prefer, require, verify-ca or verify-full).",
      });
    });
  });

  describe('invalid and other URLs', () => {
    it('reports an empty URL', () => {
      assert.deepEqual(parseSqlalchemyUrl('   '), { kind: 'invalid', message: 'The database URL is empty.' });
    });

    it('reports text that is not a URL, without echoing it', () => {
      const r = parseSqlalchemyUrl('host=db user=app password=hunter2');
      assert.deepEqual(r, {
        kind: 'invalid',
        message: 'The database URL could not be parsed: expected dialect[+driver]://user:password@host:port/database.',
      });
    });

    it('reports a port that is not a number, without the password', () => {
      const r = parseSqlalchemyUrl('postgresql://app:hunter2@db:fivefour/shop');
      assert.deepEqual(r, { kind: 'invalid', message: "The database URL has an invalid port 'fivefour'." });
    });

    it('reports a port out of range', () => {
      assert.equal(parseSqlalchemyUrl('postgresql://db:70000/shop').kind, 'invalid');
      assert.equal(parseSqlalchemyUrl('postgresql://db/shop?port=0').kind, 'invalid');
    });

    it('returns other with the dialect for sqlite (alembic current is used instead)', () => {
      assert.deepEqual(parseSqlalchemyUrl('sqlite:///./app.db'), { kind: 'other', dialect: 'sqlite', display: 'sqlite:///./app.db' });
    });

    it('returns other for mysql with the password replaced by ***', () => {
      assert.deepEqual(parseSqlalchemyUrl('mysql+pymysql://app:hunter2@db:3306/shop?charset=utf8mb4'), {
        kind: 'other',
        dialect: 'mysql',
        display: 'mysql+pymysql://app:***@db:3306/shop?charset=utf8mb4',
      });
    });

    it('returns other for a URL without a password unchanged in display', () => {
      assert.deepEqual(parseSqlalchemyUrl('mssql+pyodbc://app@dsn'), { kind: 'other', dialect: 'mssql', display: 'mssql+pyodbc://app@dsn' });
    });
  });

  describe('agreement with pg-connection-string on plain libpq URLs', () => {
    for (const url of [
      'postgresql://app:secret@db.example.com:5433/shop',
      'postgresql://app@localhost/shop',
      'postgresql://us%40er:p%40ss%3Aword@h:5432/db',
      'postgresql://app:pw@h:5432/db?options=-csearch_path%3Dapp',
    ]) {
      it(`agrees on ${url.replace(/:[^:@/]*@/, ':***@')}`, () => {
        const ours = pgOf(url).pg;
        const theirs = parseLibpqUrl(url);
        assert.equal(ours.host, theirs.host ?? undefined);
        assert.equal(ours.port, theirs.port ? Number(theirs.port) : undefined);
        assert.equal(ours.database, theirs.database ?? undefined);
        assert.equal(ours.user, theirs.user || undefined);
        assert.equal(ours.password, theirs.password || undefined);
        assert.equal(ours.options, theirs.options);
      });
    }
  });
});

describe('chooseDatabaseUrl', () => {
  const env = { DATABASE_URL: 'postgresql://env@h/db', EMPTY: '  ' };

  it('prefers the setting over the environment and the config', () => {
    assert.deepEqual(
      chooseDatabaseUrl({ setting: 'postgresql://setting@h/db', envVarName: 'DATABASE_URL', env, configUrl: 'postgresql://cfg@h/db' }),
      { url: 'postgresql://setting@h/db', source: 'setting' },
    );
  });

  it('uses the named environment variable when the setting is empty', () => {
    assert.deepEqual(chooseDatabaseUrl({ setting: '', envVarName: 'DATABASE_URL', env, configUrl: 'postgresql://cfg@h/db' }), {
      url: 'postgresql://env@h/db',
      source: 'env',
    });
  });

  it('accepts the variable name written as $NAME or ${NAME}', () => {
    for (const name of ['$DATABASE_URL', '${DATABASE_URL}', ' DATABASE_URL ']) {
      assert.equal(chooseDatabaseUrl({ envVarName: name, env })?.source, 'env', name);
    }
  });

  it('falls back to sqlalchemy.url when the variable is unset or blank', () => {
    for (const name of ['MISSING', 'EMPTY', null]) {
      assert.deepEqual(chooseDatabaseUrl({ setting: null, envVarName: name, env, configUrl: 'postgresql://cfg@h/db' }), {
        url: 'postgresql://cfg@h/db',
        source: 'config',
      });
    }
  });

  it("skips alembic init's placeholder URL and returns null when nothing names a database", () => {
    assert.equal(chooseDatabaseUrl({ env: {}, configUrl: 'driver://user:pass@localhost/dbname' }), null);
    assert.equal(chooseDatabaseUrl({ env: {} }), null);
  });
});

describe('who may get a password, and when to ask before connecting', () => {
  const remote = { host: 'db.example.com', port: 5432 };
  it('treats loopback, a unix socket and no host as this machine', () => {
    for (const host of [undefined, '', 'localhost', 'LOCALHOST', '127.0.0.1', '127.4.5.6', '::1', '/var/run/postgresql']) {
      assert.equal(isLocalTarget({ host }), true, String(host));
    }
    for (const host of ['db.example.com', '10.0.0.5', '192.0.2.2', '128.0.0.1', 'localhost.example.com', '::2']) {
      assert.equal(isLocalTarget({ host }), false, host);
    }
  });

  it('libpq fallbacks (PGPASSWORD, ~/.pgpass) only for the user’s own URL or this machine', () => {
    assert.equal(passwordFallbackAllowed(false, remote), true);
    assert.equal(passwordFallbackAllowed(true, remote), false);
    assert.equal(passwordFallbackAllowed(true, { host: '127.0.0.1' }), true);
    assert.equal(passwordFallbackAllowed(true, { host: '/tmp' }), true);
  });

  it('asks before connecting only to a remote host the project files name', () => {
    assert.equal(needsHostConsent(true, remote), true);
    assert.equal(needsHostConsent(false, remote), false);
    assert.equal(needsHostConsent(true, { host: 'localhost' }), false);
  });
});
