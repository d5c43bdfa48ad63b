// The "Alembic Language Server" output, as the language client writes to it: its log lines and,
// with `alembic.trace.server` on, the message trace, which holds every message's parameters and
// results (the config's database URL among them: alembic/databaseUrl). Every text goes through
// core's redactText before it is written, so no password reaches the output or its log file.
// The trace follows the setting alone: its level is Trace while `alembic.trace.server` is
// `messages` or `verbose`, Info otherwise (the client traces only at level Trace).
import { format } from 'node:util';
import * as vscode from 'vscode';
import { redactText } from '../../core/url-redact';
import { Keys, SECTION } from '../host/config';

const LEVEL_NAMES: Record<vscode.LogLevel, string> = {
  [vscode.LogLevel.Off]: 'off',
  [vscode.LogLevel.Trace]: 'trace',
  [vscode.LogLevel.Debug]: 'debug',
  [vscode.LogLevel.Info]: 'info',
  [vscode.LogLevel.Warning]: 'warning',
  [vscode.LogLevel.Error]: 'error',
};

function settingLevel(): vscode.LogLevel {
  const v = vscode.workspace.getConfiguration(SECTION).get<unknown>(Keys.traceServer);
  return v === 'messages' || v === 'verbose' ? vscode.LogLevel.Trace : vscode.LogLevel.Info;
}

export class RedactingChannel implements vscode.LogOutputChannel {
  private readonly out: vscode.OutputChannel;
  private level = settingLevel();
  private readonly levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  readonly onDidChangeLogLevel = this.levelChanged.event;
  private readonly watch: vscode.Disposable;

  constructor(readonly name: string) {
    this.out = vscode.window.createOutputChannel(name);
    this.watch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`${SECTION}.${Keys.traceServer}`)) return;
      const next = settingLevel();
      if (next === this.level) return;
      this.level = next;
      this.levelChanged.fire(next);
    });
  }

  get logLevel(): vscode.LogLevel {
    return this.level;
  }

  private write(level: vscode.LogLevel, message: string, args: unknown[]): void {
    if (this.level === vscode.LogLevel.Off || level < this.level) return;
    const text = args.length > 0 ? format(message, ...args) : message;
    this.out.appendLine(`${new Date().toISOString()} [${LEVEL_NAMES[level]}] ${redactText(text)}`);
  }

  trace(message: string, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Trace, message, args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Debug, message, args);
  }
  info(message: string, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Info, message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Warning, message, args);
  }
  error(error: string | Error, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Error, typeof error === 'string' ? error : (error.stack ?? error.message), args);
  }
  append(value: string): void {
    this.out.append(redactText(value));
  }
  appendLine(value: string): void {
    this.out.appendLine(redactText(value));
  }
  replace(value: string): void {
    this.out.replace(redactText(value));
  }
  clear(): void {
    this.out.clear();
  }
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) this.out.show(columnOrPreserveFocus);
    else this.out.show(columnOrPreserveFocus, preserveFocus);
  }
  hide(): void {
    this.out.hide();
  }
  dispose(): void {
    this.watch.dispose();
    this.levelChanged.dispose();
    this.out.dispose();
  }
}
