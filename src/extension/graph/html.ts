// The graph webview's page: a strict Content-Security-Policy (scripts only with the nonce, styles,
// fonts and images only from the extension's own files), the toolbar, legend, drawing area,
// minimap and detail panel skeleton. Pure, so the bench loads the very same page.

export interface PageAssets {
  /** The webview's `cspSource`. */
  cspSource: string;
  nonce: string;
  /** URL of a file shipped with the extension (path segments from its root). */
  asset(...path: string[]): string;
}

export function graphHtml(page: PageAssets): string {
  const { cspSource, nonce, asset } = page;
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const tb = (id: string, icon: string, label: string): string => `<button id="${id}" class="icon" title="${label}" aria-label="${label}"><span class="codicon codicon-${icon}"></span></button>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'graph', 'graph.css')}">
<title>Alembic Graph</title>
</head>
<body>
<div class="toolbar" role="toolbar" aria-label="Graph">
  <select id="project" aria-label="Project"></select>
  <span class="sep"></span>
  <input id="search" type="search" placeholder="Search id, message, label (Ctrl+F)" aria-label="Search revisions by id, message or label">
  ${tb('search-prev', 'arrow-up', 'Previous match (Shift+Enter)')}${tb('search-next', 'arrow-down', 'Next match (Enter)')}
  <span id="match-count" aria-live="polite"></span>
  <span class="sep"></span>
  ${tb('zoom-fit', 'screen-full', 'Zoom to fit')}${tb('zoom-out', 'zoom-out', 'Zoom out')}${tb('zoom-in', 'zoom-in', 'Zoom in')}${tb('zoom-reset', 'screen-normal', 'Actual size')}
  ${tb('fold-all', 'fold', 'Fold linear runs')}${tb('unfold-all', 'unfold', 'Unfold all')}
  <span class="sep"></span>
  <button id="merge" class="secondary" disabled><span class="codicon codicon-git-merge"></span> Merge</button>
  ${tb('export', 'export', 'Export as SVG')}
  <span id="summary"></span>
  <span class="legend" aria-label="Legend">
    <span><span class="dot state-current"></span>current</span>
    <span><span class="dot state-applied"></span>applied</span>
    <span><span class="dot state-pending"></span>pending</span>
    <span><span class="dot state-missing"></span>missing from folder</span>
    <span title="Names a parent no file defines: alembic refuses every command until the link is fixed"><span class="dot state-broken"></span>broken link</span>
    <span><span class="ghost-dot"></span>missing parent</span>
    <span><span class="dashed"></span>depends_on</span>
  </span>
</div>
<div id="note" role="status" hidden></div>
<div id="main">
  <div id="scroller" tabindex="0" role="listbox" aria-label="Revisions, newest first">
    <div id="spacer">
      <svg id="edges" xmlns="http://www.w3.org/2000/svg" aria-hidden="true"></svg>
      <div id="rows"></div>
    </div>
  </div>
  <canvas id="overview" tabindex="0" role="img" aria-label="The whole graph at once (zoom to fit); click a place to zoom in there, Escape to go back" hidden></canvas>
  <canvas id="minimap" role="img" aria-label="Overview of the whole graph; click to scroll there"></canvas>
  <div id="detail" role="region" aria-label="Revision details" hidden></div>
</div>
<div id="card" role="tooltip" hidden></div>
<div id="menu" role="menu" hidden></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'graph.js')}"></script>
</body>
</html>`;
}
