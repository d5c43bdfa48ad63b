/// <reference lib="dom" />
// Drawing the graph model: only the lines in view (SVG for lanes and nodes, HTML rows for text),
// and the minimap of every line. No model computation here: the host sends the lines and edges.
import { edgePath, laneX, lineY, type Geometry } from '../../core/graph-layout';
import type { GraphModel, ModelLine, ModelRow } from '../../extension/graph/messages';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Lines drawn above and below the visible ones, so a fast scroll does not show blanks. */
const OVERSCAN = 12;

export interface View {
  zoom: number;
  selected: string | null;
  picked: Set<string>;
  highlighted: string | null;
  matches: Set<string>;
  current: string | null;
}

export function geometry(zoom: number): Geometry {
  return { laneWidth: Math.max(6, Math.round(16 * Math.min(1, zoom))), lineHeight: Math.max(2, 24 * zoom), left: 6 };
}

export function textLeft(model: GraphModel, g: Geometry): number {
  return g.left + (model.lanes + 0.5) * g.laneWidth + 8;
}

function svgEl<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function el<K extends keyof HTMLElementTagNameMap>(name: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(name);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function rowDomId(line: number): string {
  return `line-${line}`;
}

export function ariaLabel(line: ModelLine): string {
  if (line.kind === 'fold') return `${line.hidden} revisions folded; press Enter to unfold`;
  const marks = [line.head && 'head', line.base && 'base', line.merge && 'merge', line.branchPoint && 'branch point', line.ghost && 'missing parent'].filter(Boolean);
  return `${line.short} ${line.message}, ${line.state}${marks.length ? `, ${marks.join(', ')}` : ''}${line.labels.length ? `, labels ${line.labels.join(', ')}` : ''}`;
}

/** Draws lines [first, last] of the model into `svg` and `rows`; sizes `spacer` to the whole graph. */
export function drawVisible(model: GraphModel, view: View, scroller: HTMLElement, spacer: HTMLElement, svg: SVGSVGElement, rows: HTMLElement): void {
  const g = geometry(view.zoom);
  const total = model.lines.length * g.lineHeight;
  const tx = textLeft(model, g);
  spacer.style.height = `${total + 8}px`;
  const first = Math.max(0, Math.floor(scroller.scrollTop / g.lineHeight) - OVERSCAN);
  const last = Math.min(model.lines.length - 1, Math.ceil((scroller.scrollTop + scroller.clientHeight) / g.lineHeight) + OVERSCAN);
  const top = first * g.lineHeight;
  const height = Math.max(0, (last - first + 1) * g.lineHeight);
  svg.style.top = `${top}px`;
  svg.setAttribute('width', String(tx));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 ${top} ${tx} ${height}`);
  svg.replaceChildren();
  const edges = svgEl('g', { class: 'edges' });
  for (const e of model.edges) {
    const lo = Math.min(e.c, e.p);
    const hi = Math.max(e.c, e.p);
    if (hi < first || lo > last) continue;
    const cls = e.kind === 'down' ? `edge lane-${e.lane % 8}` : `edge ${e.kind}`;
    edges.appendChild(svgEl('path', { d: edgePath(g, e, e.c, e.p), class: cls }));
  }
  svg.appendChild(edges);
  const nodes = svgEl('g', { class: 'nodes' });
  const compact = g.lineHeight < 14;
  const r = compact ? Math.max(1, g.lineHeight / 2.5) : 5;
  rows.replaceChildren();
  rows.classList.toggle('compact', compact);
  for (let i = first; i <= last; i++) {
    const line = model.lines[i];
    const x = laneX(g, line.lane);
    const y = lineY(g, i);
    if (line.kind === 'fold') {
      nodes.appendChild(svgEl('line', { x1: x, y1: y - g.lineHeight / 2, x2: x, y2: y + g.lineHeight / 2, class: 'fold-line' }));
    } else {
      const cls = ['node', `state-${line.state}`];
      if (line.ghost) cls.push('ghost');
      if (line.head) cls.push('head');
      if (line.id === view.selected) cls.push('selected');
      if (view.picked.has(line.id)) cls.push('picked');
      if (line.id === view.highlighted) cls.push('active-editor');
      const shape = line.head || line.base ? svgEl('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, rx: line.base ? 1 : r / 2, class: cls.join(' ') }) : svgEl('circle', { cx: x, cy: y, r, class: cls.join(' ') });
      shape.dataset.line = String(i);
      nodes.appendChild(shape);
    }
    rows.appendChild(rowElement(line, i, view, g.lineHeight, tx));
  }
  svg.appendChild(nodes);
}

function rowElement(line: ModelLine, i: number, view: View, lh: number, tx: number): HTMLElement {
  const row = el('div', 'row');
  row.id = rowDomId(i);
  row.dataset.line = String(i);
  row.setAttribute('role', 'option');
  row.setAttribute('aria-label', ariaLabel(line));
  row.style.top = `${i * lh}px`;
  row.style.height = `${lh}px`;
  row.style.paddingLeft = `${tx}px`;
  if (line.kind === 'fold') {
    row.classList.add('fold');
    row.append(el('span', 'codicon codicon-unfold'), el('span', 'message', `${line.hidden} revisions folded`));
    return row;
  }
  row.dataset.id = line.id;
  row.setAttribute('aria-selected', String(line.id === view.selected));
  if (line.id === view.selected) row.classList.add('selected');
  if (view.picked.has(line.id)) row.classList.add('picked');
  if (line.id === view.highlighted) row.classList.add('active-editor');
  if (view.matches.has(line.id)) row.classList.add('match');
  if (line.id === view.current) row.classList.add('current-match');
  row.draggable = line.head || line.ghost;
  if (lh < 14) return row;
  row.append(el('span', `short state-text-${line.state}`, line.short));
  for (const label of line.labels) {
    const tag = el('span', 'tag');
    tag.append(el('span', 'codicon codicon-tag'), document.createTextNode(label));
    row.append(tag);
  }
  if (line.head) row.append(el('span', 'badge head', 'head'));
  if (line.base) row.append(el('span', 'badge', 'base'));
  if (line.merge) row.append(el('span', 'badge', 'merge'));
  if (line.branchPoint) row.append(el('span', 'badge', 'branch point'));
  if (line.ghost) row.append(el('span', 'badge ghost', 'missing parent'));
  row.append(el('span', 'message', line.message));
  return row;
}

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function stateColors(): Record<ModelRow['state'], string> {
  return {
    current: cssColor('--vscode-testing-iconPassed', '#73c991'),
    applied: cssColor('--vscode-charts-green', '#89d185'),
    pending: cssColor('--vscode-charts-yellow', '#cca700'),
    missing: cssColor('--vscode-charts-red', '#f14c4c'),
    broken: cssColor('--vscode-charts-orange', '#d18616'),
    unknown: cssColor('--vscode-disabledForeground', '#888888'),
  };
}

/** Sizes the canvas's backing store to its CSS size at the screen's pixel ratio. */
function fitCanvas(canvas: HTMLCanvasElement): { dpr: number; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  return { dpr, w, h };
}

/** Every line as a short coloured stroke, with the visible part framed. */
export function drawMinimap(model: GraphModel, canvas: HTMLCanvasElement, scroller: HTMLElement, zoom: number): void {
  const { dpr, w, h } = fitCanvas(canvas);
  const c = canvas.getContext('2d');
  if (!c) return;
  c.setTransform(dpr, 0, 0, dpr, 0, 0);
  c.clearRect(0, 0, w, h);
  const n = Math.max(1, model.lines.length);
  // A short history is not stretched over the whole height: at most 4 px a line.
  const step = Math.min(4, h / n);
  const colors = stateColors();
  const laneW = Math.max(1, Math.min(6, (w - 8) / Math.max(1, model.lanes)));
  model.lines.forEach((line, i) => {
    c.fillStyle = line.kind === 'fold' ? colors.unknown : colors[line.state];
    c.fillRect(4 + line.lane * laneW, i * step, Math.max(1, laneW - 1), Math.max(1, step));
  });
  const g = geometry(zoom);
  const total = n * g.lineHeight;
  const y = (scroller.scrollTop / total) * n * step;
  const vh = Math.min(n * step, (scroller.clientHeight / total) * n * step);
  c.strokeStyle = cssColor('--vscode-focusBorder', '#007fd4');
  c.lineWidth = 1.5;
  c.strokeRect(1, y + 0.75, w - 2, Math.max(4, vh - 1.5));
}

/** Lane stroke colours, as the stylesheet's `.lane-N` classes give them. */
const LANE_VARS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'], ['--vscode-charts-purple', '#b180d7'], ['--vscode-charts-orange', '#d18616'],
  ['--vscode-terminal-ansiCyan', '#29b8db'], ['--vscode-charts-yellow', '#cca700'], ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
  ['--vscode-charts-red', '#f14c4c'], ['--vscode-charts-green', '#89d185'],
];

/** Where the overview put the lines: the whole model in the canvas height. */
export interface OverviewGeometry {
  top: number;
  lineHeight: number;
  laneWidth: number;
  lines: number;
}

/**
 * Zoom to fit, for any size: every line of the model (folded runs as one line) in the canvas's
 * height, however many there are: lanes and edges as paths, nodes as dots coloured by state, and
 * the names of heads, labels, bases and the current revision where they do not overlap. Drawn on a
 * canvas (one stroke per lane colour), so 10,000 lines cost no DOM.
 */
export function drawOverview(model: GraphModel, view: View, canvas: HTMLCanvasElement): OverviewGeometry {
  const { dpr, w, h } = fitCanvas(canvas);
  const n = Math.max(1, model.lines.length);
  const top = 4;
  // At most a normal line's height: a short history is not stretched.
  const lineHeight = Math.min(24, Math.max(0, h - 2 * top) / n);
  const g: Geometry = { laneWidth: Math.max(4, Math.min(16, w / 3 / Math.max(1, model.lanes + 1))), lineHeight, left: 6 };
  const geo: OverviewGeometry = { top, lineHeight, laneWidth: g.laneWidth, lines: model.lines.length };
  const c = canvas.getContext('2d');
  if (!c) return geo;
  c.setTransform(dpr, 0, 0, dpr, 0, 0);
  c.clearRect(0, 0, w, h);
  c.translate(0, top);
  // Edges: one path per lane colour, one for dashed depends_on, one for cycles.
  const lanePaths = LANE_VARS.map(() => new Path2D());
  const depends = new Path2D();
  const back = new Path2D();
  for (const e of model.edges) {
    const p = new Path2D(edgePath(g, e, e.c, e.p));
    (e.kind === 'down' ? lanePaths[e.lane % LANE_VARS.length] : e.kind === 'depends' ? depends : back).addPath(p);
  }
  c.lineWidth = Math.max(0.5, Math.min(2, lineHeight / 2));
  lanePaths.forEach((p, i) => {
    c.strokeStyle = cssColor(LANE_VARS[i][0], LANE_VARS[i][1]);
    c.stroke(p);
  });
  c.setLineDash([4, 3]);
  c.strokeStyle = cssColor('--vscode-descriptionForeground', '#888888');
  c.stroke(depends);
  c.strokeStyle = cssColor('--vscode-charts-red', '#f14c4c');
  c.stroke(back);
  c.setLineDash([]);
  // Nodes.
  const colors = stateColors();
  const r = Math.max(0.75, Math.min(5, lineHeight / 2.5));
  const focus = cssColor('--vscode-focusBorder', '#007fd4');
  const tx = g.left + (model.lanes + 0.5) * g.laneWidth + 8;
  const fontPx = 11;
  c.font = `${fontPx}px ${cssColor('--vscode-font-family', 'sans-serif')}`;
  c.textBaseline = 'middle';
  const fg = cssColor('--vscode-foreground', '#cccccc');
  let lastText = -Infinity;
  model.lines.forEach((line, i) => {
    const x = laneX(g, line.lane);
    const y = lineY(g, i);
    if (line.kind === 'fold') return;
    c.fillStyle = line.ghost ? colors.missing : colors[line.state];
    c.beginPath();
    c.arc(x, y, r, 0, 2 * Math.PI);
    c.fill();
    if (line.id === view.selected || line.id === view.current) {
      c.strokeStyle = focus;
      c.lineWidth = 2;
      c.beginPath();
      c.arc(x, y, r + 3, 0, 2 * Math.PI);
      c.stroke();
    }
    const named = line.head || line.base || line.labels.length > 0 || line.state === 'current' || line.ghost || line.id === view.selected;
    if (named && y - lastText >= fontPx + 2) {
      const marks = [line.labels.join(', '), line.head ? 'head' : '', line.base ? 'base' : '', line.state === 'current' ? 'current' : '', line.ghost ? 'missing parent' : ''].filter(Boolean).join(' · ');
      c.fillStyle = fg;
      c.fillText(`${line.short}  ${marks}  ${line.message}`.slice(0, 160), tx, y);
      lastText = y;
    }
  });
  return geo;
}
