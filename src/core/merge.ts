// Which heads want a merge. `alembic upgrade head` fails whenever several heads exist, but heads
// kept apart by branch labels (expand/contract, an `analytics` line…) are separate by design:
// they are upgraded with `upgrade heads` or `<label>@head`, and merging them would fold one line
// into another. Heads want a merge when they carry the same effective labels (none, or the same
// ones): then even `<label>@head` (or `head`) cannot pick one. Pure.
import type { RevisionGraph } from './graph';

/**
 * The heads that count: true heads of the winning files, without heads cut off below a broken
 * down_revision (those are noise on top of the missing-link error).
 */
export function countedHeads(graph: RevisionGraph): string[] {
  const heads = graph.heads.filter((h) => (graph.revisions.get(h)?.children.length ?? 1) === 0);
  if (heads.length < 2) return heads;
  const broken: string[] = [];
  for (const m of graph.missingRefs) if (m.field === 'down_revision') broken.push(m.from);
  if (broken.length === 0) return heads;
  const cutOff = graph.descendants(broken);
  return heads.filter((h) => !cutOff.has(h));
}

export interface HeadGroup {
  /** The effective branch labels the heads share (empty: unlabelled). */
  labels: string[];
  heads: string[];
}

/** Heads bucketed by their effective branch labels, in the order the heads sort. */
export function headGroups(graph: RevisionGraph): HeadGroup[] {
  const buckets = new Map<string, HeadGroup>();
  for (const h of countedHeads(graph)) {
    const labels = graph.effectiveBranchLabels(h);
    const key = labels.join(',');
    const b = buckets.get(key);
    if (b) b.heads.push(h);
    else buckets.set(key, { labels, heads: [h] });
  }
  return [...buckets.values()];
}

/** Groups of two or more heads that a merge would help (same labels); labelled lines apart by design are left out. */
export function mergeCandidates(graph: RevisionGraph): HeadGroup[] {
  const groups = headGroups(graph);
  if (groups.reduce((n, g) => n + g.heads.length, 0) < 2) return [];
  return groups.filter((g) => g.heads.length > 1);
}

/** What merging `heads` does to branch labels, when it folds labelled lines together (null when it does not). */
export function labelledMergeWarning(graph: RevisionGraph, heads: readonly string[]): string | null {
  const labelled = heads.map((h) => ({ h, labels: graph.effectiveBranchLabels(h) }));
  const keys = new Set(labelled.map((x) => x.labels.join(',')));
  if (keys.size < 2) return null;
  const parts = labelled.filter((x) => x.labels.length > 0).map((x) => `'${x.labels.join("', '")}' (head ${x.h})`);
  return (
    `These heads are separate labelled lines (${parts.join(', ')}). Merging them makes one revision the head of every ` +
    `one of those labels: each '<label>@head' then points at the merge, and upgrading one line upgrades the others too.`
  );
}
