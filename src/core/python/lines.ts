// Offset → 0-based line/character (UTF-16 code units, LSP convention). Python and LSP both end a
// line at `\n`, `\r\n` or a lone `\r`. Line starts are found lazily with native `indexOf`, only as
// far as the offsets asked for (a revision file's ranges sit near its top), then binary search.
import type { Position, Range } from '../types';

export class LineIndex {
  private readonly starts: number[] = [0];
  /** Next `\n` / `\r` not yet recorded (-1: none left; -2: not searched yet). */
  private nextLF = -2;
  private nextCR = -2;

  constructor(private readonly text: string) {}

  /** Records every line start at or before `offset`. */
  private extend(offset: number): void {
    const text = this.text;
    const starts = this.starts;
    if (this.nextLF === -2) {
      this.nextLF = text.indexOf('\n');
      this.nextCR = text.indexOf('\r');
    }
    for (;;) {
      const lf = this.nextLF;
      const cr = this.nextCR;
      const b = lf < 0 ? cr : cr < 0 || lf < cr ? lf : cr;
      if (b < 0 || b >= offset) return;
      const end = b === cr && text.charCodeAt(b + 1) === 10 ? b + 2 : b + 1;
      starts.push(end);
      if (lf >= 0 && lf < end) this.nextLF = text.indexOf('\n', end);
      if (cr >= 0 && cr < end) this.nextCR = text.indexOf('\r', end);
    }
  }

  /** 0-based line containing `offset`. */
  lineAt(offset: number): number {
    this.extend(offset);
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
