// Which heads want a merge. `alembic upgrade head` fails whenever several heads exist, but heads
// kept apart by branch labels (expand/contract, an `analytics` line…) are separate by design:
// they are upgraded with `upgrade heads` or `<label>@head`, and merging them would fold one line
// into another. Heads want a merge when they carry the same effective labels (none, or the same
// ones): then even `<label>@head` (or `head`) cannot pick one. Pure.
import type { RevisionGraph } from './graph';
import { unresolvedVariables } from './migration';

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

/**
 * Heads whose labels are not known: at or above a revision whose `branch_labels` could not be read
 * (an imported value, a call…), mapped to that revision. Such a head may well be a labelled line
 * kept apart by design, so it is never a merge candidate.
 */
export function headsWithUnknownLabels(graph: RevisionGraph): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of graph.files) {
    if (file.revision === null || file.problems.length === 0 || !unresolvedVariables(file).includes('branch_labels')) continue;
    const rev = graph.revisions.get(file.revision);
    if (rev === undefined || rev.file !== file) continue;
    for (const id of graph.descendants([rev.id])) {
      if (graph.revisions.get(id)?.children.length === 0 && !out.has(id)) out.set(id, rev.id);
    }
  }
  return out;
}

/**
 * Groups of two or more heads that a merge would help (same labels); labelled lines apart by
 * design are left out, and so are heads whose labels could not be read.
 */
export function mergeCandidates(graph: RevisionGraph): HeadGroup[] {
  const groups = headGroups(graph);
  if (groups.reduce((n, g) => n + g.heads.length, 0) < 2) return [];
  const unknown = headsWithUnknownLabels(graph);
  const out: HeadGroup[] = [];
  for (const g of groups) {
    const known = unknown.size === 0 ? g.heads : g.heads.filter((h) => !unknown.has(h));
    if (known.length > 1) out.push({ labels: g.labels, heads: known });
  }
  return out;
}

export interface DoubtfulGroup extends HeadGroup {
  /** The heads of the group whose labels could not be read, each with the revision whose
   * `branch_labels` is unknown. */
  doubtful: Array<{ head: string; from: string }>;
}

/** Groups of two or more heads that look alike only because some of their labels could not be read. */
export function doubtfulGroups(graph: RevisionGraph): DoubtfulGroup[] {
  const unknown = headsWithUnknownLabels(graph);
  if (unknown.size === 0) return [];
  const out: DoubtfulGroup[] = [];
  for (const g of headGroups(graph)) {
    if (g.heads.length < 2) continue;
    const doubtful = g.heads.filter((h) => unknown.has(h)).map((head) => ({ head, from: unknown.get(head) as string }));
    if (doubtful.length > 0) out.push({ ...g, doubtful });
  }
  return out;
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
