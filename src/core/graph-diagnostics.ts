// Diagnostics of a revision graph: the file problems the reader found plus the graph problems
// alembic only discovers by failing. Messages quote alembic's own wording inside a sentence a
// user can act on. Pure: no I/O.
import type { Diagnostic, IdRefKind, MigrationFile, Range, RelatedLocation, Revision } from './types';
import type { RevisionGraph } from './graph';
import { illegalCharsIn } from './errors';
import { countedHeads, type DoubtfulGroup, doubtfulGroups, mergeCandidates } from './merge';
import { supplyHint } from './migration';

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The line of a file's `revision = ...` assignment (where head/duplicate diagnostics go). */
export function revisionRange(file: MigrationFile): Range {
  return file.assignments.revision ?? file.idRefs.find((r) => r.kind === 'revision')?.range ?? ZERO;
}

/** The range of id `id` inside a file's `kind` variable, else the whole assignment. */
export function refRange(file: MigrationFile, kind: IdRefKind & ('down_revision' | 'depends_on' | 'branch_labels'), id: string): Range {
  const ref = file.idRefs.find((r) => r.kind === kind && r.id === id);
  if (ref) return ref.range;
  return file.assignments[kind] ?? revisionRange(file);
}

/**
 * The revision whose file a broken reference names (a common mistake: `down_revision =
 * '1a2b3c4d5e6f_add_users'` or `'….py'` instead of the id), or undefined. The name may carry
 * folders and `.py`; the match is on the file name without `.py`.
 */
export function revisionOfFileName(graph: RevisionGraph, name: string): string | undefined {
  const stem = (name.split(/[\\/]/).pop() ?? name).replace(/\.py$/, '');
  if (stem === '') return undefined;
  for (const [id, r] of graph.revisions) {
    if (id === name) continue;
    const file = r.file.path.split(/[\\/]/).pop() ?? '';
    if (file === `${stem}.py`) return id;
  }
  return undefined;
}

/** The one head that branch `label` leads to (not `from` itself), or undefined. */
export function headOfLabel(graph: RevisionGraph, label: string, from: string): string | undefined {
  const tips = graph.heads.filter((h) => h !== from && graph.effectiveBranchLabels(h).includes(label));
  return tips.length === 1 ? tips[0] : undefined;
}

/** Lists that go into messages and `related` stay short on huge folders (10,000-revision loops). */
const MAX_LISTED = 10;
const MAX_RELATED = 20;

function listIds(ids: readonly string[]): string {
  if (ids.length <= MAX_LISTED) return ids.join(', ');
  return `${ids.slice(0, MAX_LISTED).join(', ')} and ${ids.length - MAX_LISTED} more`;
}

/** Up to MAX_RELATED members of `ids` other than `self`, without scanning the whole list. */
function others(ids: readonly string[], self: string): string[] {
  return ids.slice(0, MAX_RELATED + 1).filter((o) => o !== self).slice(0, MAX_RELATED);
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  if (a.range.start.character !== b.range.start.character) return a.range.start.character - b.range.start.character;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** The command that merges `heads`, quoted as a user would type it. */
export function mergeCommand(heads: readonly string[]): string {
  return `alembic merge -m "merge heads" ${heads.join(' ')}`;
}

/** A warning on each head of `g` whose labels could not be read, naming the value and how to supply it. */
function unknownLabelWarnings(graph: RevisionGraph, g: DoubtfulGroup): Diagnostic[] {
  return g.doubtful.map(({ head, from }): Diagnostic => {
    const rev = graph.revisions.get(head) as Revision;
    const name = graph.revisions.get(from)?.file.unresolvedNames?.branch_labels;
    const whose = from === head ? 'its branch_labels' : `the branch_labels of ${from} below it`;
    const supply = name !== undefined ? ` (${name}). ${supplyHint(name)}` : '. Write the labels as literal strings to have them checked.';
    return {
      code: 'multiple-heads',
      severity: 'warning',
      message:
        `${g.heads.length} heads (${listIds(g.heads)}) unless branch labels keep them apart: ${whose} could not be read${supply} ` +
        `If the labels differ, 'alembic upgrade heads' or '<label>@head' is the way to upgrade; if not, merge them.`,
      path: rev.file.path,
      range: revisionRange(rev.file),
      related: others(g.heads, head).map((o) => {
        const r = graph.revisions.get(o) as Revision;
        return { path: r.file.path, range: revisionRange(r.file), message: `other head ${o}` };
      }),
    };
  });
}

const computed = new WeakMap<RevisionGraph, readonly Diagnostic[]>();

/**
 * Every diagnostic of `graph`, computed once per graph (the graph is built first and never
 * changes; this takes it whole).
 */
export function graphDiagnostics(graph: RevisionGraph): readonly Diagnostic[] {
  let list = computed.get(graph);
  if (list === undefined) {
    list = computeGraphDiagnostics(graph, graph.flaggedFiles);
    computed.set(graph, list);
  }
  return list;
}

/**
 * Every diagnostic of `graph`. `flagged`, when given, lists (in load order) the files for which
 * fileNeedsDiagnostics holds, so that the others need not be looked at again.
 */
export function computeGraphDiagnostics(graph: RevisionGraph, flagged?: readonly MigrationFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (r: Revision): RelatedLocation => ({ path: r.file.path, range: revisionRange(r.file), message: `revision ${r.id}` });

  // File problems first, as the reader reported them.
  for (const file of flagged ?? graph.files) {
    for (const p of file.problems) {
      out.push({ code: p.code, severity: p.severity, message: p.message, path: file.path, range: p.range });
    }
    const id = file.revision;
    if (id !== null && !file.problems.some((p) => p.code === 'invalid-revision-id')) {
      const bad = illegalCharsIn(id);
      if (bad.length > 0) {
        out.push({
          code: 'invalid-revision-id',
          severity: 'error',
          message: `Character(s) '${bad.join(', ')}' not allowed in revision identifier '${id}'. Alembic refuses to load the folder; use letters, digits and underscores.`,
          path: file.path,
          range: revisionRange(file),
        });
      }
    }
  }

  // Heads: bucket the true heads (down_revision only, winners only) by their effective labels.
  // graph.heads (sorted) holds every true head, plus a duplicated id whose winning file has children.
  // Which heads are crowded (want a merge) is core/merge.ts's rule, shared with the sidebar.
  const heads = countedHeads(graph);
  if (heads.length > 1) {
    const crowded = mergeCandidates(graph);
    // Heads alike only because some labels could not be read: a warning, no fix.
    const doubtful = doubtfulGroups(graph);
    for (const g of doubtful) out.push(...unknownLabelWarnings(graph, g));
    for (const { labels, heads: hs } of crowded) {
      const where = labels.length === 0 ? '' : ` on branch ${labels.map((l) => `'${l}'`).join(', ')}`;
      const command = labels.length === 0 ? 'alembic upgrade head' : `alembic upgrade ${labels[0]}@head`;
      const message =
        `${hs.length} heads${where}: ${listIds(hs)}. '${command}' will fail` +
        `${labels.length === 0 ? '' : " (and so will 'alembic upgrade head')"}. Merge them: ${mergeCommand(hs)}`;
      for (const h of hs) {
        const rev = graph.revisions.get(h) as Revision;
        out.push({
          code: 'multiple-heads',
          severity: 'error',
          message,
          path: rev.file.path,
          range: revisionRange(rev.file),
          related: others(hs, h).map((o) => ({ ...at(graph.revisions.get(o) as Revision), message: `other head ${o}` })),
          data: { kind: 'heads', heads: hs },
        });
      }
    }
    if (crowded.length === 0 && doubtful.length === 0) {
      for (const h of heads) {
        const rev = graph.revisions.get(h) as Revision;
        const labels = graph.effectiveBranchLabels(h);
        const target = labels.length > 0 ? `${labels[0]}@head` : h;
        out.push({
          code: 'labelled-heads',
          severity: 'info',
          message:
            `Head ${h}${labels.length > 0 ? ` of branch ${labels.map((l) => `'${l}'`).join(', ')}` : ''} is one of ` +
            `${heads.length} heads kept apart by branch labels (${listIds(heads)}). Upgrade with ` +
            `'alembic upgrade heads' or '${target}'; 'alembic upgrade head' fails while several heads exist.`,
          path: rev.file.path,
          range: revisionRange(rev.file),
          related: others(heads, h).map((o) => ({ ...at(graph.revisions.get(o) as Revision), message: `other head ${o}` })),
          data: { kind: 'heads', heads },
        });
      }
    }
  }

  for (const m of graph.missingRefs) {
    const base = `Revision ${m.missing} referenced from ${m.from} is not present`;
    const named = revisionOfFileName(graph, m.missing);
    let hint = named === undefined ? '' : ` '${m.missing}' is a file name: use the revision id in that file, '${named}'.`;
    if (m.field === 'down_revision' && graph.labels.has(m.missing)) {
      const tip = headOfLabel(graph, m.missing, m.from);
      hint =
        ` '${m.missing}' is a branch label; down_revision takes revision ids only (depends_on accepts labels)` +
        (tip !== undefined ? `: the head of branch '${m.missing}' is '${tip}'.` : '.');
    }
    const message =
      (m.field === 'down_revision'
        ? `down_revision '${m.missing}' does not match any revision in this folder (${base}). Alembic fails with KeyError: '${m.missing}' on every command.`
        : `depends_on '${m.missing}' does not match any revision or branch label in this folder (${base}). Alembic fails with KeyError: '${m.missing}' on every command.`) + hint;
    out.push({
      code: m.field === 'down_revision' ? 'missing-down-revision' : 'missing-depends-on',
      severity: 'error',
      message,
      path: m.file.path,
      range: refRange(m.file, m.field, m.missing),
      data: { kind: 'missing-ref', missing: m.missing, referencedFrom: m.from, field: m.field },
    });
  }

  for (const [id, files] of graph.duplicates) {
    const winner = files[files.length - 1];
    for (const file of files) {
      const others = files.filter((f) => f !== file);
      out.push({
        code: 'duplicate-revision',
        severity: 'error',
        message:
          `Revision ${id} is present more than once (also in ${others.map((f) => f.path).join(', ')}). ` +
          `Alembic warns on every command, uses only ${winner.path}, and counts ${id} as an extra head. Give one of them a new revision id.`,
        path: file.path,
        range: revisionRange(file),
        related: others.map((f) => ({ path: f.path, range: revisionRange(f), message: `revision ${id} again` })),
        data: { kind: 'duplicate', revision: id, otherPaths: others.map((f) => f.path) },
      });
    }
  }

  for (const cycle of graph.cycles) {
    const comp = new Set(cycle.revisions);
    const how = cycle.kind === 'Cycle' || cycle.kind === 'Self-loop' ? 'down_revision' : 'down_revision and depends_on';
    const alembicSays = `${cycle.kind} is detected in revisions (${listIds(cycle.revisions)})`;
    const message =
      cycle.revisions.length === 1
        ? `${alembicSays}: revision ${cycle.revisions[0]} names itself through ${how}, so it can never be applied.`
        : `${alembicSays}: these revisions form a loop through ${how}, so there is no order to apply them in. Alembic 1.8 may miss it or hang.`;
    for (const id of cycle.revisions) {
      const rev = graph.revisions.get(id) as Revision;
      const viaDown = rev.downRevisions.find((d) => comp.has(d));
      const viaDep = rev.dependsOn.find((d) => comp.has(d));
      let range: Range;
      if (viaDown !== undefined) range = refRange(rev.file, 'down_revision', viaDown);
      else if (viaDep !== undefined) {
        const raw = rev.file.dependsOn.find((n) => n === viaDep || graph.labels.get(n) === viaDep) ?? viaDep;
        range = refRange(rev.file, 'depends_on', raw);
      } else range = revisionRange(rev.file);
      out.push({
        code: 'cycle',
        severity: 'error',
        message,
        path: rev.file.path,
        range,
        related: others(cycle.revisions, id).map((o) => at(graph.revisions.get(o) as Revision)),
        data: { kind: 'cycle', revisions: cycle.revisions },
      });
    }
  }

  for (const c of graph.labelConflicts) {
    const owner = graph.revisions.get(c.usedBy);
    const why = c.usedBy === c.label ? `'${c.label}' is the id of revision ${c.usedBy}` : `revision ${c.usedBy} already declares it`;
    out.push({
      code: 'branch-label-conflict',
      severity: 'error',
      message: `Branch name '${c.label}' in revision ${c.revision} already used by revision ${c.usedBy}: ${why}. Alembic refuses to load the folder; choose another label.`,
      path: c.file.path,
      range: refRange(c.file, 'branch_labels', c.label),
      related: owner ? [at(owner)] : undefined,
    });
  }

  return out.sort(compareDiagnostics);
}
