// Summarises a V8 `.cpuprofile` (node --cpu-prof): self time by function and by source file.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function isCpuProfile(v: unknown): v is CpuProfile {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return Array.isArray(p.nodes) && Array.isArray(p.samples) && Array.isArray(p.timeDeltas);
}

function shortUrl(url: string): string {
  if (!url) return '(native)';
  const m = /(?:node_modules\/.+|dist\/[^/]+|out\/.+|node:.+)$/u.exec(url.replace(/^file:\/\//u, ''));
  return m ? m[0] : url;
}

export function summariseProfile(text: string, top: number): string {
  const parsed: unknown = JSON.parse(text);
  if (!isCpuProfile(parsed)) return '(not a CPU profile)';
  const byId = new Map(parsed.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < parsed.samples.length; i++) {
    const id = parsed.samples[i];
    self.set(id, (self.get(id) ?? 0) + (parsed.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const cf = n.callFrame;
    const fn = `${cf.functionName || '(anonymous)'}  ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    const file = cf.url ? shortUrl(cf.url) : cf.functionName || '(native)';
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / Math.max(1, total)).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(5)} ms`;
  const list = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `  ${pct(us)}  ${k}`)
      .join('\n');
  return `sampled ${(total / 1000).toFixed(0)} ms\nself time by file:\n${list(byFile)}\nself time by function:\n${list(byFn)}`;
}
