// When a window state change reads the database: only when the window regains focus (it was not
// focused, now it is), at most once per gap. The window state also changes when the user goes
// idle or comes back (`active`): not a moment the database can have changed.

/** Focus comes and goes often: at most one read per this many ms for it. */
export const FOCUS_GAP_MS = 3_000;

export class FocusGate {
  private lastRead = Number.NEGATIVE_INFINITY;

  constructor(
    private focused: boolean,
    private readonly gapMs = FOCUS_GAP_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call with every window state; true when this one should read the database. */
  shouldRead(state: { readonly focused: boolean }): boolean {
    const regained = state.focused && !this.focused;
    this.focused = state.focused;
    if (!regained || this.now() - this.lastRead < this.gapMs) return false;
    this.lastRead = this.now();
    return true;
  }
}
