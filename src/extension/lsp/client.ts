// Starts and talks to the Alembic language server (dist/server.js) over IPC.
import * as vscode from 'vscode';
import {
  CloseAction,
  ResponseError,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  DatabaseStateNotification,
  DatabaseUrlRequest,
  OffersRequest,
  OwnSqlRequest,
  PlanRequest,
  ProjectsChangedNotification,
  ProjectsRequest,
  RepairLinkRequest,
  ShowGraphCommand,
  StateRequest,
  type DatabaseStateParams,
  type DatabaseUrlResult,
  type OffersParams,
  type OffersResult,
  type OwnSqlParams,
  type OwnSqlResult,
  type PlanParams,
  type PlanResult,
  type RepairLinkParams,
  type RepairLinkResult,
  type StateParams,
  type StateResult,
  type ProjectSnapshot,
} from '../../protocol/protocol';
import { serverSection } from '../../protocol/settings';
import { SECTION } from '../host/config';
import { type Log, describe } from '../host/log';
import { RedactingChannel } from './redacting-channel';

const RESTART_WINDOW_MS = 3 * 60_000;
const MAX_RESTARTS = 5;

/** Restarts a dead server, telling the user once per session; gives up after repeated crashes. */
class RestartingErrorHandler implements ErrorHandler {
  private restarts: number[] = [];
  private told = false;

  constructor(private readonly log: Log) {}

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    this.log.error('Language server connection error', error);
    return { action: count !== undefined && count >= 3 ? ErrorAction.Shutdown : ErrorAction.Continue, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    this.restarts.push(now);
    if (this.restarts.length > MAX_RESTARTS) {
      this.log.error(`The Alembic language server stopped ${MAX_RESTARTS} times in 3 minutes; not restarting it.`);
      void vscode.window
        .showErrorMessage('The Alembic language server keeps stopping and will not be restarted.', 'Show Output', 'Restart')
        .then((choice) => {
          if (choice === 'Show Output') this.log.show();
          if (choice === 'Restart') void vscode.commands.executeCommand('alembic.restartServer');
        });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.log.warn('The Alembic language server stopped; restarting it.');
    if (!this.told) {
      this.told = true;
      void vscode.window.showWarningMessage('The Alembic language server stopped and was restarted.');
    }
    return { action: CloseAction.Restart, handled: true };
  }
}

export class ServerClient implements vscode.Disposable {
  private client: LanguageClient | null = null;
  private readonly changed = new vscode.EventEmitter<string[]>();
  private readonly stateChanged = new vscode.EventEmitter<boolean>();
  /** Fires with the keys of projects whose graph changed (empty: ask for everything). */
  readonly onProjectsChanged = this.changed.event;
  /** Fires true when the server is up and answering, false when it stopped. */
  readonly onRunningChanged = this.stateChanged.event;
  private readonly errorHandler: RestartingErrorHandler;
  private readonly channel = new RedactingChannel('Alembic Language Server');

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    this.errorHandler = new RestartingErrorHandler(log);
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  get started(): boolean {
    return this.client !== null;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'file', pattern: '**/alembic.ini' },
        { scheme: 'file', pattern: '**/pyproject.toml' },
      ],
      // No `synchronize`: the server registers its file watchers and the `alembic` settings
      // section itself (dynamic registration), so each is watched once, on one side.
      // Log lines and the message trace, passwords masked before anything is written.
      outputChannel: this.channel,
      middleware: {
        workspace: {
          // The server reads part of the `alembic` section (protocol/settings.ts): only that part
          // is sent, so `alembic.databaseUrl` never crosses the connection.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (result instanceof ResponseError) return result;
            return result.map((value: unknown, i) => (params.items[i]?.section === SECTION ? serverSection(value) : value));
          },
        },
      },
      errorHandler: this.errorHandler,
      // The hover's "Show in Graph" link is a command link: trusted for that command only.
      markdown: { isTrusted: { enabledCommands: [ShowGraphCommand] }, supportHtml: false },
    };
    const client = new LanguageClient('alembic', 'Alembic Language Server', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => this.stateChanged.fire(e.newState === State.Running));
    this.context.subscriptions.push(
      client.onNotification(ProjectsChangedNotification, (params) => {
        this.changed.fire(Array.isArray(params.keys) ? params.keys : []);
      }),
    );
    this.log.info(`Starting the Alembic language server (${module})`);
    try {
      await client.start();
    } catch (err) {
      this.log.error('The Alembic language server did not start', err);
      void vscode.window.showErrorMessage(`The Alembic language server did not start: ${describe(err)}`, 'Show Output').then((c) => {
        if (c) this.log.show();
      });
    }
  }

  async restart(): Promise<void> {
    if (!this.client) return this.start();
    this.log.info('Restarting the Alembic language server');
    await this.client.restart();
  }

  /** Every project the server knows; null when the server is not running or did not answer. */
  async projects(): Promise<ProjectSnapshot[] | null> {
    const client = this.client;
    if (!client) return null;
    if (client.state === State.Starting) {
      await new Promise<void>((resolve) => {
        const sub = client.onDidChangeState((e) => {
          if (e.newState !== State.Starting) {
            sub.dispose();
            resolve();
          }
        });
      });
    }
    if (client.state !== State.Running) return null;
    try {
      return await client.sendRequest(ProjectsRequest);
    } catch (err) {
      this.log.error('Could not ask the language server for the projects', err);
      return null;
    }
  }

  /**
   * One of the plan requests (server/plans.ts); null when the server is not running, does not
   * know the project, or answered something malformed (`valid` checks the answer's shape).
   */
  private async ask<R>(method: string, send: (c: LanguageClient) => Promise<unknown>, valid: (v: unknown) => v is R): Promise<R | null> {
    const client = this.client;
    if (!client || client.state !== State.Running) return null;
    try {
      const result: unknown = await send(client);
      if (result === null) return null;
      if (!valid(result)) {
        this.log.warn(`The language server answered ${method} with something unexpected.`);
        return null;
      }
      return result;
    } catch (err) {
      this.log.error(`Could not ask the language server (${method})`, err);
      return null;
    }
  }

  state(params: StateParams): Promise<StateResult | null> {
    return this.ask(StateRequest.method, (c) => c.sendRequest(StateRequest, params), (v): v is StateResult => isRecord(v) && Array.isArray(v.rows) && isRecord(v.states) && Array.isArray(v.missing) && Array.isArray(v.notes));
  }

  plan(params: PlanParams): Promise<PlanResult | null> {
    return this.ask(PlanRequest.method, (c) => c.sendRequest(PlanRequest, params), (v): v is PlanResult => isRecord(v) && (v.ok === true ? isPlan(v.plan) : typeof v.message === 'string'));
  }

  offers(params: OffersParams): Promise<OffersResult | null> {
    return this.ask(OffersRequest.method, (c) => c.sendRequest(OffersRequest, params), (v): v is OffersResult => Array.isArray(v) && v.every((o) => isRecord(o) && typeof o.target === 'string' && isPlan(o.plan)));
  }

  ownSql(params: OwnSqlParams): Promise<OwnSqlResult | null> {
    return this.ask(OwnSqlRequest.method, (c) => c.sendRequest(OwnSqlRequest, params), (v): v is OwnSqlResult => isRecord(v) && Array.isArray(v.args) && Array.isArray(v.others));
  }

  repairLink(params: RepairLinkParams): Promise<RepairLinkResult | null> {
    return this.ask(RepairLinkRequest.method, (c) => c.sendRequest(RepairLinkRequest, params), (v): v is RepairLinkResult => isRecord(v) && (v.ok === true ? Array.isArray(v.edits) : typeof v.message === 'string'));
  }

  /**
   * The `sqlalchemy.url` of the project's config, as the server parsed it: `{ url }` (null when the
   * config names none), or null when the server is not running or does not know the project.
   */
  databaseUrl(key: string): Promise<DatabaseUrlResult | null> {
    return this.ask(DatabaseUrlRequest.method, (c) => c.sendRequest(DatabaseUrlRequest, { key }), (v): v is DatabaseUrlResult => isRecord(v) && (v.url === null || typeof v.url === 'string'));
  }

  sendDatabaseState(params: DatabaseStateParams): void {
    if (this.client?.state !== State.Running) return;
    void this.client.sendNotification(DatabaseStateNotification, params).catch((err: unknown) => {
      this.log.warn(`Could not send the database state to the server: ${describe(err)}`);
    });
  }

  async dispose(): Promise<void> {
    this.changed.dispose();
    this.stateChanged.dispose();
    const c = this.client;
    this.client = null;
    if (c) await c.dispose().catch(() => undefined);
    this.channel.dispose();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPlan(v: unknown): boolean {
  return isRecord(v) && Array.isArray(v.command) && Array.isArray(v.apply) && Array.isArray(v.revert) && Array.isArray(v.rowsAfter);
}
