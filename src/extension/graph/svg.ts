// Export as SVG: the whole graph model as one standalone SVG document (no scripts, no external
// references), drawn with the same geometry and edge paths as the webview. Pure.
import { edgePath, laneX, lineY, type Geometry } from '../../core/graph-layout';
import type { GraphModel, NodeState } from './messages';

const COLORS: Record<NodeState, string> = {
  current: '#2ea043',
  applied: '#57ab5a',
  pending: '#d29922',
  missing: '#e5534b',
  broken: '#bc4c00',
  unknown: '#8b949e',
};
const LANE_COLORS = ['#4c8dd6', '#c586c0', '#4ec9b0', '#ce9178', '#dcdcaa', '#9cdcfe', '#d16969', '#b5cea8'];

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function laneColor(lane: number): string {
  return LANE_COLORS[lane % LANE_COLORS.length];
}

export function renderSvg(model: GraphModel, title: string): string {
  const g: Geometry = { laneWidth: 16, lineHeight: 24, left: 8 };
  const textX = g.left + (model.lanes + 1) * g.laneWidth + 8;
  const width = textX + 720;
  const height = Math.max(1, model.lines.length) * g.lineHeight + 8;
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<title>${esc(title)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push('<g fill="none" stroke-width="2">');
  for (const e of model.edges) {
    const dash = e.kind === 'depends' ? ' stroke-dasharray="4 3"' : e.kind === 'back' ? ' stroke-dasharray="1 3"' : '';
    const color = e.kind === 'down' ? laneColor(e.lane) : '#8b949e';
    out.push(`<path d="${edgePath(g, e, e.c, e.p)}" stroke="${color}"${dash}/>`);
  }
  out.push('</g>');
  model.lines.forEach((line, i) => {
    const y = lineY(g, i);
    if (line.kind === 'fold') {
      const x = laneX(g, line.lane);
      out.push(`<text x="${x - 3}" y="${y + 4}" fill="#8b949e">⋮</text>`);
      out.push(`<text x="${textX}" y="${y + 4}" fill="#8b949e">${line.hidden} earlier revisions folded</text>`);
      return;
    }
    const x = laneX(g, line.lane);
    const fill = line.ghost ? 'none' : COLORS[line.state];
    const stroke = line.ghost ? ' stroke="#e5534b" stroke-dasharray="2 2"' : ' stroke="#ffffff"';
    const r = line.head || line.base ? 6 : 5;
    out.push(`<circle cx="${x}" cy="${y}" r="${r}" fill="${fill}"${stroke} stroke-width="1.5"><title>${esc(`${line.id} ${line.state}`)}</title></circle>`);
    let tx = textX;
    out.push(`<text x="${tx}" y="${y + 4}" font-family="monospace" fill="#57606a">${esc(line.short)}</text>`);
    tx += 90;
    for (const label of line.labels) {
      const w = 10 + label.length * 7;
      out.push(`<rect x="${tx}" y="${y - 8}" width="${w}" height="16" rx="3" fill="#ddf4ff" stroke="#54aeff"/>`);
      out.push(`<text x="${tx + 5}" y="${y + 4}" fill="#0969da">${esc(label)}</text>`);
      tx += w + 6;
    }
    const marks = [line.head ? 'head' : '', line.base ? 'base' : '', line.merge ? 'merge' : '', line.branchPoint ? 'branch point' : ''].filter(Boolean).join(', ');
    out.push(`<text x="${tx}" y="${y + 4}" fill="#24292f">${esc(line.message)}${marks ? ` <tspan fill="#8b949e">(${esc(marks)} · ${line.state})</tspan>` : ` <tspan fill="#8b949e">(${line.state})</tspan>`}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
