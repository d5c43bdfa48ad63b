// The user's OK, once per workspace, for what the repository alone would otherwise decide:
// connecting to a database server that only the project's files name (not loopback, not a
// socket), and running alembic in the background (which executes the project's env.py and every
// revision file) with a given program in a given folder. Answers are kept in workspaceState;
// "Not Now" holds until the window reloads. Nothing waits on the question: the read that needs
// the OK is skipped and says why, and an answer reads the database again.
import * as vscode from 'vscode';

const HOSTS_KEY = 'alembic.consent.hosts';
const COMMANDS_KEY = 'alembic.consent.backgroundCommands';

export type ConsentState = 'allowed' | 'asking' | 'declined';

export class Consent implements vscode.Disposable {
  private readonly declined = new Set<string>();
  private readonly asking = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the user allowed something: the database is worth reading again. */
  readonly onDidAllow = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  /** Whether connecting to `host` (`name:port`) is allowed; asks (once) when it is not known. */
  host(host: string, configFile: string): ConsentState {
    const key = `host:${host}`;
    if (this.list(HOSTS_KEY).includes(host)) return 'allowed';
    return this.ask(key, () =>
      vscode.window.showWarningMessage(
        `${configFile} names the database server ${host}. Connect to it to read which revisions are applied? ` +
          'Passwords from PGPASSWORD or ~/.pgpass are not sent to it; a password you store with "Alembic: Store Database Password…" is.',
        'Connect',
        'Not Now',
      ),
      'Connect',
      async () => this.add(HOSTS_KEY, host),
    );
  }

  /** Whether a background `alembic …` with `command` in `folder` is allowed; asks (once) when not known. */
  backgroundCommand(command: readonly string[], folder: string): ConsentState {
    const id = JSON.stringify([folder, ...command]);
    if (this.list(COMMANDS_KEY).includes(id)) return 'allowed';
    return this.ask(`command:${id}`, () =>
      vscode.window.showWarningMessage(
        `To show which revisions are applied, Alembic Migrations runs "${command.join(' ')} current" in ${folder} in the background. ` +
          "That runs the project's env.py and revision files. Allow it for this workspace?",
        'Allow',
        'Not Now',
      ),
      'Allow',
      async () => this.add(COMMANDS_KEY, id),
    );
  }

  private ask(key: string, show: () => Thenable<string | undefined>, yes: string, remember: () => Promise<void>): ConsentState {
    if (this.declined.has(key)) return 'declined';
    if (this.asking.has(key)) return 'asking';
    this.asking.add(key);
    void Promise.resolve(show()).then(async (choice) => {
      this.asking.delete(key);
      if (choice === yes) {
        await remember();
        this.changed.fire();
      } else {
        this.declined.add(key);
      }
    });
    return 'asking';
  }

  private list(key: string): string[] {
    const v = this.state.get<unknown>(key);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  private async add(key: string, value: string): Promise<void> {
    const list = this.list(key);
    if (!list.includes(value)) await this.state.update(key, [...list, value]);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
