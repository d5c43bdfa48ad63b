"""Runs real alembic commands (the Debian package, /usr/bin/python3) against a real database,
many cases in one process, and reports what each did.

Input (stdin, JSON): {"ini": "<alembic.ini>", "url": "<sqlalchemy url>", "cases": [{"rows": [ids in
table order], "argv": ["upgrade", "head"] | ["stamp", "--purge", "x"] | ...}]}.
Before each case the version table is emptied and `rows` are inserted in order (PostgreSQL then
returns them in that order, as `downgrade -1` reads them) and the log table `ran` is emptied.
The migrations log their upgrade()/downgrade() into `ran`. Output (stdout, JSON): per case
{"ok": bool, "error": message | null, "ran": [["up"|"down", id], ...] in run order,
"rows": [version table rows after, sorted]}.
"""
import io
import json
import signal
import sys
import contextlib

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout("alembic did not finish")


signal.signal(signal.SIGALRM, _alarm)


def main():
    req = json.load(sys.stdin)
    engine = create_engine(req["url"])
    with engine.begin() as c:
        c.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL, "
                       "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
        c.execute(text("CREATE TABLE IF NOT EXISTS ran (n SERIAL PRIMARY KEY, what TEXT, rev TEXT)"))
    out = []
    for case in req["cases"]:
        with engine.begin() as c:
            c.execute(text("TRUNCATE alembic_version"))
            c.execute(text("TRUNCATE ran"))
            for r in case["rows"]:
                c.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": r})
        cfg = Config(req["ini"], stdout=io.StringIO())
        argv = case["argv"]
        name, rest = argv[0], argv[1:]
        purge = "--purge" in rest
        target = [a for a in rest if a != "--purge"][0]
        error = None
        signal.alarm(20)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                if name == "upgrade":
                    command.upgrade(cfg, target)
                elif name == "downgrade":
                    command.downgrade(cfg, target)
                else:
                    command.stamp(cfg, target, purge=purge)
        except Timeout:
            error = "Timeout: alembic did not finish"
        except BaseException as e:  # CommandError, KeyError, AssertionError...
            msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
            error = msg if type(e).__name__ == "CommandError" else "%s: %s" % (type(e).__name__, msg)
        finally:
            signal.alarm(0)
        with engine.begin() as c:
            rows = sorted(r[0] for r in c.execute(text("SELECT version_num FROM alembic_version")))
            ran = [[r[0], r[1]] for r in c.execute(text("SELECT what, rev FROM ran ORDER BY n"))]
        out.append({"ok": error is None, "error": error, "ran": ran, "rows": rows})
    json.dump(out, sys.stdout)


main()
