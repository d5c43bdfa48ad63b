// Per-workspace-folder settings (section `alembic`), asked of the client with
// `workspace/configuration` and cached as promises; the cache is emptied on
// `workspace/didChangeConfiguration`. Never kept in globals.
import type { ServerSettings } from '../protocol/protocol';
import { toSettings } from '../protocol/settings';

export type SettingsFetcher = (scopeUri: string) => Promise<unknown>;

export class SettingsCache {
  private readonly cache = new Map<string, Promise<ServerSettings>>();

  /** `fetch` is null when the client cannot answer `workspace/configuration`: defaults apply. */
  constructor(
    private readonly fetch: SettingsFetcher | null,
    private readonly log: (message: string) => void,
  ) {}

  get(folderUri: string): Promise<ServerSettings> {
    let p = this.cache.get(folderUri);
    if (!p) {
      const fetch = this.fetch;
      p = fetch
        ? fetch(folderUri).then(toSettings, (e: unknown) => {
            this.log(`Could not read the alembic settings for ${folderUri}: ${e instanceof Error ? e.message : String(e)}`);
            return toSettings(undefined);
          })
        : Promise.resolve(toSettings(undefined));
      this.cache.set(folderUri, p);
    }
    return p;
  }

  clear(): void {
    this.cache.clear();
  }
}
