// What the graph's search matches a revision on, shared by the host (for folded revisions) and the
// webview (for drawn ones). Pure, no imports: it is bundled into the webview too.

/** Id, message, branch labels and file name, lower case. */
export function searchText(id: string, message: string, labels: readonly string[], file: string): string {
  return `${id} ${message} ${labels.join(' ')} ${file}`.toLowerCase();
}
