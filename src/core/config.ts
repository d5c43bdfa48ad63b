// Alembic project configuration from alembic.ini and/or pyproject.toml `[tool.alembic]` text, as
// Alembic 1.16+ reads it (alembic/config.py `get_alembic_option`, `get_version_locations_list`,
// `get_prepend_sys_paths_list`; alembic/script/base.py `ScriptDirectory.from_config`).
// Pure: takes texts, does no I/O. `package:path` locations come back unresolved (see
// `isPackageResource`); src/io resolves them and checks that folders exist.
//
// Relative paths: Alembic resolves `script_location` and `version_locations` against the folder
// it runs in (the CWD). We take the config file's folder as that folder (`rootDir`), which is how
// `alembic` is normally run.
import * as nodePath from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { getInterpolated, getRawEntry, hasSection, parseIni, percentFormat, type IniDocument } from './ini';
import { redactUrl } from './url-redact';

export { redactUrl };

export interface ConfigProblem {
  severity: 'error' | 'warning' | 'info';
  message: string;
  path: string;
  /** 0-based. */
  line: number;
  /** The config cannot be used as written (a file that cannot be read, a value whose expansion
   * exceeds the cap): one-shot tools stop on it (the CLI exits 2). */
  fatal?: true;
}

/** Where a setting was read from, for problems found later (e.g. by the folder scan). */
export interface SettingLocation {
  path: string;
  line: number;
}

export type SettingName = 'script_location' | 'version_locations' | 'prepend_sys_path' | 'recursive_version_locations';

export interface ProjectConfig {
  /** Absolute alembic.ini path, or null. */
  configPath: string | null;
  /** Absolute pyproject.toml path when it has [tool.alembic], or null. */
  pyprojectPath: string | null;
  /** Ini section (`-n/--name`), default 'alembic'. */
  section: string;
  /** Folder alembic runs in; relative paths resolve against it (the config's folder). */
  rootDir: string;
  /** Absolute; a `package:path` value stays as written until src/io resolves it; null when unknown. */
  scriptLocation: string | null;
  /** Absolute (or unresolved `package:path`); default [<scriptLocation>/versions]. */
  versionLocations: string[];
  recursiveVersionLocations: boolean;
  /** Raw URL. NEVER log or display it: use redactUrl(). */
  sqlalchemyUrl: string | null;
  /** After interpolation, e.g. '%(rev)s_%(slug)s'. */
  fileTemplate: string;
  truncateSlugLength: number;
  /** Absolute (or unresolved `package:path`) sys.path entries from `prepend_sys_path`. */
  prependSysPath: string[];
  /** Where settings came from (file + line), for problems reported about them later. */
  settingLocations: Partial<Record<SettingName, SettingLocation>>;
  problems: ConfigProblem[];
}

export interface ConfigSource {
  /** Absolute path of the file. */
  path: string;
  text: string;
}

export interface ParseConfigInput {
  ini?: ConfigSource | null;
  pyproject?: ConfigSource | null;
  /** `-n/--name`; default 'alembic'. Applies to the ini only (toml is always [tool.alembic]). */
  section?: string;
  /** `os.pathsep` for `path_separator = os`; default node:path's delimiter. */
  pathDelimiter?: string;
}

export const DEFAULT_SECTION_NAME = 'alembic';
export const DEFAULT_FILE_TEMPLATE = '%(rev)s_%(slug)s';
export const DEFAULT_TRUNCATE_SLUG_LENGTH = 40;

/** Alembic treats a non-absolute location containing `:` as `package:path`. */
export function isPackageResource(location: string): boolean {
  return !nodePath.isAbsolute(location) && location.includes(':');
}

export type TomlTableResult =
  | { kind: 'absent' }
  | { kind: 'table'; table: Record<string, unknown> }
  | { kind: 'error'; problem: ConfigProblem };

/** Parses pyproject.toml text and returns its `[tool.alembic]` table (if any). */
export function readToolAlembic(text: string, path: string): TomlTableResult {
  let data: unknown;
  try {
    data = parseToml(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
      return { kind: 'error', problem: { severity: 'error', message: `Invalid TOML: ${first}`, path, line: Math.max(0, e.line - 1) } };
    }
    return { kind: 'error', problem: { severity: 'error', message: `Invalid TOML: ${String(e)}`, path, line: 0 } };
  }
  const tool = isRecord(data) ? data.tool : undefined;
  const alembic = isRecord(tool) ? tool.alembic : undefined;
  if (alembic === undefined) return { kind: 'absent' };
  if (!isRecord(alembic)) {
    return { kind: 'error', problem: { severity: 'error', message: 'Incorrect TOML format: [tool.alembic] is not a table', path, line: tomlKeyLine(text, null) } };
  }
  return { kind: 'table', table: alembic };
}

/** Builds the project configuration Alembic would use from the given file texts. Never throws. */
export function parseProjectConfig(input: ParseConfigInput): ProjectConfig {
  const section = input.section ?? DEFAULT_SECTION_NAME;
  const iniSrc = input.ini ?? null;
  const tomlSrc = input.pyproject ?? null;
  const delimiter = input.pathDelimiter ?? nodePath.delimiter;
  const rootDir = nodePath.dirname(iniSrc?.path ?? tomlSrc?.path ?? '.');
  const problems: ConfigProblem[] = [];
  const settingLocations: Partial<Record<SettingName, SettingLocation>> = {};

  // --- the ini side
  let ini: IniDocument | null = null;
  let iniHasSection = false;
  if (iniSrc) {
    ini = parseIni(iniSrc.text);
    for (const e of ini.errors) problems.push({ severity: 'error', message: e.message, path: iniSrc.path, line: e.line });
    iniHasSection = hasSection(ini, section);
  }
  const iniVars = { here: iniSrc ? nodePath.dirname(iniSrc.path) : '' };
  /** `file_config.has_option(section, name)` then `.get()`: undefined when absent. */
  const iniGet = (key: string): { value: string; line: number } | undefined => {
    if (!ini || !iniSrc || !iniHasSection) return undefined;
    const entry = getRawEntry(ini, section, key);
    if (!entry) return undefined;
    const r = getInterpolated(ini, section, key, iniVars);
    if (!r) return undefined;
    if (!r.ok) {
      problems.push({ severity: 'error', message: r.message, path: iniSrc.path, line: entry.line, ...(r.tooLarge ? { fatal: true } : {}) });
      return undefined;
    }
    return { value: r.value, line: entry.line };
  };

  // --- the toml side
  let toml: Record<string, unknown> | null = null;
  let tomlBroken = false;
  if (tomlSrc) {
    const t = readToolAlembic(tomlSrc.text, tomlSrc.path);
    if (t.kind === 'table') toml = t.table;
    else if (t.kind === 'error') {
      problems.push(t.problem);
      tomlBroken = true;
    }
  }
  const tomlVars = { here: tomlSrc ? nodePath.dirname(tomlSrc.path) : '' };
  const tomlLine = (key: string): number => (tomlSrc ? tomlKeyLine(tomlSrc.text, key) : 0);
  const tomlProblem = (severity: ConfigProblem['severity'], message: string, key: string): void => {
    if (tomlSrc) problems.push({ severity, message, path: tomlSrc.path, line: tomlLine(key) });
  };
  const tomlString = (key: string): { value: string; line: number } | undefined => {
    if (!toml || !tomlSrc || !(key in toml)) return undefined;
    const v = toml[key];
    if (typeof v === 'number' && Number.isInteger(v)) return { value: String(v), line: tomlLine(key) };
    if (typeof v !== 'string') {
      tomlProblem('error', `'${key}' in [tool.alembic] must be a string`, key);
      return undefined;
    }
    const r = percentFormat(v, tomlVars);
    if (!r.ok) {
      tomlProblem('error', `Bad interpolation in [tool.alembic] '${key}': ${r.message}`, key);
      return undefined;
    }
    return { value: r.value, line: tomlLine(key) };
  };
  const tomlList = (key: string): { value: string[]; line: number } | undefined => {
    if (!toml || !tomlSrc || !(key in toml)) return undefined;
    const v = toml[key];
    if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
      tomlProblem('error', `'${key}' in [tool.alembic] must be a list of strings`, key);
      return undefined;
    }
    const out: string[] = [];
    for (const item of v) {
      const r = percentFormat(item, tomlVars);
      if (!r.ok) {
        tomlProblem('error', `Bad interpolation in [tool.alembic] '${key}': ${r.message}`, key);
        return undefined;
      }
      out.push(r.value);
    }
    return { value: out, line: tomlLine(key) };
  };
  /** `get_alembic_option`: ini section first, then [tool.alembic]. */
  const option = (key: string): { value: string; line: number; path: string } | undefined => {
    const i = iniGet(key);
    if (i && iniSrc) return { ...i, path: iniSrc.path };
    const t = tomlString(key);
    if (t && tomlSrc) return { ...t, path: tomlSrc.path };
    return undefined;
  };

  if (iniSrc && ini && !iniHasSection && !toml && ini.errors.length === 0) {
    problems.push({
      severity: 'error',
      message: `No config file '${iniSrc.path}' found, or file has no '[${section}]' section`,
      path: iniSrc.path,
      line: 0,
    });
  }

  // --- script_location
  let scriptLocation: string | null = null;
  const sl = option('script_location');
  if (sl && sl.value) {
    scriptLocation = isPackageResource(sl.value) ? sl.value : nodePath.resolve(rootDir, sl.value);
    settingLocations.script_location = { path: sl.path, line: sl.line };
  } else if (iniHasSection || toml || (tomlSrc && !tomlBroken && !iniSrc)) {
    // (an ini without the section and no [tool.alembic] got "No config file …" above; a broken
    // pyproject.toml got its own problem)
    const where =
      iniHasSection && iniSrc && ini
        ? { path: iniSrc.path, line: ini.sections.get(section)?.line ?? 0 }
        : { path: tomlSrc?.path ?? iniSrc?.path ?? '', line: toml ? tomlLine('') : 0 };
    problems.push({ severity: 'error', message: "No 'script_location' key found in configuration.", ...where });
  }

  // --- version_locations. Separators are ini-only (get_main_option) and read only when a list
  // needs splitting, as Alembic does: the 1.8 template's `version_path_separator = os  # comment`
  // breaks only projects that set version_locations.
  let versionLocations: string[] = [];
  const vlIni = iniGet('version_locations');
  if (vlIni && vlIni.value && iniSrc) {
    settingLocations.version_locations = { path: iniSrc.path, line: vlIni.line };
    const separator = readSeparator(['path_separator', 'version_path_separator'], iniGet, iniSrc.path, delimiter, problems);
    if (separator.kind !== 'char') {
      if (separator.kind === 'legacy') {
        problems.push({
          severity: 'info',
          message:
            'No path_separator found in configuration; falling back to legacy splitting on spaces/commas for version_locations.  Consider adding path_separator=os to Alembic config.',
          path: iniSrc.path,
          line: vlIni.line,
        });
      }
      if (vlIni.value.includes('\n')) {
        problems.push({
          severity: 'warning',
          message: 'version_locations spans several lines, but without path_separator = newline Alembic does not split on line breaks: each line break becomes part of a folder name',
          path: iniSrc.path,
          line: vlIni.line,
        });
      }
      versionLocations = vlIni.value.split(/, *| +/).filter((x) => x !== '');
    } else {
      versionLocations = vlIni.value.split(separator.char).map((x) => x.trim()).filter((x) => x !== '');
    }
  } else {
    const vlToml = tomlList('version_locations');
    if (vlToml && tomlSrc) {
      versionLocations = vlToml.value;
      settingLocations.version_locations = { path: tomlSrc.path, line: vlToml.line };
    }
  }
  versionLocations = versionLocations.map((v) => (isPackageResource(v) ? v : nodePath.resolve(rootDir, v)));
  if (versionLocations.length === 0 && scriptLocation !== null) {
    versionLocations = [isPackageResource(scriptLocation) ? `${scriptLocation}/versions` : nodePath.join(scriptLocation, 'versions')];
  }

  // --- prepend_sys_path
  let prependSysPath: string[] = [];
  const psIni = iniGet('prepend_sys_path');
  if (psIni && psIni.value && iniSrc) {
    settingLocations.prepend_sys_path = { path: iniSrc.path, line: psIni.line };
    // get_prepend_sys_paths_list honours path_separator only, not version_path_separator.
    const reported = settingLocations.version_locations?.path === iniSrc.path;
    const separator = readSeparator(['path_separator'], iniGet, iniSrc.path, delimiter, problems, !reported);
    prependSysPath = separator.kind !== 'char' ? psIni.value.split(/, *| +|:/) : psIni.value.split(separator.char).map((x) => x.trim());
  } else {
    const psToml = tomlList('prepend_sys_path');
    if (psToml && tomlSrc) {
      prependSysPath = psToml.value;
      settingLocations.prepend_sys_path = { path: tomlSrc.path, line: psToml.line };
    }
  }
  prependSysPath = prependSysPath.filter((x) => x !== '').map((p) => nodePath.resolve(rootDir, p));

  // --- recursive_version_locations (get_alembic_boolean_option)
  let recursiveVersionLocations = false;
  const rvIni = iniGet('recursive_version_locations');
  if (rvIni && iniSrc) {
    settingLocations.recursive_version_locations = { path: iniSrc.path, line: rvIni.line };
    recursiveVersionLocations = rvIni.value === 'true';
    if (!recursiveVersionLocations && /^(true|yes|on|1)$/i.test(rvIni.value)) {
      problems.push({
        severity: 'warning',
        message: `recursive_version_locations = ${rvIni.value} is treated as false: Alembic only turns it on for the exact value 'true'`,
        path: iniSrc.path,
        line: rvIni.line,
      });
    }
  } else if (toml && tomlSrc && 'recursive_version_locations' in toml) {
    const v = toml.recursive_version_locations;
    settingLocations.recursive_version_locations = { path: tomlSrc.path, line: tomlLine('recursive_version_locations') };
    if (typeof v === 'boolean') recursiveVersionLocations = v;
    else tomlProblem('error', "boolean value expected for TOML parameter 'recursive_version_locations'", 'recursive_version_locations');
  }

  // --- file_template, truncate_slug_length
  const ft = option('file_template');
  const fileTemplate = ft ? ft.value : DEFAULT_FILE_TEMPLATE;
  let truncateSlugLength = DEFAULT_TRUNCATE_SLUG_LENGTH;
  const tsl = option('truncate_slug_length');
  if (tsl) {
    if (/^\s*[+-]?\d+(_\d+)*\s*$/.test(tsl.value)) {
      truncateSlugLength = Number(tsl.value.replace(/_/g, '')) || DEFAULT_TRUNCATE_SLUG_LENGTH;
    } else {
      problems.push({ severity: 'error', message: `truncate_slug_length must be an integer, got '${tsl.value}'`, path: tsl.path, line: tsl.line });
    }
  }

  // --- sqlalchemy.url (ini only: env.py reads it with get_main_option)
  const url = iniGet('sqlalchemy.url');

  return {
    configPath: iniSrc?.path ?? null,
    pyprojectPath: toml && tomlSrc ? tomlSrc.path : null,
    section,
    rootDir,
    scriptLocation,
    versionLocations,
    recursiveVersionLocations,
    sqlalchemyUrl: url && url.value !== '' ? url.value : null,
    fileTemplate,
    truncateSlugLength,
    prependSysPath,
    settingLocations,
    problems,
  };
}

/** A config for projects without a readable config: explicit versions folders only. */
export function explicitProjectConfig(rootDir: string, versionLocations: string[], recursive: boolean, section = DEFAULT_SECTION_NAME): ProjectConfig {
  return {
    configPath: null,
    pyprojectPath: null,
    section,
    rootDir,
    scriptLocation: null,
    versionLocations: versionLocations.map((v) => nodePath.resolve(rootDir, v)),
    recursiveVersionLocations: recursive,
    sqlalchemyUrl: null,
    fileTemplate: DEFAULT_FILE_TEMPLATE,
    truncateSlugLength: DEFAULT_TRUNCATE_SLUG_LENGTH,
    prependSysPath: [],
    settingLocations: {},
    problems: [],
  };
}

type Separator = { kind: 'legacy' } | { kind: 'invalid' } | { kind: 'char'; char: string };

const SEPARATORS: Record<string, string | undefined> = { space: ' ', newline: '\n', ':': ':', ';': ';' };

/** `Config._get_file_separator_char(*names)`. Problems are reported only when `report` is set. */
function readSeparator(
  names: readonly string[],
  iniGet: (key: string) => { value: string; line: number } | undefined,
  iniPath: string,
  delimiter: string,
  problems: ConfigProblem[],
  report = true,
): Separator {
  for (const name of names) {
    const got = iniGet(name);
    if (!got) continue;
    const char = got.value === 'os' ? delimiter : SEPARATORS[got.value];
    if (char === undefined) {
      if (report) {
        problems.push({
          severity: 'error',
          message:
            `'${got.value}' is not a valid value for ${name}; expected 'space', 'newline', 'os', ':', ';'` +
            (/\s[#;]/.test(got.value) ? '. The ini format keeps a comment on the same line as part of the value: move it to a line of its own.' : ''),
          path: iniPath,
          line: got.line,
        });
      }
      return { kind: 'invalid' };
    }
    if (report && name === 'version_path_separator') {
      problems.push({
        severity: 'info',
        message: 'The version_path_separator configuration parameter is deprecated; please use path_separator',
        path: iniPath,
        line: got.line,
      });
    }
    return { kind: 'char', char };
  }
  return { kind: 'legacy' };
}

/** 0-based line of `key = …` inside [tool.alembic] (or of the header when key is null/empty/not found). */
export function tomlKeyLine(text: string, key: string | null): number {
  const lines = text.split(/\r\n|\r|\n/);
  const header = lines.findIndex((l) => /^\s*\[\s*tool\s*\.\s*alembic\s*\]/.test(l));
  if (header < 0) return 0;
  if (!key) return header;
  for (let i = header + 1; i < lines.length; i++) {
    if (/^\s*\[/.test(lines[i])) break;
    const m = /^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*=/.exec(lines[i]);
    if (m && (m[1] ?? m[2] ?? m[3]) === key) return i;
  }
  return header;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}
