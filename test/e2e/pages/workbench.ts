// Page objects of the VS Code workbench (code-server 1.139 in Chromium): the command palette and quick
// picks, notification toasts, the active editor. Selectors as in shared notes real-vscode.md.
import type { Locator, Page } from "playwright-core";
import { setTimeout as sleep } from "node:timers/promises";

/** Polls `probe` every 100 ms until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, lastSeen?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${lastSeen ? `; last seen: ${lastSeen()}` : ""}`);
    await sleep(100);
  }
}

/** The quick input widget: command palette, quick picks, input boxes. */
export class QuickInput {
  readonly widget: Locator;
  readonly input: Locator;

  constructor(readonly page: Page) {
    this.widget = page.locator(".quick-input-widget");
    this.input = this.widget.locator(".quick-input-box input");
  }

  async waitOpen(timeoutMs: number, placeholder?: string): Promise<void> {
    await this.input.waitFor({ state: "visible", timeout: timeoutMs });
    if (placeholder !== undefined) {
      await poll(`a quick input with placeholder “${placeholder}”`, timeoutMs, async () => ((await this.input.getAttribute("placeholder")) === placeholder ? true : undefined), () => "");
    }
  }

  /** The title line (input boxes: e.g. "Filter s3://bucket/"). */
  title(): Promise<string> {
    return this.widget.locator(".quick-input-title").innerText();
  }

  /** aria-labels of the options shown, and which one has the keyboard focus. */
  async options(): Promise<{ labels: string[]; focused: string | undefined }> {
    return this.widget.locator(".quick-input-list [role=option]").evaluateAll((els) => {
      const visible = els.filter((e) => e.offsetParent !== null);
      return {
        labels: visible.map((e) => e.getAttribute("aria-label") ?? ""),
        focused: visible.find((e) => e.classList.contains("focused"))?.getAttribute("aria-label") ?? undefined,
      };
    });
  }

  /**
   * Moves the keyboard focus down the list to the first option whose aria-label `matches`, and accepts
   * it with Enter (never accepting whatever happens to be first).
   */
  async choose(what: string, matches: (ariaLabel: string) => boolean, timeoutMs: number): Promise<{ chosen: string; options: string[] }> {
    let seen: string[] = [];
    await poll(`option ${what} in the quick pick`, timeoutMs, async () => {
      const { labels } = await this.options();
      seen = labels;
      return labels.some(matches) ? true : undefined;
    }, () => seen.join(" | "));
    for (let i = 0; i < 40; i++) {
      const { focused, labels } = await this.options();
      if (focused !== undefined && matches(focused)) {
        await this.page.keyboard.press("Enter");
        return { chosen: focused, options: seen };
      }
      if (!labels.some(matches)) break; // the list changed under us
      await this.page.keyboard.press("ArrowDown");
    }
    throw new Error(`could not move the focus to option ${what}; options: ${(await this.options()).labels.join(" | ")}`);
  }
}

/** aria-label of a palette entry: "<title>" or "<title>, <keybinding / 'similar commands'>". */
export const isCommandOption = (title: string) => (label: string): boolean => label === title || label.startsWith(`${title}, `);

export class Workbench {
  readonly quickInput: QuickInput;

  constructor(readonly page: Page) {
    this.quickInput = new QuickInput(page);
  }

  async open(url: string, timeoutMs: number): Promise<void> {
    await this.page.goto(url, { timeout: timeoutMs });
    await this.page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: timeoutMs });
  }

  activityBarItem(title: string): Locator {
    return this.page.locator(".activitybar").getByRole("tab", { name: title, exact: true });
  }

  /**
   * F1 (again if a startup editor took the focus), the command's exact title, Enter on that very entry.
   * Returns the palette's entries as they were listed (best match first).
   */
  async runCommand(title: string, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press("F1");
      try {
        await this.quickInput.waitOpen(Math.min(5_000, Math.max(1_000, deadline - Date.now())));
        break;
      } catch (err) {
        if (attempt >= 3 || Date.now() > deadline) throw err;
      }
    }
    // The palette opens with ">": type after it.
    await this.page.keyboard.type(title);
    return (await this.quickInput.choose(`“${title}”`, isCommandOption(title), Math.max(1_000, deadline - Date.now()))).options;
  }

  /** Text of the first visible toast whose message matches. */
  async waitForToast(matches: RegExp, timeoutMs: number): Promise<string> {
    const toast = this.page.locator(".notifications-toasts .notification-toast .notification-list-item-message").filter({ hasText: matches }).first();
    await toast.waitFor({ state: "visible", timeout: timeoutMs });
    return (await toast.innerText()).trim();
  }

  /** Messages of the visible error toasts. */
  async errorToasts(): Promise<string[]> {
    return this.page.locator(".notifications-toasts .notification-toast").evaluateAll((els) =>
      els
        .filter((e) => e.offsetParent !== null && e.querySelector(".notification-list-item-icon.codicon-error"))
        .map((e) => e.querySelector(".notification-list-item-message")?.textContent ?? ""),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Editors

  /** The active tab of the active editor group. */
  activeTab(): Locator {
    return this.page.locator(".editor-group-container.active .tabs-container [role=tab].active");
  }

  async activeTabLabel(): Promise<string | undefined> {
    const tab = this.activeTab();
    return (await tab.count()) ? ((await tab.getAttribute("aria-label")) ?? undefined) : undefined;
  }

  async activeTabDirty(): Promise<boolean> {
    return ((await this.activeTab().getAttribute("class")) ?? "").split(/\s+/).includes("dirty");
  }

  /** The text editor of the active group. */
  activeEditor(): Locator {
    return this.page.locator(".editor-group-container.active .editor-container .monaco-editor").first();
  }

  /**
   * The lines the active text editor shows, top to bottom. Monaco reuses line elements, so their DOM
   * order is not the visual order: they are sorted by position.
   */
  async visibleLines(): Promise<string[]> {
    return this.activeEditor()
      .locator(".view-lines")
      .evaluate((root) =>
        [...root.querySelectorAll(":scope > .view-line")]
          .map((e) => ({ top: parseFloat(e.style.top) || 0, text: (e.textContent ?? "").replace(/\u00a0/g, " ") }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text),
      );
  }

  async editorHasFocus(): Promise<boolean> {
    return this.activeEditor().evaluate((e) => e.classList.contains("focused"));
  }

  async suggestWidgetVisible(): Promise<boolean> {
    return this.page.locator(".editor-group-container.active .suggest-widget.visible").isVisible();
  }
}
