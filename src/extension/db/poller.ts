// Re-reads the database every N seconds when `alembic.pollIntervalSeconds` > 0 (off by default).
import type * as vscode from 'vscode';

export class Poller implements vscode.Disposable {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly tick: () => Promise<void>) {}

  set(seconds: number): void {
    this.stop();
    if (seconds > 0) this.timer = setInterval(() => void this.tick(), seconds * 1000);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  dispose(): void {
    this.stop();
  }
}
