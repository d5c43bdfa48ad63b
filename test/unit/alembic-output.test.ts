// Inputs are output captured from the real alembic 1.8.1 (`/usr/bin/alembic`) against a real
// PostgreSQL; the db suite re-checks the main cases live (test/db/runner.test.ts).
import * as assert from 'node:assert/strict';
import { failedMessage, parseAlembicFailure, parseCurrentOutput, parseTraceback } from '../../src/core/alembic-output';

const LOG = 'INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\nINFO  [alembic.runtime.migration] Will assume transactional DDL.\n';

const KEYERROR_STDERR = `/usr/lib/python3/dist-packages/alembic/script/revision.py:223: UserWarning: Revision gone1 referenced from gone1 -> b2 (head), rev b2 is not present
  util.warn(
Traceback (most recent call last):
  File "/usr/bin/alembic", line 33, in <module>
    sys.exit(load_entry_point('alembic==1.8.1.dev0', 'console_scripts', 'alembic')())
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/alembic/command.py", line 481, in heads
    heads = script.get_revisions(script.get_heads())
                                 ^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/alembic/script/revision.py", line 227, in _revision_map
    down_revision = map_[downrev]
                    ~~~~^^^^^^^^^
KeyError: 'gone1'
`;

const MIGRATION_RAISES_STDERR = `${LOG}INFO  [alembic.runtime.migration] Running upgrade b2 -> d4, rev d4
Traceback (most recent call last):
  File "/usr/bin/alembic", line 33, in <module>
    sys.exit(load_entry_point('alembic==1.8.1.dev0', 'console_scripts', 'alembic')())
  File "/usr/lib/python3/dist-packages/alembic/runtime/migration.py", line 623, in run_migrations
    step.migration_fn(**kw)
  File "/tmp/alembic-project-0isx0g/migrations/versions/d4_rev_d4.py", line 23, in upgrade
    raise RuntimeError('boom "x"')
RuntimeError: boom "x"
`;

const REFUSED_STDERR = `Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/sqlalchemy/engine/default.py", line 598, in connect
    return self.dbapi.connect(*cargs, **cparams)
psycopg2.OperationalError: connection to server at "127.0.0.1", port 1 failed: Connection refused
\tIs the server running on that host and accepting TCP/IP connections?


The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/usr/bin/alembic", line 33, in <module>
    sys.exit(load_entry_point('alembic==1.8.1.dev0', 'console_scripts', 'alembic')())
  File "/tmp/alembic-project-x/migrations/env.py", line 78, in <module>
    run_migrations_online()
  File "/usr/lib/python3/dist-packages/sqlalchemy/engine/default.py", line 598, in connect
    return self.dbapi.connect(*cargs, **cparams)
sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "127.0.0.1", port 1 failed: Connection refused
\tIs the server running on that host and accepting TCP/IP connections?

(Background on this error at: https://sqlalche.me/e/14/e3q8)
`;

describe('parseAlembicFailure', () => {
  it('returns null for exit status 0, even with warnings on stderr', () => {
    assert.equal(parseAlembicFailure('b2 (head)\n', 'UserWarning: something\n', 0), null);
  });

  it("turns 'Multiple head revisions … argument head' into a multiple-heads failure with the ways out", () => {
    const stdout =
      "FAILED: Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads\n";
    assert.deepEqual(parseAlembicFailure(stdout, LOG, 255), {
      kind: 'multiple-heads',
      summary: "Multiple heads are present, so 'head' is ambiguous: upgrade to 'heads', name one head (or '<branch>@head'), or merge the heads.",
    });
  });

  it("turns revision's 'Multiple heads are present' into a multiple-heads failure", () => {
    const stdout = 'FAILED: Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge.\n';
    assert.deepEqual(parseAlembicFailure(stdout, '', 255), {
      kind: 'multiple-heads',
      summary: 'Multiple heads are present: choose the head the new revision is based on, or merge the heads first.',
    });
  });

  it("turns Can't locate revision into missing-revision with the fix (checkout or stamp)", () => {
    const stdout = "FAILED: Can't locate revision identified by 'zzz999'\n";
    assert.deepEqual(parseAlembicFailure(stdout, `${LOG}ERROR [alembic.util.messaging] Can't locate revision identified by 'zzz999'\n`, 255), {
      kind: 'missing-revision',
      summary:
        "Can't locate revision 'zzz999': no migration file defines it — if the database is stamped with it (typical after switching git branches), check out the branch that has that file, or stamp the database to a revision that exists.",
    });
  });

  it('passes any other FAILED message through as one sentence', () => {
    assert.deepEqual(parseAlembicFailure("FAILED: No config file 'nonexist.ini' found, or file has no '[alembic]' section\n", '', 255), {
      kind: 'failed',
      summary: "No config file 'nonexist.ini' found, or file has no '[alembic]' section.",
    });
  });

  it('joins a FAILED message that alembic wrapped at the terminal width', () => {
    const wrapped = "  FAILED: Can't locate revision identified\n  by 'abc123'\n";
    assert.equal(failedMessage(wrapped), "Can't locate revision identified by 'abc123'");
    assert.equal(parseAlembicFailure(wrapped, '', 255)?.kind, 'missing-revision');
  });

  it('does not take the status line "…  FAILED" (no colon) for a FAILED message', () => {
    assert.equal(failedMessage('Generating /p/versions/x.py ...  FAILED\n'), null);
  });

  it("explains a broken link's KeyError as a missing revision naming the migration that references it", () => {
    assert.deepEqual(parseAlembicFailure('', KEYERROR_STDERR, 1), {
      kind: 'missing-revision',
      summary: "Revision 'gone1' referenced by migration b2 is missing: fix that down_revision or depends_on, or restore the file that defines 'gone1'.",
    });
  });

  it("keeps a KeyError raised by the user's env.py a plain traceback (not a missing revision)", () => {
    const stderr = `Traceback (most recent call last):
  File "/usr/bin/alembic", line 33, in <module>
    sys.exit(load_entry_point('alembic==1.8.1.dev0', 'console_scripts', 'alembic')())
  File "/srv/app/migrations/env.py", line 12, in <module>
    url = os.environ['DATABASE_URL']
  File "/usr/lib/python3.11/os.py", line 679, in __getitem__
    raise KeyError(key) from None
KeyError: 'DATABASE_URL'
`;
    assert.deepEqual(parseAlembicFailure('', stderr, 1), {
      kind: 'traceback',
      summary: "Alembic stopped with KeyError: 'DATABASE_URL' (at /srv/app/migrations/env.py line 12).",
    });
  });

  it('names the exception and the migration file and line when upgrade() raises', () => {
    assert.deepEqual(parseAlembicFailure('', MIGRATION_RAISES_STDERR, 1), {
      kind: 'traceback',
      summary: 'Alembic stopped with RuntimeError: boom "x" (at /tmp/alembic-project-0isx0g/migrations/versions/d4_rev_d4.py line 23).',
    });
  });

  it('uses the last of chained tracebacks (the SQLAlchemy error for a refused connection)', () => {
    assert.deepEqual(parseAlembicFailure('', REFUSED_STDERR, 1), {
      kind: 'traceback',
      summary:
        'Alembic stopped with sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "127.0.0.1", port 1 failed: Connection refused (at /tmp/alembic-project-x/migrations/env.py line 78).',
    });
  });

  it('reports a non-zero exit without FAILED or traceback with the last stderr line', () => {
    const stderr = "usage: alembic [-h] [--version] [-c CONFIG] [-n NAME] [-x X] [--raiseerr]\nalembic: error: argument {branches,current}: invalid choice: 'upgrde'\n";
    assert.deepEqual(parseAlembicFailure('', stderr, 2), {
      kind: 'exit',
      summary: "Alembic exited with code 2: alembic: error: argument {branches,current}: invalid choice: 'upgrde'.",
    });
    assert.deepEqual(parseAlembicFailure('', '', 3), { kind: 'exit', summary: 'Alembic exited with code 3.' });
  });

  it('reports a run killed by a signal (exit code null)', () => {
    assert.deepEqual(parseAlembicFailure(LOG, '', null), { kind: 'exit', summary: 'Alembic was stopped before it finished.' });
  });
});

describe('parseTraceback', () => {
  it('returns the exception type, message, user frame and frames of the last traceback', () => {
    const tb = parseTraceback(MIGRATION_RAISES_STDERR);
    assert.deepEqual(tb, {
      exception: 'RuntimeError: boom "x"',
      type: 'RuntimeError',
      message: 'boom "x"',
      userFrame: { file: '/tmp/alembic-project-0isx0g/migrations/versions/d4_rev_d4.py', line: 23 },
      frames: [
        '/usr/bin/alembic',
        '/usr/lib/python3/dist-packages/alembic/runtime/migration.py',
        '/tmp/alembic-project-0isx0g/migrations/versions/d4_rev_d4.py',
      ],
    });
  });

  it('returns null without a traceback', () => {
    assert.equal(parseTraceback(LOG), null);
  });
});

describe('parseCurrentOutput', () => {
  it('reads one id per line with its indicators', () => {
    assert.deepEqual(parseCurrentOutput('b2 (head)\n'), ['b2']);
    assert.deepEqual(parseCurrentOutput('c3 (head)\nd4 (effective head) (mergepoint)\n'), ['c3', 'd4']);
    assert.deepEqual(parseCurrentOutput('a1 (branchpoint)\n'), ['a1']);
  });

  it('reads nothing from an uninitialised database', () => {
    assert.deepEqual(parseCurrentOutput(''), []);
  });

  it('reads the verbose form and skips its header', () => {
    const verbose = `Current revision(s) for postgresql://app:XXXXX@127.0.0.1:5432/app:
Rev: b2 (head)
Parent: a1
Path: /p/migrations/versions/b2_rev_b2.py

    rev b2

    Revision ID: b2
    Revises: a1
    Create Date: 2024-01-01 00:00:00.000000

`;
    assert.deepEqual(parseCurrentOutput(verbose), ['b2']);
  });

  it('skips log lines when env.py logs to stdout', () => {
    assert.deepEqual(parseCurrentOutput(`${LOG}ae1027a6acf (head)\n`), ['ae1027a6acf']);
  });
});
