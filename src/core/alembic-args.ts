// Arguments for alembic commands built from what the user typed. Pure.

/**
 * `-m MESSAGE` as one argument: `--message=MESSAGE`. Passed as two arguments, a message that
 * starts with `-` (`--autogenerate`, `-x`) is taken by alembic's argparse for an option
 * ("expected one argument"), or worse, silently becomes one.
 */
export function messageArg(message: string): string {
  return `--message=${message}`;
}
