// Offset → 0-based line/character (UTF-16 code units, LSP convention). Python and LSP both end a
// line at `\n`, `\r\n` or a lone `\r`. Built once per text with native `indexOf`, then binary search.
import type { Position, Range } from '../types';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    const starts = this.starts;
    if (text.indexOf('\r') < 0) {
      let i = text.indexOf('\n');
      while (i >= 0) {
        starts.push(i + 1);
        i = text.indexOf('\n', i + 1);
      }
      return;
    }
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
  }

  /** 0-based line containing `offset`. */
  lineAt(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  position(offset: number): Position {
    const line = this.lineAt(offset);
    return { line, character: offset - this.starts[line] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}
