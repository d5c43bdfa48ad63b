/// <reference lib="dom" />
// The graph webview: receives the model from the host, draws the lines in view, and turns
// clicks, keys, drags and menu picks into messages. Every action runs in the host.
import type { FromWebview, GraphAction, GraphModel, ModelLine, ModelRow, ToWebview } from '../../extension/graph/messages';
import { searchText } from '../../extension/graph/search';
import { ariaLabel, drawMinimap, drawOverview, drawVisible, geometry, rowDomId, type OverviewGeometry, type View } from './draw';
import { detailShows, hideCard, hideMenu, menuOpen, showCard, showDetail, showMenu } from './ui';

declare function acquireVsCodeApi(): { postMessage(msg: FromWebview): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();
const post = (m: FromWebview): void => vscode.postMessage(m);

function byId<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing`);
  return e as T;
}

const scroller = byId<HTMLDivElement>('scroller');
const spacer = byId<HTMLDivElement>('spacer');
const svg = document.getElementById('edges') as unknown as SVGSVGElement;
const rows = byId<HTMLDivElement>('rows');
const minimap = byId<HTMLCanvasElement>('minimap');
const overview = byId<HTMLCanvasElement>('overview');
const search = byId<HTMLInputElement>('search');
const matchCount = byId<HTMLSpanElement>('match-count');
const projectSelect = byId<HTMLSelectElement>('project');
const mergeButton = byId<HTMLButtonElement>('merge');
const note = byId<HTMLDivElement>('note');
const summary = byId<HTMLSpanElement>('summary');

let model: GraphModel | null = null;
const view: View = { zoom: 1, selected: null, picked: new Set(), highlighted: null, matches: new Set(), current: null };
let matchList: string[] = [];
let matchIndex = -1;
/** An id to scroll to once the next model arrives (a search hit inside a fold that was opened). */
let revealAfterModel: string | null = null;
let frame = 0;
/** Zoom to fit: the whole graph on one canvas (null when the rows are drawn). */
let overviewGeo: OverviewGeometry | null = null;
let overviewOn = false;

function lineOfId(id: string): number {
  return model ? model.lines.findIndex((l) => l.kind === 'row' && l.id === id) : -1;
}

function rowAt(i: number): ModelRow | null {
  const l = model?.lines[i];
  return l && l.kind === 'row' ? l : null;
}

function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (!model) return;
    const t0 = performance.now();
    if (overviewOn) {
      overviewGeo = drawOverview(model, view, overview);
      document.body.dataset.drawMs = (performance.now() - t0).toFixed(2);
      document.body.dataset.overviewLineHeight = overviewGeo.lineHeight.toFixed(4);
      document.body.dataset.overviewLines = String(overviewGeo.lines);
      document.body.dataset.overviewLaneWidth = String(overviewGeo.laneWidth);
      return;
    }
    drawVisible(model, view, scroller, spacer, svg, rows);
    drawMinimap(model, minimap, scroller, view.zoom);
    // How long the last frame's drawing took (read by the bench; harmless otherwise).
    document.body.dataset.drawMs = (performance.now() - t0).toFixed(2);
    const sel = view.selected ? lineOfId(view.selected) : -1;
    if (sel >= 0) scroller.setAttribute('aria-activedescendant', rowDomId(sel));
    else scroller.removeAttribute('aria-activedescendant');
  });
}

function scrollToLine(i: number, center = false): void {
  const lh = geometry(view.zoom).lineHeight;
  const y = i * lh;
  if (center || y < scroller.scrollTop || y + lh > scroller.scrollTop + scroller.clientHeight) {
    scroller.scrollTop = Math.max(0, y - scroller.clientHeight / 2 + lh / 2);
  }
  schedule();
}

function select(id: string | null, reveal = true): void {
  view.selected = id;
  if (id) {
    post({ type: 'detail', id });
    const i = lineOfId(id);
    if (reveal && i >= 0) scrollToLine(i);
  }
  schedule();
}

function updateMergeButton(): void {
  mergeButton.disabled = view.picked.size !== 2;
  mergeButton.title = view.picked.size === 2 ? `Merge ${[...view.picked].join(' and ')}` : 'Ctrl+click (Cmd+click) two heads, or drag one head onto another, to merge them';
}

function setModel(next: GraphModel): void {
  // Keep the first visible revision where it was: live updates must not move the picture.
  const lhOld = geometry(view.zoom).lineHeight;
  const anchorLine = Math.floor(scroller.scrollTop / lhOld);
  const anchor = model && model.project === next.project ? model.lines[anchorLine] : undefined;
  const anchorId = anchor && anchor.kind === 'row' ? anchor.id : null;
  const offset = scroller.scrollTop - anchorLine * lhOld;
  const projectChanged = !model || model.project !== next.project;
  model = next;
  projectSelect.replaceChildren(...next.projects.map((p) => new Option(p.name, p.key, false, p.key === next.project)));
  projectSelect.disabled = next.projects.length < 2;
  note.textContent = next.note ?? '';
  note.hidden = !next.note;
  summary.textContent = `${next.counts.revisions} revisions · ${next.counts.pending} pending${next.counts.missing ? ` · ${next.counts.missing} missing from the folder` : ''}`;
  const ids = new Set(next.lines.filter((l): l is ModelRow => l.kind === 'row').map((l) => l.id));
  for (const id of [...view.picked]) if (!ids.has(id)) view.picked.delete(id);
  updateMergeButton();
  if (projectChanged) {
    view.selected = null;
    scroller.scrollTop = 0;
  } else if (anchorId) {
    const i = lineOfId(anchorId);
    if (i >= 0) scroller.scrollTop = i * lhOld + offset;
  }
  runSearch(false);
  schedule();
  // The detail panel follows the new model too (its state, parents, functions).
  if (!projectChanged && view.selected && detailShows(view.selected) && lineOfId(view.selected) >= 0) post({ type: 'detail', id: view.selected });
  if (revealAfterModel) {
    const id = revealAfterModel;
    revealAfterModel = null;
    select(id);
    scrollToLine(lineOfId(id), true);
  }
  document.body.dataset.ready = 'true';
}

// ---- search ------------------------------------------------------------------------------------

function texts(l: ModelRow): string {
  return searchText(l.id, l.message, l.labels, l.file);
}

/** Hidden revision id → the fold run that hides it (a match there unfolds the run). */
let hiddenIn = new Map<string, number>();

function runSearch(jump: boolean): void {
  const q = search.value.trim().toLowerCase();
  view.matches.clear();
  matchList = [];
  hiddenIn = new Map();
  if (q && model) {
    for (const l of model.lines) {
      if (l.kind === 'row') {
        if (texts(l).includes(q)) matchList.push(l.id);
      } else {
        l.search.forEach((text, k) => {
          if (!text.includes(q)) return;
          matchList.push(l.ids[k]);
          hiddenIn.set(l.ids[k], l.run);
        });
      }
    }
    for (const id of matchList) view.matches.add(id);
  }
  if (matchIndex >= matchList.length) matchIndex = matchList.length - 1;
  if (jump) {
    matchIndex = matchList.length > 0 ? 0 : -1;
    goToMatch();
  }
  showCount(q);
  schedule();
}

function showCount(q: string): void {
  matchCount.textContent = q ? (matchList.length ? `${matchIndex + 1} of ${matchList.length}` : 'No results') : '';
}

function goToMatch(): void {
  view.current = matchIndex >= 0 ? matchList[matchIndex] : null;
  const run = view.current ? hiddenIn.get(view.current) : undefined;
  if (view.current && run !== undefined) {
    // Folded away: unfold its run, then select it when the new model arrives.
    revealAfterModel = view.current;
    post({ type: 'fold', run, folded: false });
  } else if (view.current) {
    select(view.current, false);
    scrollToLine(lineOfId(view.current), true);
  }
  showCount(search.value.trim());
}

function nextMatch(delta: number): void {
  if (matchList.length === 0) return;
  matchIndex = (matchIndex + delta + matchList.length) % matchList.length;
  goToMatch();
}

// ---- actions -----------------------------------------------------------------------------------

function act(action: GraphAction, id: string): void {
  post({ type: 'action', action, id });
}

function openMenuFor(i: number, x: number, y: number): void {
  const line = model?.lines[i];
  if (!line) return;
  if (line.kind === 'fold') return post({ type: 'fold', run: line.run, folded: false });
  select(line.id, false);
  const heads = model ? model.lines.filter((l): l is ModelRow => l.kind === 'row' && l.head && l.id !== line.id) : [];
  showMenu(x, y, line, heads, {
    action: (a) => act(a, line.id),
    open: () => post({ type: 'open', id: line.id }),
    merge: (other) => post({ type: 'merge', ids: [line.id, other] }),
    repair: () => post({ type: 'repair', ghost: line.id, target: '' }),
    restoreFocus: () => scroller.focus(),
  });
}

function lineFromEvent(e: Event): number {
  const t = e.target instanceof Element ? e.target.closest('[data-line]') : null;
  return t instanceof HTMLElement || t instanceof SVGElement ? Number(t.dataset.line) : -1;
}

function clickLine(i: number, e: MouseEvent): void {
  const line = model?.lines[i];
  if (!line) return;
  if (line.kind === 'fold') return post({ type: 'fold', run: line.run, folded: false });
  if (e.ctrlKey || e.metaKey) {
    if (view.picked.has(line.id)) view.picked.delete(line.id);
    else if (line.head) view.picked.add(line.id);
    updateMergeButton();
    return schedule();
  }
  select(line.id, false);
  if (!line.ghost) post({ type: 'open', id: line.id });
}

function onClick(e: MouseEvent): void {
  const i = lineFromEvent(e);
  if (i >= 0) clickLine(i, e);
}

scroller.addEventListener('click', onClick);
scroller.addEventListener('contextmenu', (e) => {
  const i = lineFromEvent(e);
  if (i < 0) return;
  e.preventDefault();
  openMenuFor(i, e.clientX, e.clientY);
});
scroller.addEventListener('scroll', () => {
  hideCard();
  schedule();
});
scroller.addEventListener('mousemove', (e) => {
  const i = lineFromEvent(e);
  const line = i >= 0 ? rowAt(i) : null;
  if (line && !menuOpen()) showCard(line, e.clientX, e.clientY);
  else hideCard();
});
scroller.addEventListener('mouseleave', () => hideCard());

// Drag a head onto another head: merge. Drag a ghost (missing parent) onto a revision: repair.
scroller.addEventListener('dragstart', (e) => {
  const i = lineFromEvent(e);
  const line = i >= 0 ? rowAt(i) : null;
  if (!line || !e.dataTransfer) return;
  e.dataTransfer.setData('text/plain', line.id);
  e.dataTransfer.effectAllowed = 'link';
});
scroller.addEventListener('dragover', (e) => {
  if (lineFromEvent(e) >= 0) e.preventDefault();
});
scroller.addEventListener('drop', (e) => {
  e.preventDefault();
  const target = rowAt(lineFromEvent(e));
  const source = e.dataTransfer?.getData('text/plain');
  const from = source ? model?.lines.find((l): l is ModelRow => l.kind === 'row' && l.id === source) : undefined;
  if (!target || !from || from.id === target.id) return;
  if (from.ghost && !target.ghost) post({ type: 'repair', ghost: from.id, target: target.id });
  else if (from.head && target.head) post({ type: 'merge', ids: [from.id, target.id] });
});

function moveSelection(delta: number): void {
  if (!model || model.lines.length === 0) return;
  let i = view.selected ? lineOfId(view.selected) : -1;
  for (let k = 0; k < model.lines.length; k++) {
    i = Math.max(0, Math.min(model.lines.length - 1, i + delta));
    const l = model.lines[i];
    if (l.kind === 'row') return select(l.id);
    if (i === 0 || i === model.lines.length - 1) return;
  }
}

scroller.addEventListener('keydown', (e) => {
  if (menuOpen()) return;
  const sel = view.selected ? lineOfId(view.selected) : -1;
  const page = Math.max(1, Math.floor(scroller.clientHeight / geometry(view.zoom).lineHeight) - 1);
  switch (e.key) {
    case 'ArrowDown':
      moveSelection(1);
      break;
    case 'ArrowUp':
      moveSelection(-1);
      break;
    case 'PageDown':
      moveSelection(page);
      break;
    case 'PageUp':
      moveSelection(-page);
      break;
    case 'Home':
      moveSelection(-Infinity);
      break;
    case 'End':
      moveSelection(Infinity);
      break;
    case 'Enter':
      if (sel >= 0) clickLine(sel, new MouseEvent('click'));
      break;
    case ' ':
      if (sel >= 0) clickLine(sel, new MouseEvent('click', { ctrlKey: true }));
      break;
    case 'ContextMenu':
    case 'F10':
      if (e.key === 'F10' && !e.shiftKey) return;
      if (sel >= 0) {
        const rect = document.getElementById(rowDomId(sel))?.getBoundingClientRect();
        openMenuFor(sel, rect ? rect.left + 40 : 40, rect ? rect.bottom : 40);
      }
      break;
    default:
      return;
  }
  e.preventDefault();
});

search.addEventListener('input', () => runSearch(true));
search.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' || e.key === 'F3') {
    e.preventDefault();
    nextMatch(e.shiftKey ? -1 : 1);
  } else if (e.key === 'Escape') {
    search.value = '';
    runSearch(false);
    scroller.focus();
  }
});
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
    e.preventDefault();
    search.focus();
    search.select();
  } else if (e.key === 'F3') {
    e.preventDefault();
    nextMatch(e.shiftKey ? -1 : 1);
  } else if (e.key === 'Escape') {
    hideMenu();
    hideCard();
  }
});

function setZoom(z: number): void {
  const lhOld = geometry(view.zoom).lineHeight;
  const centerLine = (scroller.scrollTop + scroller.clientHeight / 2) / lhOld;
  view.zoom = Math.max(1 / 12, Math.min(2, z));
  const lh = geometry(view.zoom).lineHeight;
  scroller.scrollTop = centerLine * lh - scroller.clientHeight / 2;
  document.body.dataset.zoom = view.zoom.toFixed(3);
  schedule();
}

/** Zoom so every line fits the height: rows at that zoom while they keep their text, else the
 * overview canvas (any number of lines; folded runs stay one line each). */
function fit(): void {
  if (!model) return;
  const height = overviewOn ? overview.clientHeight : scroller.clientHeight;
  const lh = height / Math.max(1, model.lines.length + 0.5);
  if (lh >= 14) {
    setOverview(false);
    setZoom(lh / 24);
    scroller.scrollTop = 0;
  } else {
    setOverview(true);
  }
}

function setOverview(on: boolean): void {
  if (overviewOn === on) return;
  overviewOn = on;
  overview.hidden = !on;
  scroller.hidden = on;
  minimap.hidden = on;
  overviewGeo = null;
  document.body.dataset.overview = String(on);
  hideCard();
  if (on) overview.focus();
  schedule();
}

/** The model line under a point of the overview, or -1. */
function overviewLine(e: MouseEvent): number {
  if (!model || !overviewGeo || overviewGeo.lineHeight <= 0) return -1;
  const y = e.clientY - overview.getBoundingClientRect().top - overviewGeo.top;
  const i = Math.floor(y / overviewGeo.lineHeight);
  return i >= 0 && i < model.lines.length ? i : -1;
}

/** Leaves the overview at actual size with line `i` in the middle (selected when a revision). */
function zoomInAt(i: number): void {
  setOverview(false);
  view.zoom = 1;
  document.body.dataset.zoom = '1.000';
  const line = model?.lines[i];
  if (line && line.kind === 'row') select(line.id, false);
  // The scroller was hidden: lay it out again before scrolling it.
  requestAnimationFrame(() => scrollToLine(i, true));
  scrollToLine(i, true);
}

overview.addEventListener('click', (e) => {
  const i = overviewLine(e);
  if (i >= 0) zoomInAt(i);
});
overview.addEventListener('mousemove', (e) => {
  const i = overviewLine(e);
  const line = i >= 0 ? rowAt(i) : null;
  if (line) showCard(line, e.clientX, e.clientY);
  else hideCard();
});
overview.addEventListener('mouseleave', () => hideCard());
overview.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' || e.key === 'Enter') {
    e.preventDefault();
    const sel = view.selected ? lineOfId(view.selected) : -1;
    zoomInAt(sel >= 0 ? sel : 0);
  }
});

function leaveOverviewThen(fn: () => void): void {
  if (overviewOn) {
    const sel = view.selected ? lineOfId(view.selected) : -1;
    zoomInAt(sel >= 0 ? sel : 0);
  }
  fn();
}

const buttons: Record<string, () => void> = {
  'search-prev': () => nextMatch(-1),
  'search-next': () => nextMatch(1),
  'zoom-in': () => leaveOverviewThen(() => setZoom(view.zoom * 1.25)),
  'zoom-out': () => leaveOverviewThen(() => setZoom(view.zoom / 1.25)),
  'zoom-fit': fit,
  'zoom-reset': () => leaveOverviewThen(() => setZoom(1)),
  'fold-all': () => post({ type: 'foldAll', folded: true }),
  'unfold-all': () => post({ type: 'foldAll', folded: false }),
  merge: () => {
    if (view.picked.size === 2) post({ type: 'merge', ids: [...view.picked] });
  },
  export: () => post({ type: 'export' }),
};
for (const [id, fn] of Object.entries(buttons)) byId(id).addEventListener('click', fn);
projectSelect.addEventListener('change', () => post({ type: 'project', key: projectSelect.value }));
minimap.addEventListener('mousedown', (e) => {
  const jump = (ev: MouseEvent): void => {
    if (!model) return;
    const rect = minimap.getBoundingClientRect();
    const drawn = Math.min(rect.height, 4 * model.lines.length);
    const frac = Math.max(0, Math.min(1, (ev.clientY - rect.top) / drawn));
    scroller.scrollTop = frac * model.lines.length * geometry(view.zoom).lineHeight - scroller.clientHeight / 2;
  };
  jump(e);
  const up = (): void => {
    window.removeEventListener('mousemove', jump);
    window.removeEventListener('mouseup', up);
  };
  window.addEventListener('mousemove', jump);
  window.addEventListener('mouseup', up);
});
window.addEventListener('resize', () => schedule());

window.addEventListener('message', (e: MessageEvent<ToWebview>) => {
  const m = e.data;
  switch (m.type) {
    case 'model':
      return setModel(m.model);
    case 'highlight':
      view.highlighted = m.id;
      return schedule();
    case 'detail':
      if (m.id === view.selected && model) {
        const line = model.lines.find((l): l is ModelRow => l.kind === 'row' && l.id === m.id);
        if (line) showDetail(line, m, (a) => act(a, m.id), () => post({ type: 'open', id: m.id }));
      }
      return;
    case 'reveal': {
      const i = lineOfId(m.id);
      if (i < 0) {
        revealAfterModel = m.id;
        return;
      }
      select(m.id);
      return scrollToLine(i, true);
    }
  }
});

/** For tests and screen readers: the label of each line currently drawn. */
export function describeLine(line: ModelLine): string {
  return ariaLabel(line);
}

post({ type: 'ready' });
