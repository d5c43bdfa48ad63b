"""Differential-test oracle: asks real Alembic (the Debian package, run with /usr/bin/python3)
what it makes of a migrations folder.

Input (stdin, JSON): {"versions": "<folder>", "targets": [str], "upgrades": [[rows, target]],
"downgrades": [[rows, target]], "sysPath": [folder]} (sysPath goes before sys.path, as alembic does
with prepend_sys_path, so revision files can import the project's modules). Output (stdout, JSON): the map's heads/bases/real heads, each
revision's parents and effective branch labels, every target resolution, every upgrade/downgrade
plan, and every failure with its exception type and message. Each step runs under an alarm: a
hang (alembic loops forever on some cycles) is reported as {"type": "Timeout"}.

Files load in alembic 1.10+'s order (sorted names) so "the later file wins" is reproducible;
alembic 1.8 itself uses os.listdir order.
"""
import json
import os
import signal
import sys
import warnings

from alembic import util
from alembic.script import Script, ScriptDirectory
from alembic.script.revision import RevisionMap, _relative_destination


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout("alembic did not finish")


signal.signal(signal.SIGALRM, _alarm)
STEP_SECONDS = 3


def run(fn):
    """Runs fn under an alarm; returns {"ok": True, "value": ...} or {"ok": False, "error": ...}."""
    signal.alarm(STEP_SECONDS)
    try:
        return {"ok": True, "value": fn()}
    except Timeout:
        return {"ok": False, "error": {"type": "Timeout", "message": "alembic did not finish"}}
    except BaseException as e:  # alembic raises KeyError, AssertionError, RevisionError, CommandError...
        msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
        return {"ok": False, "error": {"type": type(e).__name__, "message": str(msg)}}
    finally:
        signal.alarm(0)


class Overwalk(Exception):
    """alembic's _walk returned None (walked past the end); its commands then crash."""


def ids(revs):
    out = []
    for r in revs:
        if r is None:
            raise Overwalk("walked past the end of the revisions")
        if r == "base":
            continue
        out.append(r.revision)
    return out


def main():
    req = json.load(sys.stdin)
    sys.path[:0] = req.get("sysPath", [])
    versions = req["versions"]
    parent = os.path.dirname(versions)
    sd = ScriptDirectory(parent)

    def generate():
        for name in sorted(os.listdir(versions)):
            script = Script._from_filename(sd, versions, name)
            if script is not None:
                yield script

    rmap = RevisionMap(generate)
    sd.revision_map = rmap
    result = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load = run(lambda: rmap._revision_map and None)
    result["warnings"] = [str(w.message) for w in caught]
    result["load"] = load
    if not load["ok"]:
        print(json.dumps(result))
        return

    result["heads"] = list(rmap.heads)
    result["bases"] = list(rmap.bases)
    result["realHeads"] = list(rmap._real_heads)
    revs = {}
    for key, rev in rmap._revision_map.items():
        if rev is None or key != rev.revision:
            continue
        revs[rev.revision] = {
            "down": list(util.to_tuple(rev.down_revision, default=())),
            "deps": list(rev._resolved_dependencies),
            "labels": sorted(rev.branch_labels),
            "path": getattr(rev, "path", None),
            "doc": rev.doc,
        }
    result["revisions"] = revs

    def resolve(t):
        # the same dispatch as the core's resolveTarget without current rows: `+N` forms follow
        # `alembic upgrade` from an empty database, `rev-N` the downgrade walk, everything else
        # is get_revisions()
        m = _relative_destination.match(t)
        if m and not m.group(3).startswith("-"):
            return ids(rmap._parse_upgrade_target(None, t, True))
        if m and m.group(2) is not None:  # rev-N: the downgrade walk
            return ids([rmap._parse_downgrade_target(None, t, True)[1]])
        return ids(rmap.get_revisions(t))

    result["targets"] = {t: run(lambda t=t: resolve(t)) for t in req.get("targets", [])}
    result["upgrades"] = [
        run(lambda rows=rows, t=t: [s.revision.revision for s in sd._upgrade_revs(t, tuple(rows))])
        for rows, t in req.get("upgrades", [])
    ]
    result["downgrades"] = [
        run(lambda rows=rows, t=t: [s.revision.revision for s in sd._downgrade_revs(t, tuple(rows))])
        for rows, t in req.get("downgrades", [])
    ]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
