// The first test of the vscode suite, before the 4-minute code-server install: the Node-24 npm
// runs in an environment built from scratch (scripts/code-server.ts node24Env()), so a
// dependency's postinstall sees Node 24 both in `node -v` and in `$npm_config_user_agent`
// (code-server's postinstall.sh reads the Node major version from the latter). Run under
// `npm test`, our own environment carries `npm_config_user_agent=npm/… node/v20 …`; to make the
// test meaningful outside npm too, the environment handed to the builder gets such values added.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDir, ensureNode24, findNpm, node24Ready, NODE_VERSION, npm24, run, withLock } from '../../scripts/code-server';
import { indent, type Counts } from './harness';

const PROBE = 'alembic-postinstall-probe';

/** Installs a tiny local package whose postinstall writes `node -v` and the user agent; returns that line. */
async function probe(node: string, root: string, name: string, install: (cwd: string, logFile: string) => Promise<void>): Promise<string> {
  const pkgDir = path.join(root, `${name}-pkg`);
  const host = path.join(root, name);
  fs.mkdirSync(pkgDir, { recursive: true });
  fs.mkdirSync(host, { recursive: true });
  fs.writeFileSync(
    path.join(pkgDir, 'package.json'),
    JSON.stringify({ name: PROBE, version: '1.0.0', scripts: { postinstall: 'echo "$(node -v) $npm_config_user_agent" > "$INIT_CWD/probe.txt"' } }),
  );
  fs.writeFileSync(path.join(host, 'package.json'), JSON.stringify({ name: `${name}-host`, private: true, allowScripts: { [PROBE]: true } }));
  const logFile = path.join(root, `${name}.log`);
  await install(host, logFile);
  const out = path.join(host, 'probe.txt');
  if (!fs.existsSync(out)) throw new Error(`the probe's postinstall did not run (${node}); npm log:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`);
  return fs.readFileSync(out, 'utf8').trim();
}

export async function installEnvTest(counts: Counts): Promise<void> {
  const title = "a dependency's postinstall under the cache's npm sees Node 24 in `node -v` and `$npm_config_user_agent`";
  console.log('\n  install environment (Node 24 for code-server)');
  const started = Date.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'alembic-npm-env-'));
  try {
    const dir = cacheDir();
    fs.mkdirSync(dir, { recursive: true });
    const node = node24Ready(dir) ?? await withLock(dir, (l) => console.log(`    ${l}`), () => ensureNode24(dir, path.join(dir, 'install.log')));
    // What `npm test` exports, whether or not we run under it.
    const inherited: NodeJS.ProcessEnv = {
      ...process.env,
      npm_config_user_agent: process.env.npm_config_user_agent ?? `npm/11.0.0 node/${process.version} linux x64 workspaces/false`,
      npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr',
      npm_lifecycle_event: process.env.npm_lifecycle_event ?? 'test',
    };
    const args = ['install', '--foreground-scripts', '--install-links', '--no-package-lock', '../scrubbed-pkg'];
    const scrubbed = await probe(node, root, 'scrubbed', (cwd, logFile) => npm24(node, args, { cwd, logFile, timeoutMs: 120_000, from: inherited }));
    const major = NODE_VERSION.split('.')[0];
    const want = new RegExp(`^v${major}\\.\\S+ npm/\\S+ node/v${major}\\.`);
    if (!want.test(scrubbed)) throw new Error(`the probe reported '${scrubbed}', expected Node ${major} in both \`node -v\` and the user agent`);
    // Control: the same install with the inherited environment copied, as before the fix, reports
    // the parent's Node in the user agent: the probe does see the difference.
    const copied = await probe(node, root, 'copied', (cwd, logFile) =>
      run(node, [findNpm(), 'install', '--foreground-scripts', '--install-links', '--no-package-lock', '../copied-pkg'], { cwd, logFile, timeoutMs: 120_000, env: { ...inherited, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` } }),
    );
    const agentNode = /node\/(v\d+)/.exec(inherited.npm_config_user_agent ?? '')?.[1] ?? '';
    if (!copied.includes(`node/${agentNode}`)) throw new Error(`control: with the copied environment the probe reported '${copied}', expected the inherited node/${agentNode}`);
    // The machine npmrc our npm reads (here it names the registry's CA file) applies under Node 24
    // too, even without NODE_EXTRA_CA_CERTS: that npm looks for <its own prefix>/etc/npmrc, and
    // missed it, so every fetch retried a certificate error for 70 s.
    const outer = spawnSync(process.execPath, [findNpm(), 'config', 'get', 'cafile'], { encoding: 'utf8' }).stdout.trim();
    const bare: NodeJS.ProcessEnv = { ...inherited };
    delete bare.NODE_EXTRA_CA_CERTS;
    delete bare.SSL_CERT_FILE;
    const cfgLog = path.join(root, 'cafile.log');
    await npm24(node, ['config', 'get', 'cafile'], { cwd: root, logFile: cfgLog, timeoutMs: 60_000, from: bare });
    const inner = fs.readFileSync(cfgLog, 'utf8').trim().split('\n').pop()?.trim() ?? '';
    if (inner !== outer) throw new Error(`npm under Node 24 reads cafile '${inner}', our npm '${outer}': the machine npmrc is not applied`);
    counts.passed++;
    console.log(`    ✔ ${title}, and reads the machine npmrc (cafile '${outer}') ('${scrubbed}'; copied environment: '${copied}') (${Math.round((Date.now() - started) / 1000)} s)`);
  } catch (e) {
    counts.failed++;
    console.log(`    ✘ ${title}`);
    console.log(indent(e instanceof Error ? (e.stack ?? e.message) : String(e), 8));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

