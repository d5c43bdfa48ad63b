// alembic/repairLink: the graph's ghost repair, on the files as the server read them (imported
// values resolved), with the quick fix's own rule (core/repair.ts replaceRefEdits).
import { replaceRefEdits } from '../core/repair';
import type { RepairLinkEdit, RepairLinkParams, RepairLinkResult } from '../protocol/protocol';
import type { Project } from './project';

type Lookup = (key: string) => Project | undefined;

function isParams(v: unknown): v is RepairLinkParams {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.key === 'string' && typeof o.ghost === 'string' && typeof o.target === 'string';
}

export function repairLinkRequest(lookup: Lookup, params: unknown): RepairLinkResult | null {
  if (!isParams(params)) return null;
  const project = lookup(params.key);
  if (!project) return null;
  const { ghost, target } = params;
  const g = project.graph;
  if (g.revisions.has(ghost)) return { ok: false, message: `'${ghost}' is defined now; there is no broken link to repair.` };
  const refs = g.missingRefs.filter((m) => m.missing === ghost && m.field === 'down_revision');
  if (refs.length === 0) return { ok: false, message: `No down_revision names '${ghost}' any more.` };
  if (!g.revisions.has(target)) return { ok: false, message: `'${target}' is not a revision of ${project.name}.` };
  const children = [...new Set(refs.map((m) => m.from))];
  // The target must not be one of the children nor above them: the link would make a cycle.
  if (g.descendants(children, { dependencies: true }).has(target) || children.includes(target)) {
    return { ok: false, message: `'${target}' comes after ${children.join(', ')}: pointing ${children.length === 1 ? 'it' : 'them'} at it would make a cycle.` };
  }
  const edits: RepairLinkEdit[] = [];
  const seen = new Set<string>();
  for (const m of refs) {
    if (seen.has(m.file.path)) continue;
    seen.add(m.file.path);
    const r = replaceRefEdits(m.file, ghost, 'down_revision', target);
    if (!r.ok) return { ok: false, message: r.why };
    for (const e of r.edits) edits.push({ path: m.file.path, range: e.range, newText: e.newText });
  }
  return { ok: true, edits };
}
