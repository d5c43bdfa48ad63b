// Drives the real VS Code workbench (code-server in headless Debian Chromium) the way a person
// does: clicks, keys, hovering rows. Every step can save a PNG screenshot.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Payload, RunningCodeServer } from '../../scripts/code-server';

export const CHROMIUM = process.env.ALEMBIC_CHROMIUM ?? '/usr/bin/chromium';
/** Bound on the workbench coming up after page.goto. */
export const WORKBENCH_TIMEOUT_MS = 90_000;

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set ALEMBIC_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Polls `probe` until it returns something other than undefined; fails naming `what` and the last value seen. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, describe?: () => Promise<string> | string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
      lastError = '';
    } catch (e) {
      lastError = e instanceof Error ? e.message.split('\n')[0] : String(e);
    }
    if (Date.now() > deadline) {
      let seen = '';
      if (describe) {
        try {
          seen = await describe();
        } catch (e) {
          seen = `(could not describe: ${e instanceof Error ? e.message : String(e)})`;
        }
      }
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${seen ? `; last seen: ${seen}` : ''}${lastError ? `; last error: ${lastError}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

export class Workbench {
  private step = 0;
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    readonly shotsDir: string,
  ) {}

  /** Opens `folder` in a fresh browser context; resolves when `.monaco-workbench` is visible. */
  static async open(browser: Browser, server: RunningCodeServer, folder: string, shotsDir: string, payload?: Payload): Promise<Workbench> {
    fs.mkdirSync(shotsDir, { recursive: true });
    const context = await browser.newContext({ viewport: { width: 1400, height: 850 } });
    const page = await context.newPage();
    const wb = new Workbench(page, context, shotsDir);
    page.on('console', (m) => {
      if (m.type() === 'error') {
        wb.consoleErrors.push(m.text());
        if (wb.consoleErrors.length > 50) wb.consoleErrors.shift();
      }
    });
    page.setDefaultTimeout(15_000);
    try {
      await page.goto(server.workbenchUrl(folder, payload), { waitUntil: 'domcontentloaded', timeout: WORKBENCH_TIMEOUT_MS });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
      // The status bar is rendered once the workbench has restored its parts.
      await page.locator('[id="workbench.parts.statusbar"]').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
    } catch (e) {
      await wb.shot('workbench-did-not-come-up').catch(() => undefined);
      await context.close().catch(() => undefined);
      throw new Error(
        `the VS Code workbench did not come up within ${WORKBENCH_TIMEOUT_MS / 1000} s: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n` +
          `code-server log (${server.logFile}):\n${server.logTail(15)}`,
      );
    }
    await wb.widenSidebar(520).catch(() => undefined);
    return wb;
  }

  /** Drags the sash right of the primary sidebar so tree rows show their whole description. */
  async widenSidebar(width: number): Promise<void> {
    const box = await this.page.locator('[id="workbench.parts.sidebar"]').boundingBox();
    if (!box || box.width >= width) return;
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Saves a screenshot both as the next step and as test-results/vscode/readme/<name>.png. */
  async readmeShot(name: string): Promise<string> {
    await this.page.mouse.move(1000, 780); // no hover tooltip in the picture
    await new Promise((r) => setTimeout(r, 300));
    const file = await this.shot(name);
    const dir = path.join(path.dirname(this.shotsDir), 'readme');
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(file, path.join(dir, `${slug(name)}.png`));
    return file;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }

  /** Saves `NN-<name>.png` in the scenario's folder and returns its path. */
  async shot(name: string): Promise<string> {
    this.step++;
    const file = path.join(this.shotsDir, `${String(this.step).padStart(2, '0')}-${slug(name)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Dismisses whatever popup/quick input is open. */
  async escape(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  /** F1, types the command title, waits for the exact entry and presses Enter. */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget');
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await this.page.keyboard.type(title, { delay: 10 });
    const row = input.locator('.quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) }).first();
    await until(`the command palette to offer "${title}"`, 15_000, async () => ((await row.count()) > 0 ? true : undefined), () => this.quickPickRows().then((r) => r.join(' | ')));
    // Enter runs the focused (first) entry: make sure it is ours.
    await row.click();
  }

  /** Labels of the rows the quick input shows. */
  async quickPickRows(): Promise<string[]> {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.getAttribute('aria-label') ?? r.textContent ?? '').trim()));
  }

  /** The quick input, once visible. */
  async quickInput(): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget');
    await input.waitFor({ state: 'visible' });
    return input;
  }

  /**
   * Waits for an input box (showInputBox) to replace the command palette: the quick input is
   * visible, lists no entries, its text field is empty and focused. Typing earlier loses keys.
   */
  async inputBox(): Promise<Locator> {
    const widget = this.page.locator('.quick-input-widget');
    await until('an empty, focused input box', 15_000, async () => {
      if (!(await widget.isVisible())) return undefined;
      const input = widget.locator('.quick-input-box input').first();
      const rows = await widget.locator('.quick-input-list .monaco-list-row').count();
      const ready = rows === 0 && (await input.inputValue()) === '' && (await input.evaluate((e) => e.matches(':focus')));
      return ready ? true : undefined;
    });
    return widget;
  }

  /** Clicks the activity-bar entry of a view container (by its title). */
  async openContainer(title: string): Promise<void> {
    const item = this.page.locator(`.activitybar [aria-label^="${title}"]`).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click();
  }

  /** The sidebar pane of a view (by its name), e.g. "Revisions". */
  viewPane(name: string): Locator {
    return this.page.locator('[id="workbench.parts.sidebar"] .pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRe(name)}`, 'i') }) }).first();
  }

  /**
   * Tree rows of a view: label text, description text, and `message`: the label without the
   * " · <short id>" a revision row's label ends with (the id is in the label so the tree's own
   * find matches it).
   */
  async treeRows(pane: Locator): Promise<TreeRow[]> {
    const rows = await pane.locator('.monaco-list-row').evaluateAll((els) =>
      els.map((r) => ({
        label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        text: (r.textContent ?? '').trim(),
      })),
    );
    return rows.map((r) => ({ ...r, message: messageOfLabel(r.label) }));
  }

  /** The tree row whose label is exactly `label`, or `label` followed by a revision's " · <short id>". */
  treeRow(pane: Locator, label: string): Locator {
    return pane.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}( · \\S+)?\\s*$`) }) }).first();
  }

  /** Hovers a tree row and clicks its inline action button (by the command title). */
  async clickInlineAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    const button = row.locator(`.actions .action-label[aria-label="${title}"], .actions .action-label[title="${title}"]`).first();
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await button.click();
  }

  /** The modal dialog box, once visible. */
  async modal(): Promise<Locator> {
    const box = this.page.locator('.monaco-dialog-box');
    await box.waitFor({ state: 'visible', timeout: 20_000 });
    return box;
  }

  /** Clicks the dialog button whose text is exactly `text`. */
  async clickModalButton(box: Locator, text: string): Promise<void> {
    const button = box.locator('.dialog-buttons .monaco-button', { hasText: new RegExp(`^\\s*${escapeRe(text)}\\s*$`) }).first();
    await button.click();
    await box.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Opens the Problems panel (Ctrl+Shift+M) and returns its container. */
  async openProblems(): Promise<Locator> {
    await this.page.keyboard.press('Control+Shift+M');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
    return panel;
  }

  /** Rows of the Problems panel's tree: their text (message, `source(code)`, position, file names). */
  async problemRows(panel: Locator): Promise<string[]> {
    return panel.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').trim()));
  }

  /** Quick Open (Ctrl+P) a file by name. */
  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = await this.quickInput();
    await this.page.keyboard.type(name, { delay: 10 });
    const row = input.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** Clicks `button` on the notification whose text includes `containing` (opens the centre); returns its text. */
  async clickNotificationButton(containing: string, button: string, timeoutMs = 30_000): Promise<string> {
    const centre = this.page.locator('.notifications-center');
    const item = centre.locator('.notification-list-item', { hasText: containing }).first();
    await until(`a notification saying "${containing}"`, timeoutMs, async () => {
      if (!(await centre.isVisible())) await this.page.locator('[id="status.notifications"]').first().click().catch(() => undefined);
      return (await item.count()) > 0 ? true : undefined;
    }, () => this.notificationsText());
    const text = ((await item.textContent()) ?? '').trim();
    // Opening the centre leaves the pointer on the status bar, whose hover can cover the buttons.
    await this.page.mouse.move(0, 0);
    await item.locator('.monaco-button', { hasText: button }).first().dispatchEvent('click');
    return text;
  }

  /** The text of the notification centre (toasts often do not show: read the centre). */
  async notificationsText(): Promise<string> {
    const centre = this.page.locator('.notifications-center');
    if (!(await centre.isVisible())) {
      await this.page.locator('[id="status.notifications"]').first().click().catch(() => undefined);
    }
    const text = (await centre.textContent().catch(() => '')) ?? '';
    return text.trim();
  }
}

export interface TreeRow {
  label: string;
  description: string;
  text: string;
  message: string;
}

/** A revision row's label is "<message> · <short id>": the message part (other labels unchanged). */
export function messageOfLabel(label: string): string {
  return label.replace(/ · \S+$/, '');
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
