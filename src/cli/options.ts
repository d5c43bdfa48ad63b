// Options shared by the commands, and the I/O a command runs against.
import { flag, list, UsageError, value, type OptionSpec, type ParsedArgs } from './args';
import { parseDefine } from '../core/imports';
import type { ProjectOptions } from './project';

export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
}

export const PROJECT_OPTIONS: readonly OptionSpec[] = [
  { name: 'config', short: 'c', kind: 'value', meta: 'FILE', help: 'alembic.ini or pyproject.toml (relative to the current folder); default: discover in PATH' },
  { name: 'name', short: 'n', kind: 'value', meta: 'SECTION', help: "ini section, as alembic's -n (default: alembic)" },
  { name: 'versions', kind: 'list', meta: 'DIR', help: 'a versions folder; repeatable; overrides the config' },
  { name: 'recursive', kind: 'flag', help: 'also read subfolders of the versions folders' },
  {
    name: 'define',
    short: 'D',
    kind: 'list',
    meta: 'NAME=VALUE',
    help: 'the value of an imported name that cannot be read from the project (e.g. myproject.db.migration.cli.EXPAND_BRANCH=expand); repeatable',
  },
];

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', kind: 'flag', help: 'show this help' };

export function projectOptions(args: ParsedArgs, io: CliIo, command: string): ProjectOptions {
  if (args.positionals.length > 1) {
    throw new UsageError(`'${command}' takes at most one PATH (got ${args.positionals.map((p) => `'${p}'`).join(', ')})`);
  }
  const defines = new Map<string, string>();
  for (const d of list(args, 'define')) {
    const parsed = parseDefine(d);
    if ('error' in parsed) throw new UsageError(parsed.error);
    defines.set(parsed.name, parsed.value);
  }
  return {
    cwd: io.cwd,
    defines,
    folder: args.positionals[0],
    config: value(args, 'config'),
    section: value(args, 'name'),
    versions: list(args, 'versions'),
    recursive: flag(args, 'recursive'),
  };
}
