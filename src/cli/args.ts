// A small typed argv parser for the CLI: `--opt value`, `--opt=value`, `-c value`, repeatable
// options, flags, positionals, `--` ends options. Errors are UsageError with one clear sentence.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionKind = 'flag' | 'value' | 'list';

export interface OptionSpec {
  /** Long name without dashes, e.g. `config`. */
  name: string;
  short?: string;
  kind: OptionKind;
  /** Allowed values for a `value` option. */
  choices?: readonly string[];
  /** Placeholder shown in help, e.g. `FILE`. */
  meta?: string;
  help: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
  lists: Map<string, string[]>;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}

export function value(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name);
}

export function list(args: ParsedArgs, name: string): string[] {
  return args.lists.get(name) ?? [];
}

/**
 * Parses `argv` (the arguments after the command name) against `specs`.
 * `context` names the command in error messages (e.g. `graph`).
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], context: string): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
  const out: ParsedArgs = { positionals: [], flags: new Set(), values: new Map(), lists: new Map() };
  const hint = `(see 'alembic-migrations ${context} --help')`;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    let shown = arg;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (eq >= 0) inline = arg.slice(eq + 1);
      shown = `--${name}`;
      spec = byLong.get(name);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const name = arg.slice(1, 2);
      if (arg.length > 2) inline = arg.slice(2);
      shown = `-${name}`;
      spec = byShort.get(name);
    } else {
      out.positionals.push(arg);
      continue;
    }
    if (!spec) throw new UsageError(`unknown option '${shown}' for '${context}' ${hint}`);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`option '${shown}' takes no value ${hint}`);
      out.flags.add(spec.name);
      continue;
    }
    let v = inline;
    if (v === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`option '${shown}' needs a value (${spec.meta ?? 'VALUE'}) ${hint}`);
      v = argv[++i];
    }
    if (spec.choices && !spec.choices.includes(v)) {
      throw new UsageError(`option '${shown}' must be one of ${spec.choices.join(', ')} (got '${v}')`);
    }
    if (spec.kind === 'list') {
      const l = out.lists.get(spec.name) ?? [];
      l.push(v);
      out.lists.set(spec.name, l);
    } else {
      if (out.values.has(spec.name)) throw new UsageError(`option '${shown}' given more than once ${hint}`);
      out.values.set(spec.name, v);
    }
  }
  return out;
}

/** The options block of a help text, one option a line, aligned. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const left = specs.map((s) => {
    const names = s.short ? `-${s.short}, --${s.name}` : `    --${s.name}`;
    return s.kind === 'flag' ? names : `${names} ${s.meta ?? 'VALUE'}`;
  });
  const width = Math.max(...left.map((l) => l.length));
  return specs.map((s, i) => `  ${left[i].padEnd(width)}  ${s.help}`).join('\n');
}
