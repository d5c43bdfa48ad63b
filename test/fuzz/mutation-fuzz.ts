// Seeded mutation fuzz of the revision-file reader against /usr/bin/python3: real-looking revision
// files (our own fixtures) are mutated byte-wise (quotes, backslashes, brackets, indentation, form
// feeds, line breaks, bytes that are not UTF-8, duplicated and dropped lines…); each mutant is
// compiled by Python from its bytes (what importlib does when alembic loads a revision) and read
// by the reader (decodePythonSource + readMigration, as the scan does).
//   npm run fuzz -- [--seed N] [--count N]      (defaults: seed 1, 20,000 mutants)
// The one hard rule: a file Python compiles is never a `parse-error`. For files Python rejects,
// the share the reader also reports is measured (it is not a tokenizer: some errors need a parser).
import { spawnSync } from 'node:child_process';
import { readMigration } from '../../src/core/migration';
import { decodePythonSource } from '../../src/io/scan';
import { renderMigration } from '../support/fixture-writer';

export const PYTHON = '/usr/bin/python3';

/** The files mutated: the alembic template in its forms, plus the odd shapes real projects have. */
export function seedFiles(): string[] {
  const body = [
    'def upgrade() -> None:',
    '    op.create_table(',
    "        'users',",
    "        sa.Column('id', sa.Integer(), nullable=False),  # key",
    "        sa.Column('name', sa.String(length=50), server_default=\"x\"),",
    '    )',
    '    op.execute("""UPDATE users SET name = \'a\' WHERE id > 1""")',
    '',
    '',
    'def downgrade() -> None:',
    "    op.drop_table('users')",
    '',
  ].join('\n');
  const files = [
    renderMigration({ id: '1975ea83b712', down: '3b2a9c0d7e41', message: 'add users table' }),
    renderMigration({ id: 'a1b2c3d4e5f6', down: ['aaa', 'bbb'], branchLabels: ['x'], dependsOn: ['ccc'], message: 'merge heads' }),
    renderMigration({ id: '000000000001', down: null, message: 'initial' }),
  ].map((f) => `${f}\n${body}`);
  files.push(
    `"""msg\n\nRevision ID: ab\nRevises: cd\n"""\nrevision = 'ab'\ndown_revision = 'cd'\nbranch_labels = None\nP = ('x', 'y')\ndepends_on = P\n\nclass C:\n    """doc"""\n    def m(self):\n        return [1, (2, {3: '4'})]\n\nif True:\n    X = 1\nelse:\n    X = 2\n`,
    `# -*- coding: utf-8 -*-\nrevision = "r1"; down_revision = ("r0",\n  'r00')  # trailing\nx = r'\\d+' + b'\\x00' + f"{revision!r}" + u'\\u00e9'\nwith open('f') as fh:\n    pass\ntry:\n    import foo\nexcept ImportError:\n    foo = None\n`,
  );
  return files;
}

const TOKENS = [
  ' ', '  ', '    ', '\t', '\n', '\r\n', '\r', '\f', '\\', '\\\n', "'", '"', "'''", '"""', '#', '(', ')', '[', ']', '{', '}',
  ':', ';', ',', '=', '.', 'x', '0', 'r', 'b', 'f', 'u', 'def ', 'if x:', 'return', '\u00e9', '\u3000', '\0',
];
const BAD_BYTES = [[0xff], [0xe9], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

/** One mutant of `src`: 1 to 3 edits, byte-level. */
export function mutate(src: Buffer, r: () => number): Buffer {
  let b = src;
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (b.length + 1));
    const kind = r();
    if (kind < 0.35) {
      const t = Buffer.from(TOKENS[Math.floor(r() * TOKENS.length)], 'utf8');
      b = Buffer.concat([b.subarray(0, at), t, b.subarray(at)]);
    } else if (kind < 0.6) {
      const n = 1 + Math.floor(r() * 4);
      b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + n))]);
    } else if (kind < 0.7) {
      const t = Buffer.from(BAD_BYTES[Math.floor(r() * BAD_BYTES.length)]);
      b = Buffer.concat([b.subarray(0, at), t, b.subarray(at)]);
    } else {
      // Line-level: duplicate, drop, indent or dedent a line.
      const lines = b.toString('latin1').split('\n');
      const i = Math.floor(r() * lines.length);
      const op = r();
      if (op < 0.25) lines.splice(i, 0, lines[i]);
      else if (op < 0.5) lines.splice(i, 1);
      else if (op < 0.75) lines[i] = (r() < 0.5 ? '    ' : r() < 0.5 ? '\t' : '\f') + lines[i];
      else lines[i] = lines[i].replace(/^[ \t\f]+/, '');
      b = Buffer.from(lines.join('\n'), 'latin1');
    }
  }
  return b;
}

const PY_COMPILE = `
import base64, json, sys, warnings
warnings.simplefilter('ignore')
out = []
for s in json.load(sys.stdin):
    try:
        compile(base64.b64decode(s), 'x.py', 'exec')
        out.append(None)
    except (SyntaxError, ValueError) as e:
        out.append(type(e).__name__ + ': ' + str(e)[:200])
print(json.dumps(out))
`;
import { prng as rng } from '../support/prng';

/** Python's verdict per source: null when it compiles, else the error. */
export function pythonCompiles(sources: readonly Buffer[]): Array<string | null> {
  const r = spawnSync(PYTHON, ['-c', PY_COMPILE], {
    input: JSON.stringify(sources.map((s) => s.toString('base64'))),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<string | null>;
}

/** Whether the reader calls the bytes broken (a `parse-error` problem). */
export function readerRejects(bytes: Buffer): boolean {
  const decoded = decodePythonSource(bytes);
  const f = readMigration(decoded.text, 'versions/x.py');
  return decoded.problem !== null || f.problems.some((p) => p.code === 'parse-error');
}

export interface FuzzResult {
  total: number;
  pythonAccepts: number;
  pythonRejects: number;
  /** Files Python compiles that the reader calls broken: must be empty. */
  falseErrors: Array<{ source: Buffer; seed: number; index: number }>;
  /** Files Python rejects that the reader reports too. */
  reported: number;
}

export function runFuzz(seed: number, count: number): FuzzResult {
  const r = rng(seed);
  const seeds = seedFiles().map((s) => Buffer.from(s, 'utf8'));
  const mutants: Buffer[] = [];
  for (let i = 0; i < count; i++) mutants.push(mutate(seeds[i % seeds.length], r));
  const result: FuzzResult = { total: count, pythonAccepts: 0, pythonRejects: 0, falseErrors: [], reported: 0 };
  const BATCH = 2000;
  for (let start = 0; start < mutants.length; start += BATCH) {
    const batch = mutants.slice(start, start + BATCH);
    const verdicts = pythonCompiles(batch);
    batch.forEach((m, k) => {
      const rejects = readerRejects(m);
      if (verdicts[k] === null) {
        result.pythonAccepts++;
        if (rejects) result.falseErrors.push({ source: m, seed, index: start + k });
      } else {
        result.pythonRejects++;
        if (rejects) result.reported++;
      }
    });
  }
  return result;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const seed = opt('seed', 1);
  const count = opt('count', 20_000);
  const t = Date.now();
  const res = runFuzz(seed, count);
  const share = res.pythonRejects === 0 ? 100 : (100 * res.reported) / res.pythonRejects;
  console.log(`seed ${seed}: ${res.total} mutants in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  console.log(`Python compiles ${res.pythonAccepts}: the reader calls ${res.falseErrors.length} of them broken (must be 0)`);
  console.log(`Python rejects ${res.pythonRejects}: the reader reports ${res.reported} (${share.toFixed(1)} %)`);
  for (const f of res.falseErrors.slice(0, 5)) console.log(`--- false parse error (mutant ${f.index}):\n${JSON.stringify(f.source.toString('latin1'))}`);
  process.exit(res.falseErrors.length === 0 ? 0 : 1);
}
