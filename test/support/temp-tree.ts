// A temporary folder per test for scan/discovery tests on real files, with the small helpers those
// tests share: write a file, make paths relative, show problems with the folder as `<tmp>`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { explicitProjectConfig, type ConfigProblem, type ProjectConfig } from '../../src/core/config';

/** A minimal revision module with a docstring header, as alembic's template writes it. */
export function revisionSource(id: string, down: string | null): string {
  return `"""rev ${id}\n\nRevision ID: ${id}\nRevises: ${down ?? ''}\nCreate Date: 2024-01-01 00:00:00\n"""\nrevision = '${id}'\ndown_revision = ${down === null ? 'None' : `'${down}'`}\nbranch_labels = None\ndepends_on = None\n`;
}

export class TempTree {
  /** The current test's folder (real path); set by open(). */
  dir = '';

  constructor(private readonly prefix: string) {}

  open = (): void => {
    this.dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), this.prefix)));
  };

  close = (): void => fs.rmSync(this.dir, { recursive: true, force: true });

  write = (rel: string, text: string | Buffer): string => {
    const p = path.join(this.dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };

  rel = (p: string): string => path.relative(this.dir, p);

  show = (ps: ConfigProblem[]): string[] =>
    ps.map((p) => `${this.rel(p.path) || '.'}:${p.line} ${p.severity}: ${p.message.split(this.dir).join('<tmp>')}`);

  project = (versions: string[], recursive = false): ProjectConfig => explicitProjectConfig(this.dir, versions, recursive);
}
