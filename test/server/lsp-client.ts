// A small LSP client for the server tests: starts the BUNDLED server (`node dist/server.js
// --stdio`), speaks JSON-RPC over its stdio with vscode-jsonrpc, answers the server's requests
// (workspace/configuration, client/registerCapability) and records what it publishes.
// Tests poll the recorded state with a timeout (`waitFor`) instead of sleeping.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type {
  ConfigurationParams,
  Diagnostic,
  PublishDiagnosticsParams,
  RegistrationParams,
  Registration,
} from 'vscode-languageserver-protocol';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVER_JS = path.join(REPO_ROOT, 'dist', 'server.js');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'server');

export function uriOf(p: string): string {
  return pathToFileURL(p).href;
}

/** Temp folders made by copyFixtures, removed when the test process exits. */
const tempRoots: string[] = [];
process.once('exit', () => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
});

/** Copies fixture folders into a fresh temp dir; returns the copies' absolute paths by name. */
export async function copyFixtures(...names: string[]): Promise<{ root: string; dirs: Record<string, string> }> {
  const root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'alembic-lsp-')));
  tempRoots.push(root);
  const dirs: Record<string, string> = {};
  for (const name of names) {
    const dest = path.join(root, name);
    await fs.cp(path.join(FIXTURES, name), dest, { recursive: true });
    dirs[name] = dest;
  }
  return { root, dirs };
}

export interface StartOptions {
  folders: Array<{ name: string; path: string }>;
  /** Answers `workspace/configuration` items (section `alembic`) by scope URI. */
  settings?: (scopeUri: string | undefined) => unknown;
  /** Advertise dynamic registration of file watchers and configuration (default true). */
  dynamicRegistration?: boolean;
  /** 'stdio' (default, as other editors run it) or 'ipc' (as vscode-languageclient's TransportKind.ipc does). */
  transport?: 'stdio' | 'ipc';
  initializationOptions?: unknown;
}

export class LspTestClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Every publishDiagnostics in arrival order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly registrations: Registration[] = [];
  readonly configurationRequests: ConfigurationParams[] = [];
  readonly projectsChanged: string[][] = [];
  codeLensRefreshes = 0;
  /** window/showMessage notifications: [type, message]. */
  readonly messages: Array<[number, string]> = [];
  settings: (scopeUri: string | undefined) => unknown;
  initializeResult: unknown = null;
  private versions = new Map<string, number>();
  private stderr = '';
  private exited = false;

  private constructor(
    private readonly proc: ChildProcess,
    readonly conn: MessageConnection,
    settings: StartOptions['settings'],
  ) {
    this.settings = settings ?? (() => ({}));
  }

  static async start(opts: StartOptions): Promise<LspTestClient> {
    let proc: ChildProcess;
    let conn: MessageConnection;
    if (opts.transport === 'ipc') {
      proc = fork(SERVER_JS, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    } else {
      proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      if (!proc.stdout || !proc.stdin) throw new Error('server stdio not piped');
      conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    }
    if (!proc.stderr) throw new Error('server stderr not piped');
    const client = new LspTestClient(proc, conn, opts.settings);
    proc.stderr.on('data', (d: Buffer) => (client.stderr += d.toString()));
    proc.on('exit', () => (client.exited = true));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.published.push(p);
      client.diagnostics.set(p.uri, p.diagnostics);
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      client.logs.push(p.message);
    });
    conn.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      client.messages.push([p.type, p.message]);
    });
    conn.onNotification('alembic/projectsChanged', (p: { keys: string[] }) => {
      client.projectsChanged.push(p.keys);
    });
    conn.onRequest('workspace/configuration', (p: ConfigurationParams) => {
      client.configurationRequests.push(p);
      return p.items.map((item) => (item.section === 'alembic' ? client.settings(item.scopeUri) : null));
    });
    conn.onRequest('client/registerCapability', (p: RegistrationParams) => {
      client.registrations.push(...p.registrations);
      return null;
    });
    conn.onRequest('window/showMessageRequest', (p: { type: number; message: string }) => {
      client.messages.push([p.type, p.message]);
      return null;
    });
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => {
      client.codeLensRefreshes++;
      return null;
    });
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.listen();
    const dynamic = opts.dynamicRegistration ?? true;
    client.initializeResult = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: opts.folders.length ? uriOf(opts.folders[0].path) : null,
      workspaceFolders: opts.folders.map((f) => ({ name: f.name, uri: uriOf(f.path) })),
      initializationOptions: opts.initializationOptions,
      capabilities: {
        workspace: {
          configuration: true,
          codeLens: { refreshSupport: true },
          workspaceFolders: true,
          didChangeWatchedFiles: { dynamicRegistration: dynamic },
          didChangeConfiguration: { dynamicRegistration: dynamic },
        },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { dataSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          definition: { linkSupport: false },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    await conn.sendNotification('initialized', {});
    return client;
  }

  /** Polls `probe` until it returns something other than undefined/false; fails after `timeoutMs`. */
  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (this.exited) throw new Error(`server exited while waiting for ${what}\n${this.report()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.report()}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** Waits until the last published diagnostics of `file` satisfy `ok`. */
  waitForDiagnostics(file: string, what: string, ok: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    return this.waitFor(`${what} (${path.basename(file)})`, () => {
      const d = this.diagnostics.get(uri);
      return d !== undefined && ok(d) ? d : undefined;
    });
  }

  diagnosticsOf(file: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uriOf(file));
  }

  report(): string {
    const diags = [...this.diagnostics].map(([u, d]) => `  ${u}: ${d.map((x) => `${String(x.code)}@${x.range.start.line}`).join(', ')}`);
    return `published:\n${diags.join('\n')}\nlogs:\n  ${this.logs.join('\n  ')}\nstderr:\n${this.stderr}`;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  async open(file: string, text?: string): Promise<string> {
    const content = text ?? (await fs.readFile(file, 'utf8'));
    this.versions.set(file, 1);
    await this.notify('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId: 'python', version: 1, text: content } });
    return content;
  }

  /** Replaces the whole text of an open document. */
  async change(file: string, text: string): Promise<void> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    await this.notify('textDocument/didChange', { textDocument: { uri: uriOf(file), version }, contentChanges: [{ text }] });
  }

  async close(file: string): Promise<void> {
    await this.notify('textDocument/didClose', { textDocument: { uri: uriOf(file) } });
  }

  /** FileChangeType: 1 created, 2 changed, 3 deleted. */
  async filesChanged(changes: Array<{ file: string; type: 1 | 2 | 3 }>): Promise<void> {
    await this.notify('workspace/didChangeWatchedFiles', { changes: changes.map((c) => ({ uri: uriOf(c.file), type: c.type })) });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // the process may already be gone
    }
    await Promise.race([new Promise((r) => this.proc.once('exit', r)), new Promise((r) => setTimeout(r, 2000))]);
    if (!this.exited) this.proc.kill();
    this.conn.dispose();
  }

  get alive(): boolean {
    return !this.exited;
  }
}
