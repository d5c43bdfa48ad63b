// Every command of the extension, as one table registered in one loop.
import * as vscode from 'vscode';
import { parseCurrentOutput } from '../../core/alembic-output';
import { Config } from '../host/config';
import { openAt, projectFor, runAlembic, type Ctx } from './context';
import { createRevision, initProject, mergeHeads, setDatabasePassword } from './create';
import { describe } from '../host/log';
import { explainRestricted, isTrusted } from '../host/trust';
import {
  downgradeOne,
  downgradePick,
  downgradeTo,
  showSql,
  showSqlPick,
  stampPick,
  stampTo,
  upgradeHead,
  upgradePick,
  upgradeTo,
} from './migrate';
import type { Node, RevisionNode } from '../views/model';
import { shortId } from '../projects/revisions';
import { goToRevision, revealCurrent } from '../views/find';
import type { ProjectEntry } from '../projects/projects';

type Handler = (ctx: Ctx, ...args: unknown[]) => Promise<void> | void;

function isRevisionNode(v: unknown): v is RevisionNode {
  return typeof v === 'object' && v !== null && (v as Node).kind === 'revision';
}

/** Runs `fn` on the project of `arg` (tree row, key or the selected project). */
function withProject(fn: (ctx: Ctx, entry: ProjectEntry, ...rest: unknown[]) => Promise<void> | void): Handler {
  return (ctx, arg, ...rest) => {
    const entry = projectFor(ctx, arg);
    return entry ? fn(ctx, entry, ...rest) : undefined;
  };
}

/**
 * Runs `fn` on a revision: a tree row, or `(projectKey, revisionId)` (the graph view and other
 * callers pass those two strings); from elsewhere (palette, keybinding) it falls back to `fallback`.
 */
function withRevision(fn: (ctx: Ctx, entry: ProjectEntry, id: string) => Promise<void>, fallback: Handler): Handler {
  return (ctx, arg, ...rest) => {
    if (typeof arg === 'string' && typeof rest[0] === 'string') {
      const entry = ctx.store.get(arg);
      if (!entry) return void vscode.window.showWarningMessage(`No Alembic project ${arg} is loaded.`);
      if (!entry.graph.has(rest[0])) return void vscode.window.showWarningMessage(`Revision ${rest[0]} is not in ${entry.snapshot.name}.`);
      return fn(ctx, entry, rest[0]);
    }
    if (!isRevisionNode(arg)) {
      ctx.log.info('Called without a revision row: asking which revision.');
      return fallback(ctx, arg, ...rest);
    }
    const entry = ctx.store.get(arg.key);
    return entry ? fn(ctx, entry, arg.revision.id) : undefined;
  };
}

const commands: Record<string, Handler> = {
  'alembic.refresh': async (ctx) => {
    await ctx.store.refresh();
  },
  'alembic.selectProject': async (ctx) => {
    const current = ctx.store.selected()?.snapshot.key;
    const items = ctx.store.all().map((e) => ({
      label: e.snapshot.name,
      description: `${e.snapshot.key === current ? '$(check) in use · ' : ''}${e.snapshot.configPath ?? e.snapshot.versionLocations.join(', ')}`,
      key: e.snapshot.key,
    }));
    if (items.length === 0) return void vscode.window.showInformationMessage('No Alembic project was found in this workspace.');
    const chosen = await vscode.window.showQuickPick(items, { placeHolder: 'Which Alembic project should palette commands and the status bar use?' });
    if (chosen) await ctx.store.select(chosen.key);
  },
  'alembic.createRevision': withProject(createRevision),
  'alembic.upgrade': withProject(upgradePick),
  'alembic.upgradeHead': withProject(upgradeHead),
  'alembic.downgrade': withProject(downgradePick),
  'alembic.downgradeOne': withProject(downgradeOne),
  'alembic.stamp': (ctx, arg) => {
    const entry = projectFor(ctx, arg);
    const fromMissingRow = typeof arg === 'object' && arg !== null && (arg as Node).kind === 'missing';
    return entry ? stampPick(ctx, entry, fromMissingRow) : undefined;
  },
  'alembic.mergeHeads': (ctx, arg, heads) => {
    const entry = projectFor(ctx, arg);
    const list = Array.isArray(heads) ? heads.filter((h): h is string => typeof h === 'string') : null;
    return entry ? mergeHeads(ctx, entry, list) : undefined;
  },
  'alembic.current': withProject(async (ctx, entry) => {
    const out = await runAlembic(ctx, entry, ['current', '-v'], `alembic current (${entry.snapshot.name})`);
    ctx.log.show();
    if (!out?.ok) return;
    const rows = parseCurrentOutput(out.stdout);
    void vscode.window.showInformationMessage(
      rows.length === 0 ? `${entry.snapshot.name}: the database has no revision applied.` : `${entry.snapshot.name} is at ${rows.map(shortId).join(', ')}.`,
    );
    await ctx.store.refreshDatabase(entry.snapshot.key);
  }),
  'alembic.history': withProject(async (ctx, entry) => {
    const out = await runAlembic(ctx, entry, ['history'], `alembic history (${entry.snapshot.name})`);
    if (out?.ok) await ctx.docs.show(`alembic history — ${entry.snapshot.name.replace(/[/\\]/g, '_')}.txt`, out.stdout);
  }),
  'alembic.showSql': withProject(showSqlPick),
  'alembic.upgradeToHere': withRevision((ctx, entry, id) => upgradeTo(ctx, entry, id), withProject(upgradePick)),
  'alembic.downgradeToHere': withRevision((ctx, entry, id) => downgradeTo(ctx, entry, id), withProject(downgradePick)),
  'alembic.stampHere': withRevision((ctx, entry, id) => stampTo(ctx, entry, id), withProject((ctx, entry) => stampPick(ctx, entry))),
  'alembic.showSqlHere': withRevision((ctx, entry, id) => showSql(ctx, entry, id), withProject(showSqlPick)),
  'alembic.openRevision': async (_ctx, arg, mode) => {
    if (isRevisionNode(arg)) await openAt(arg.revision.path, arg.revision.line, mode === 'preview');
  },
  'alembic.goToRevision': goToRevision,
  'alembic.revealCurrent': revealCurrent,
  'alembic.showPendingOnly': (ctx) => ctx.tree.setPendingOnly(true),
  'alembic.showAllRevisions': (ctx) => ctx.tree.setPendingOnly(false),
  'alembic.initProject': (ctx) => initProject(ctx),
  'alembic.setDatabasePassword': withProject(setDatabasePassword),
  'alembic.restartServer': async (ctx) => {
    if (!ctx.client.started) return ctx.detectProjects();
    await ctx.client.restart();
    await ctx.store.refresh();
  },
  'alembic.showOutput': (ctx) => ctx.log.show(),
  'alembic.openSettings': (_ctx, arg) => {
    const kind = typeof arg === 'object' && arg !== null ? (arg as Node).kind : null;
    Config.open(kind === 'dbError' || kind === 'notice' ? 'database' : '');
  },
};

/** Commands that need a trusted folder (they run alembic or touch the database), with what they do. */
const NEEDS_TRUST: Readonly<Record<string, string>> = {
  'alembic.createRevision': 'Create Revision',
  'alembic.upgrade': 'Upgrade',
  'alembic.upgradeHead': 'Upgrade to Head',
  'alembic.downgrade': 'Downgrade',
  'alembic.downgradeOne': 'Downgrade One Revision',
  'alembic.stamp': 'Stamp',
  'alembic.mergeHeads': 'Merge Heads',
  'alembic.current': 'Show Current Revision',
  'alembic.history': 'Show History',
  'alembic.showSql': 'Show SQL',
  'alembic.upgradeToHere': 'Upgrade to Here',
  'alembic.downgradeToHere': 'Downgrade to Here',
  'alembic.stampHere': 'Stamp Here',
  'alembic.showSqlHere': 'Show SQL',
  'alembic.initProject': 'Create alembic.ini (alembic init)',
  'alembic.setDatabasePassword': 'Store Database Password',
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(commands).map(([name, handler]) =>
    vscode.commands.registerCommand(name, async (...args: unknown[]) => {
      const what = NEEDS_TRUST[name];
      if (what !== undefined && !isTrusted()) {
        ctx.log.warn(`Restricted Mode: ${name} not run`);
        return explainRestricted(what);
      }
      try {
        await handler(ctx, ...args);
      } catch (err) {
        ctx.log.error(`${name} failed`, err);
        void vscode.window.showErrorMessage(`Alembic: ${describe(err)}`, 'Show Output').then((c) => {
          if (c) ctx.log.show();
        });
      }
    }),
  );
}
