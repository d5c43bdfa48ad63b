// "Merge heads" for editors other than VS Code. In VS Code the quick fix's `alembic.mergeHeads`
// command is the extension's (it asks for a message and shows the output). Other LSP clients send
// the command back to the server with `workspace/executeCommand`; the server runs it only when the
// client opts in with initializationOptions `{ "executeMergeHeads": true }` (advertising it by
// default would make vscode-languageclient register a second command of the same name).
import { locateAlembic } from '../io/locate-alembic';
import { AlembicRunner } from '../io/runner';
import type { Project } from './project';

export interface StandaloneOptions {
  executeMergeHeads: boolean;
  /** Command prefix that runs alembic, e.g. ["poetry", "run", "alembic"]; default: found like the extension does. */
  alembicCommand: string[] | null;
}

export function readInitializationOptions(v: unknown): StandaloneOptions {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const cmd = o.alembicCommand;
  return {
    executeMergeHeads: o.executeMergeHeads === true,
    alembicCommand: Array.isArray(cmd) && cmd.length > 0 && cmd.every((c) => typeof c === 'string') ? cmd : null,
  };
}

/** Validates `workspace/executeCommand` arguments: [projectKey, heads]. */
export function mergeArguments(args: unknown[] | undefined): { key: string; heads: string[] } | null {
  if (!args || args.length < 2) return null;
  const [key, heads] = args;
  if (typeof key !== 'string' || !Array.isArray(heads) || heads.length < 2) return null;
  if (!heads.every((h): h is string => typeof h === 'string' && /^[^\s@+:-][^\s@+:]*$/.test(h))) return null;
  return { key, heads };
}

const runner = new AlembicRunner();

/** Runs `alembic merge -m "merge heads" <heads…>` in the project; resolves to a sentence for the user. */
export async function mergeHeads(
  project: Project,
  heads: string[],
  options: StandaloneOptions,
): Promise<{ ok: boolean; message: string }> {
  const located = await locateAlembic({
    setting: options.alembicCommand,
    projectDir: project.config.rootDir,
    env: process.env,
  });
  if (!located) {
    return {
      ok: false,
      message: 'alembic was not found (no virtualenv with alembic, none on PATH): pass initializationOptions.alembicCommand.',
    };
  }
  const result = await runner.run(
    { command: located.command, cwd: project.config.rootDir, configFile: project.config.configPath, section: project.config.section },
    ['merge', '-m', 'merge heads', ...heads],
  );
  if (result.failure || result.exitCode !== 0) {
    return { ok: false, message: `alembic merge failed: ${result.failure?.summary ?? `exit code ${String(result.exitCode)}`}` };
  }
  const generated = /Generating (.+?) \.\.\./.exec(result.stdout)?.[1];
  return { ok: true, message: `Merged heads ${heads.join(', ')}${generated ? `: ${generated}` : ''}` };
}
