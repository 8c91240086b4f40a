// Page object of the extension's "Connectors" view (a VS Code tree view). Nodes are addressed by their
// path of labels from the top, e.g. ["Amazon S3", "sandbox", "sandbox-data", "curated"]. Moving around
// is done with the keyboard as a user would: arrow keys to the node, Right to expand, Enter to open,
// Shift+F10 for the context menu.
import type { Locator, Page } from "playwright-core";
import { poll, type Workbench } from "./workbench";

export interface Row {
  /** Position in the flattened tree (data-index). */
  index: number;
  label: string;
  description: string;
  level: number;
  /** undefined: a leaf. */
  expanded: boolean | undefined;
  focused: boolean;
  ariaLabel: string;
}

export type NodePath = readonly string[];

const show = (path: NodePath): string => path.join(" › ");

/** The row at `path` in `rows` (sorted by index), or undefined. */
export function findRow(rows: readonly Row[], path: NodePath): Row | undefined {
  let from = 0;
  let found: Row | undefined;
  for (const [depth, label] of path.entries()) {
    const level = depth + 1;
    found = undefined;
    for (const row of rows) {
      if (row.index < from) continue;
      // Past the parent's subtree.
      if (depth > 0 && row.level < level) break;
      if (row.level === level && row.label === label) {
        found = row;
        break;
      }
    }
    if (!found) return undefined;
    from = found.index + 1;
  }
  return found;
}

/** The direct children of the row at `path` (those rendered). */
export function childrenOf(rows: readonly Row[], path: NodePath): Row[] | undefined {
  const parent = findRow(rows, path);
  if (!parent) return undefined;
  const out: Row[] = [];
  for (const row of rows) {
    if (row.index <= parent.index) continue;
    if (row.level <= parent.level) break;
    if (row.level === parent.level + 1) out.push(row);
  }
  return out;
}

export class ConnectorsView {
  readonly tree: Locator;

  constructor(
    readonly page: Page,
    readonly workbench: Workbench,
  ) {
    this.tree = page.getByRole("tree", { name: "Connectors", exact: true });
  }

  /** Opens the view with its activity bar item (as a user would, with the mouse). */
  async openFromActivityBar(timeoutMs: number): Promise<void> {
    const item = this.workbench.activityBarItem("Connectors");
    await item.waitFor({ state: "visible", timeout: timeoutMs });
    await item.click({ timeout: timeoutMs });
    // Then the mouse leaves the activity bar (its hover would cover the tree).
    const size = this.page.viewportSize();
    if (size) await this.page.mouse.move(size.width / 2, size.height / 2);
    await this.tree.waitFor({ state: "visible", timeout: timeoutMs });
  }

  /** The rendered rows, in tree order. */
  async rows(): Promise<Row[]> {
    const raw = await this.tree.locator(".monaco-list-row[role=treeitem]").evaluateAll((els) =>
      els.map((e) => ({
        index: Number(e.getAttribute("data-index")),
        label: e.querySelector(".label-name")?.textContent ?? "",
        description: e.querySelector(".label-description")?.textContent ?? "",
        level: Number(e.getAttribute("aria-level")),
        expanded: e.getAttribute("aria-expanded"),
        focused: e.classList.contains("focused"),
        ariaLabel: e.getAttribute("aria-label") ?? "",
      })),
    );
    return raw
      .map((r) => ({ ...r, expanded: r.expanded === null ? undefined : r.expanded === "true" }))
      .sort((a, b) => a.index - b.index);
  }

  /** A compact picture of the rendered tree, for error messages. */
  static outline(rows: readonly Row[]): string {
    return rows.map((r) => `${"  ".repeat(r.level - 1)}${r.expanded === undefined ? "·" : r.expanded ? "▾" : "▸"} ${r.label}${r.description ? ` (${r.description})` : ""}${r.focused ? "  ◀ focus" : ""}`).join("\n");
  }

  private lastOutline = "";

  private async snapshot(): Promise<Row[]> {
    const rows = await this.rows();
    this.lastOutline = ConnectorsView.outline(rows);
    return rows;
  }

  private seen = (): string => `the tree:\n${this.lastOutline}`;

  async waitForRow(path: NodePath, timeoutMs: number): Promise<Row> {
    return poll(`${show(path)} in the Connectors view`, timeoutMs, async () => findRow(await this.snapshot(), path), this.seen);
  }

  /**
   * Waits until the children of `path` are loaded and satisfy `check` (given their labels), and returns
   * them. A node that is still loading has no children rows yet.
   */
  async waitForChildren(path: NodePath, what: string, check: (labels: string[], rows: Row[]) => boolean, timeoutMs: number): Promise<Row[]> {
    return poll(`${what} under ${show(path)}`, timeoutMs, async () => {
      const kids = childrenOf(await this.snapshot(), path);
      return kids && kids.length > 0 && check(kids.map((k) => k.label), kids) ? kids : undefined;
    }, this.seen);
  }

  /** Whether the keyboard focus is inside the tree. */
  private async hasFocus(): Promise<boolean> {
    return this.tree.evaluate((tree) => tree.matches(":focus-within"));
  }

  /** Moves the tree's keyboard focus to `path` with the arrow keys (the tree gets the focus first). */
  async focus(path: NodePath, timeoutMs: number): Promise<Row> {
    await this.waitForRow(path, timeoutMs);
    if (!(await this.hasFocus())) await this.tree.focus();
    const deadline = Date.now() + timeoutMs;
    for (let presses = 0; presses < 200 && Date.now() < deadline; presses++) {
      const rows = await this.snapshot();
      const target = findRow(rows, path);
      if (!target) throw new Error(`${show(path)} disappeared from the Connectors view; ${this.seen()}`);
      const focused = rows.find((r) => r.focused);
      if (focused?.index === target.index) return target;
      await this.page.keyboard.press(!focused ? "Home" : focused.index < target.index ? "ArrowDown" : "ArrowUp");
    }
    throw new Error(`could not move the keyboard focus to ${show(path)}; ${this.seen()}`);
  }

  /** Focus + Right arrow; waits until the node shows as expanded. */
  async expand(path: NodePath, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // The workbench may take the focus away right after a key press (a preview or a toast opening): a
    // press that did not expand the node is repeated, with the focus moved back first.
    for (;;) {
      const row = await this.focus(path, Math.max(1_000, deadline - Date.now()));
      if (row.expanded === undefined) throw new Error(`${show(path)} cannot be expanded (a leaf)`);
      if (row.expanded) return;
      await this.page.keyboard.press("ArrowRight");
      const left = deadline - Date.now();
      try {
        await poll(`${show(path)} to expand`, Math.min(3_000, Math.max(500, left)), async () => (findRow(await this.snapshot(), path)?.expanded ? true : undefined), this.seen);
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
      }
    }
  }

  /** Focus + Enter (runs the node's command: opens an object). */
  async activate(path: NodePath, timeoutMs: number): Promise<void> {
    await this.focus(path, timeoutMs);
    await this.page.keyboard.press("Enter");
  }

  /** Items of the open context menu. */
  async menuItems(): Promise<{ labels: string[]; focused: string | undefined }> {
    // No helper functions inside page functions: tsx (esbuild keepNames) would wrap them in a __name()
    // that does not exist in the page.
    const items = await this.page.locator(".context-view .monaco-menu").evaluate((menu) =>
      [...menu.querySelectorAll(".action-item")]
        .filter((e) => !e.classList.contains("disabled") && e.querySelector(".action-label"))
        .map((e) => ({ text: String(e.querySelector(".action-label")?.textContent ?? "").trim(), focused: Boolean(e.classList.contains("focused")) })),
    );
    return { labels: items.map((i) => i.text).filter(Boolean), focused: items.find((i) => i.focused)?.text };
  }

  /** Opens the context menu of `path` with Shift+F10, moves down to `item` with the arrow keys, Enter. */
  async contextMenu(path: NodePath, item: string, timeoutMs: number): Promise<void> {
    await this.focus(path, timeoutMs);
    await this.page.keyboard.press("Shift+F10");
    const menu = this.page.locator(".context-view .monaco-menu");
    await menu.waitFor({ state: "visible", timeout: timeoutMs });
    const { labels } = await this.menuItems();
    if (!labels.includes(item)) throw new Error(`the context menu of ${show(path)} has no “${item}”: ${labels.join(" | ")}`);
    for (let i = 0; i <= labels.length + 1; i++) {
      await this.page.keyboard.press("ArrowDown");
      if ((await this.menuItems()).focused === item) {
        await this.page.keyboard.press("Enter");
        await menu.waitFor({ state: "hidden", timeout: timeoutMs });
        return;
      }
    }
    throw new Error(`could not move the focus to “${item}” in the context menu of ${show(path)}`);
  }
}
