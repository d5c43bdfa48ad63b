"""Alembic's own path over a versions folder, for the benchmark (run with /usr/bin/python3).

Reads every revision file the way a static tool on Alembic's side would: `ast`-parses it and takes
the module-level `revision`, `down_revision`, `branch_labels`, `depends_on` (plain and annotated
assignments), builds alembic's own `RevisionMap` from them, asks it for heads and bases, and walks
the whole history from the heads down to base (`iterate_revisions`, as `alembic history` does).

Usage: python3 alembic_path.py VERSIONS_DIR
Prints one JSON line: {"files", "revisions", "heads", "bases", "walked", "seconds"}.
"""
import ast
import json
import os
import sys
import time

from alembic.script.revision import Revision, RevisionMap

WANTED = ("revision", "down_revision", "branch_labels", "depends_on")


def read_vars(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            value = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            targets = [node.target.id]
            value = node.value
        else:
            continue
        for name in targets:
            if name in WANTED:
                found[name] = ast.literal_eval(value)
    return found


def main():
    folder = sys.argv[1]
    started = time.perf_counter()
    revisions = []
    names = sorted(n for n in os.listdir(folder) if n.endswith(".py") and n != "__init__.py" and not n.startswith(".#"))
    for name in names:
        v = read_vars(os.path.join(folder, name))
        if "revision" not in v:
            continue
        revisions.append(
            Revision(
                v["revision"],
                v.get("down_revision"),
                dependencies=v.get("depends_on"),
                branch_labels=v.get("branch_labels"),
            )
        )
    rmap = RevisionMap(lambda: revisions)
    heads = list(rmap.heads)
    bases = list(rmap.bases)
    walked = sum(1 for _ in rmap.iterate_revisions("heads", "base", inclusive=True, assert_relative_length=False))
    seconds = time.perf_counter() - started
    print(json.dumps({"files": len(names), "revisions": len(revisions), "heads": sorted(heads), "bases": sorted(bases), "walked": walked, "seconds": seconds}))


if __name__ == "__main__":
    main()
