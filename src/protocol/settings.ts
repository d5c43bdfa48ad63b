// The `alembic` settings section read into ServerSettings, in one place: the server applies it
// to what `workspace/configuration` answers, the extension to what VS Code's configuration holds.
// Pure: unknown or mistyped values fall back to the defaults.
import type { ServerSettings } from './protocol';

export const defaultSettings: ServerSettings = {
  configFile: null,
  section: 'alembic',
  versionLocations: [],
  recursiveVersionLocations: false,
  lintScope: 'pending',
  lintSeverity: {},
  defines: {},
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The keys of the `alembic` section toSettings reads: all the server is sent. */
const SERVER_KEYS = ['configFile', 'section', 'versionLocations', 'recursiveVersionLocations', 'lint', 'defines'] as const;

/**
 * The part of the `alembic` section the server reads, for the client's answer to
 * `workspace/configuration`: the database URL and the other client-only settings never cross
 * the connection (nor its message trace).
 */
export function serverSection(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(raw)) return out;
  for (const k of SERVER_KEYS) if (k in raw) out[k] = raw[k];
  if (isRecord(out.lint)) out.lint = { scope: out.lint.scope, severity: out.lint.severity };
  return out;
}

/** Turns whatever the client answered into settings; unknown or mistyped keys fall back to defaults. */
export function toSettings(raw: unknown): ServerSettings {
  if (!isRecord(raw)) return { ...defaultSettings, versionLocations: [], lintSeverity: {}, defines: {} };
  const configFile = typeof raw.configFile === 'string' && raw.configFile.trim() !== '' ? raw.configFile.trim() : null;
  const section = typeof raw.section === 'string' && raw.section.trim() !== '' ? raw.section.trim() : 'alembic';
  const versionLocations = Array.isArray(raw.versionLocations)
    ? raw.versionLocations.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim())
    : [];
  const recursiveVersionLocations = raw.recursiveVersionLocations === true;
  const lint = isRecord(raw.lint) ? raw.lint : {};
  const lintScope = lint.scope === 'all' || lint.scope === 'off' ? lint.scope : 'pending';
  const lintSeverity: Record<string, string> = {};
  if (isRecord(lint.severity)) for (const [k, v] of Object.entries(lint.severity)) if (typeof v === 'string') lintSeverity[k] = v;
  return { configFile, section, versionLocations, recursiveVersionLocations, lintScope, lintSeverity, defines: toDefines(raw.defines) };
}

/** `alembic.defines`: an object of dotted names to strings; other entries are dropped. */
export function toDefines(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(raw)) return out;
  for (const [k, v] of Object.entries(raw)) {
    const name = k.trim();
    if (typeof v === 'string' && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(name)) out[name] = v;
  }
  return out;
}
