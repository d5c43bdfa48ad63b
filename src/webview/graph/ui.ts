/// <reference lib="dom" />
// The graph webview's floating parts: the hover card, the context menu and the detail panel.
import type { GraphAction, ModelRow, ToWebview } from '../../extension/graph/messages';

function el<K extends keyof HTMLElementTagNameMap>(name: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(name);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const card = document.getElementById('card') as HTMLDivElement;
const menu = document.getElementById('menu') as HTMLDivElement;
const detail = document.getElementById('detail') as HTMLDivElement;

function place(box: HTMLElement, x: number, y: number): void {
  box.hidden = false;
  const w = box.offsetWidth;
  const h = box.offsetHeight;
  box.style.left = `${Math.max(0, Math.min(x, window.innerWidth - w - 4))}px`;
  box.style.top = `${Math.max(0, y + h > window.innerHeight ? y - h : y)}px`;
}

function facts(line: ModelRow): [string, string][] {
  return [
    ['Revision', line.id],
    ['State', line.ghost ? `missing: no file defines it (referenced by ${line.brokenChildren.join(', ')})` : line.state === 'broken' ? 'broken: a link names a revision no file defines (alembic refuses every command until it is fixed)' : line.state],
    ['Parents', line.parents.join(', ') || (line.ghost ? '?' : '(base)')],
    ['Children', line.children.join(', ') || '(head)'],
    ...(line.dependsOn.length ? ([['Depends on', line.dependsOn.join(', ')]] as [string, string][]) : []),
    ...(line.labels.length ? ([['Labels', line.labels.join(', ')]] as [string, string][]) : []),
    ['File', line.file || '—'],
    ['Date', line.date || '—'],
  ];
}

function factTable(line: ModelRow): HTMLElement {
  const dl = el('dl', 'facts');
  for (const [k, v] of facts(line)) dl.append(el('dt', '', k), el('dd', '', v));
  return dl;
}

export function showCard(line: ModelRow, x: number, y: number): void {
  if (card.dataset.id !== line.id) {
    card.dataset.id = line.id;
    card.replaceChildren(el('div', 'card-title', line.message || line.id), factTable(line));
  }
  place(card, x + 14, y + 14);
}

export function hideCard(): void {
  card.hidden = true;
  delete card.dataset.id;
}

export interface MenuHandlers {
  action(a: GraphAction): void;
  open(): void;
  merge(other: string): void;
  repair(): void;
  restoreFocus(): void;
}

let menuIsOpen = false;

export function menuOpen(): boolean {
  return menuIsOpen;
}

export function hideMenu(): void {
  menu.hidden = true;
  menuIsOpen = false;
}

/** The tree's own actions on a revision (same commands, same confirmations), as a menu. */
export function showMenu(x: number, y: number, line: ModelRow, otherHeads: ModelRow[], h: MenuHandlers): void {
  hideCard();
  const items: { label: string; icon: string; enabled: boolean; run: () => void }[] = [];
  if (line.ghost) {
    items.push({ label: 'Repair Link: Point Its Children at…', icon: 'wrench', enabled: line.brokenChildren.length > 0, run: h.repair });
  } else {
    items.push(
      { label: 'Upgrade to Here', icon: 'arrow-up', enabled: line.state === 'pending', run: () => h.action('upgrade') },
      { label: 'Downgrade to Here…', icon: 'arrow-down', enabled: line.state === 'applied' || line.state === 'current', run: () => h.action('downgrade') },
      { label: 'Stamp Here…', icon: 'bookmark', enabled: true, run: () => h.action('stamp') },
      { label: 'Show SQL', icon: 'file-code', enabled: true, run: () => h.action('showSql') },
      { label: 'Open Revision File', icon: 'go-to-file', enabled: true, run: h.open },
    );
    if (line.head) for (const o of otherHeads) items.push({ label: `Merge with ${o.short}${o.message ? ` (${o.message})` : ''}`, icon: 'git-merge', enabled: true, run: () => h.merge(o.id) });
  }
  menu.replaceChildren();
  const buttons: HTMLButtonElement[] = [];
  for (const it of items) {
    const b = el('button', 'menu-item');
    b.setAttribute('role', 'menuitem');
    b.disabled = !it.enabled;
    b.append(el('span', `codicon codicon-${it.icon}`), el('span', '', it.label));
    b.addEventListener('click', () => {
      hideMenu();
      h.restoreFocus();
      it.run();
    });
    menu.append(b);
    if (it.enabled) buttons.push(b);
  }
  menu.setAttribute('aria-label', `Actions on ${line.short}`);
  place(menu, x, y);
  menuIsOpen = true;
  buttons[0]?.focus();
  menu.onkeydown = (e) => {
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown') buttons[(i + 1) % buttons.length]?.focus();
    else if (e.key === 'ArrowUp') buttons[(i - 1 + buttons.length) % buttons.length]?.focus();
    else if (e.key === 'Escape') {
      hideMenu();
      h.restoreFocus();
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };
}

document.addEventListener('mousedown', (e) => {
  if (menuIsOpen && !(e.target instanceof Node && menu.contains(e.target))) hideMenu();
});

/** Whether the detail panel shows `id`. */
export function detailShows(id: string): boolean {
  return !detail.hidden && detail.dataset.id === id;
}

/** The selected revision: its facts, its upgrade()/downgrade(), and the actions. */
export function showDetail(line: ModelRow, d: Extract<ToWebview, { type: 'detail' }>, action: (a: GraphAction) => void, open: () => void): void {
  detail.hidden = false;
  detail.dataset.id = line.id;
  const bar = el('div', 'detail-actions');
  const add = (label: string, icon: string, fn: () => void, enabled = true): void => {
    const b = el('button', 'secondary');
    b.append(el('span', `codicon codicon-${icon}`), document.createTextNode(` ${label}`));
    b.disabled = !enabled;
    b.addEventListener('click', fn);
    bar.append(b);
  };
  if (!line.ghost) {
    add('Open', 'go-to-file', open);
    add('Show SQL', 'file-code', () => action('showSql'));
    add('Upgrade to Here', 'arrow-up', () => action('upgrade'), line.state === 'pending');
    add('Downgrade to Here…', 'arrow-down', () => action('downgrade'), line.state === 'applied' || line.state === 'current');
  }
  const close = el('button', 'icon close');
  close.setAttribute('aria-label', 'Close details');
  close.append(el('span', 'codicon codicon-close'));
  close.addEventListener('click', () => {
    detail.hidden = true;
  });
  const code = (title: string, text: string): HTMLElement[] => [el('h3', '', title), el('pre', 'code', text || '(not found in the file)')];
  detail.replaceChildren(
    close,
    el('h2', '', line.message || line.id),
    factTable(line),
    bar,
    ...(line.ghost ? [] : [...code('upgrade()', d.upgrade), ...code('downgrade()', d.downgrade)]),
  );
}
