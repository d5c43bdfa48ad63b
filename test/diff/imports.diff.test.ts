// Differential test of values revision files import from the project (branch labels, ids and
// depends_on kept in modules of their own): the same project goes to this core through the real
// io path (discovery, module search, bounded module reads) and to real Alembic 1.8, which imports
// the revision files with the project's folders on sys.path (alembic_oracle.py). Heads, bases,
// parents, dependencies, effective labels, target resolutions and upgrade plans must agree.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RevisionGraph } from '../../src/core/graph';
import { graphDiagnostics } from '../../src/core/graph-diagnostics';
import { resolveTarget, upgradePlan } from '../../src/core/targets';
import { discoverProjects } from '../../src/io/discover';
import { projectImports } from '../../src/io/modules';
import { scanProjectSync } from '../../src/io/scan';
import { ORACLE, ours, uniqSorted, type Outcome as OutcomeOf } from './oracle';

type Outcome = OutcomeOf<string[]>;
interface OracleResult {
  load: Outcome;
  heads?: string[];
  bases?: string[];
  revisions?: Record<string, { down: string[]; deps: string[]; labels: string[] }>;
  targets?: Record<string, Outcome>;
  upgrades?: Outcome[];
}

interface ImportProject {
  name: string;
  /** Relative path → content. */
  files: Record<string, string>;
  /** Folders (relative) alembic sees on sys.path: what prepend_sys_path or an installed src/ layout gives. */
  sysPath: string[];
  targets: string[];
  upgrades: string[];
  defines?: Record<string, string>;
}

function rev(id: string, down: string, extra = '', imports = ''): string {
  return `"""rev ${id}\n\nRevision ID: ${id}\n"""\n${imports}\nrevision = ${id}\ndown_revision = ${down}\n${extra}\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n`;
}

const IDS = 'import myproject.db.migration.ids as ids\n';
const CLI = 'from myproject.db.migration import cli\n';
const PACKAGE_FILES: Record<string, string> = {
  'alembic.ini': '[alembic]\nscript_location = %(here)s/myproject/db/migration/alembic_migrations\nprepend_sys_path = .\n',
  'myproject/__init__.py': '',
  'myproject/db/__init__.py': '',
  'myproject/db/migration/__init__.py': '',
  // cli re-exports one constant from a sibling module (one level of `from x import NAME`).
  'myproject/db/migration/cli.py': 'import os\n\nfrom .constants import EXPAND_BRANCH\n\nCONTRACT_BRANCH = "contract"\n\n\ndef main():\n    pass\n',
  'myproject/db/migration/constants.py': 'EXPAND_BRANCH = "expand"\n',
  'myproject/db/migration/ids.py': 'INITIAL = "0001initial"\nEXPAND_ONE = "e001"\n',
  'myproject/db/migration/alembic_migrations/versions/0001_initial.py': rev("ids.INITIAL", 'None', '', IDS),
  'myproject/db/migration/alembic_migrations/versions/e001_expand.py':
    rev("ids.EXPAND_ONE", 'ids.INITIAL', 'branch_labels = (cli.EXPAND_BRANCH,)', IDS + CLI),
  'myproject/db/migration/alembic_migrations/versions/e002_expand.py': rev("'e002'", "'e001'", '', ''),
  'myproject/db/migration/alembic_migrations/versions/c001_contract.py':
    rev("'c001'", 'INITIAL', 'branch_labels = (cli.CONTRACT_BRANCH,)\ndepends_on = (ids.EXPAND_ONE,)',
      CLI + 'from myproject.db.migration.ids import INITIAL\n' + IDS),
};

const PROJECTS: ImportProject[] = [
  {
    name: 'package layout with __init__.py, prepend_sys_path = . (expand/contract labels from cli)',
    files: PACKAGE_FILES,
    sysPath: ['.'],
    targets: ['heads', 'expand@head', 'contract@head', 'expand', 'contract@base'],
    upgrades: ['heads', 'expand@head', 'contract@head'],
  },
  {
    name: 'a label computed at import time, supplied with a define',
    files: {
      ...PACKAGE_FILES,
      'myproject/db/migration/constants.py': 'import os\nEXPAND_BRANCH = os.environ.get("EXPAND", "expand")\n',
    },
    sysPath: ['.'],
    targets: ['heads', 'expand@head'],
    upgrades: ['heads', 'expand@head'],
    defines: { 'myproject.db.migration.cli.EXPAND_BRANCH': 'expand' },
  },
  {
    name: 'src layout (no prepend_sys_path; the package installed from src/)',
    files: {
      'alembic.ini': '[alembic]\nscript_location = migrations\n',
      'src/app/__init__.py': '"""The app."""\n',
      'src/app/labels.py': 'PRE = "pre"\nPOST = "post"\n',
      'migrations/versions/a_base.py': rev("'aaaa1'", 'None'),
      'migrations/versions/b_pre.py': rev("'bbbb1'", "'aaaa1'", 'branch_labels = PRE', 'from app.labels import PRE\n'),
      'migrations/versions/c_post.py': rev("'cccc1'", "'aaaa1'", 'branch_labels = [labels.POST]', 'from app import labels\n'),
      'migrations/versions/d_post.py': rev("'dddd1'", "'cccc1'", "depends_on = 'pre'"),
    },
    sysPath: ['src'],
    targets: ['heads', 'pre@head', 'post@head'],
    upgrades: ['heads', 'post@head'],
  },
  {
    name: 'prepend_sys_path = lib: a package re-exporting an id, and a namespace package',
    files: {
      'alembic.ini': '[alembic]\nscript_location = db\nprepend_sys_path = lib\n',
      'lib/shared/__init__.py': 'from .revs import BASE_REV\n',
      'lib/shared/revs.py': "BASE_REV = 'base0001'\nNEXT = 'next0001'\n",
      'lib/nspkg/values.py': "LABEL = 'reports'\n",
      'db/versions/base.py': rev("'base0001'", 'None'),
      'db/versions/next.py': rev('revs.NEXT', 'BASE_REV', '', 'from shared import BASE_REV\nfrom shared import revs\n'),
      'db/versions/reports.py': rev("'rep00001'", 'shared.BASE_REV', 'branch_labels = (values.LABEL,)', 'import shared\nimport nspkg.values as values\n'),
    },
    sysPath: ['lib'],
    targets: ['heads', 'reports@head', 'next0001'],
    upgrades: ['heads', 'reports@head'],
  },
];

function askAlembic(root: string, versions: string, p: ImportProject): OracleResult {
  const input = JSON.stringify({
    versions,
    targets: p.targets,
    upgrades: p.upgrades.map((t) => [[], t]),
    sysPath: p.sysPath.map((s) => path.join(root, s)),
  });
  const env = { ...process.env };
  for (const [k] of Object.entries(p.defines ?? {})) delete env[k];
  const r = spawnSync('/usr/bin/python3', [ORACLE], { input, encoding: 'utf8', timeout: 60_000, cwd: os.tmpdir(), env });
  assert.equal(r.status, 0, `oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleResult;
}



describe('differential: values imported from the project vs real Alembic 1.8', function () {
  this.timeout(120_000);
  let tmp = '';
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-imports-'));
  });
  after(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  for (const p of PROJECTS) {
    it(p.name, async () => {
      const root = path.join(tmp, p.name.replace(/\W+/gu, '_'));
      for (const [rel, text] of Object.entries(p.files)) {
        await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
        await fs.writeFile(path.join(root, rel), text);
      }
      const [config] = await discoverProjects(root);
      assert.ok(config, 'project found');
      const imports = projectImports(config, { folders: [root], defines: new Map(Object.entries(p.defines ?? {})) });
      const graph = RevisionGraph.build(scanProjectSync(config, imports.resolve).files);
      const alembic = askAlembic(root, config.versionLocations[0], p);
      assert.ok(alembic.load.ok, JSON.stringify(alembic.load));

      assert.deepEqual(graphDiagnostics(graph).filter((d) => d.severity !== 'info').map((d) => `${d.code}: ${d.message}`), []);
      assert.deepEqual(graph.heads, uniqSorted(alembic.heads ?? []), 'heads');
      assert.deepEqual(graph.bases, uniqSorted(alembic.bases ?? []), 'bases');
      const revs = alembic.revisions ?? {};
      assert.deepEqual([...graph.revisions.keys()].sort(), Object.keys(revs).sort(), 'revision ids');
      for (const [id, r] of Object.entries(revs)) {
        const mine = graph.get(id);
        assert.ok(mine, id);
        assert.deepEqual(mine.downRevisions, r.down, `down_revision of ${id}`);
        assert.deepEqual(mine.dependsOn, r.deps, `depends_on of ${id}`);
        assert.deepEqual(graph.effectiveBranchLabels(id), r.labels, `branch labels of ${id}`);
      }
      for (const [t, theirs] of Object.entries(alembic.targets ?? {})) {
        assert.deepEqual(ours(() => resolveTarget(graph, t)).value?.slice().sort(), theirs.value?.slice().sort(), `target ${t}`);
      }
      p.upgrades.forEach((t, i) => {
        const theirs = (alembic.upgrades ?? [])[i];
        assert.ok(theirs.ok, `alembic upgrade ${t}: ${JSON.stringify(theirs.error)}`);
        assert.deepEqual(ours(() => upgradePlan(graph, [], t)).value, theirs.value, `upgrade ${t}`);
      });
      // The module files read are the ones the server watches.
      assert.ok(imports.readPaths.size > 0);
    });
  }
});
