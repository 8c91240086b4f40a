// A paged, filterable listing (bucket, prefix, container, directory): the first page on expand,
// "Load more…" appends the next one in place, a name filter narrows what is listed.
import * as vscode from "vscode";
import { appendPage } from "./format";
import { LoadMoreNode, type Pageable } from "./loadMoreNode";
import { MessageNode } from "./messageNode";
import { Generation, TreeNode } from "./treeNode";

export interface NodePage {
  items: TreeNode[];
  nextToken?: string;
}

interface Shown {
  items: TreeNode[];
  nextToken?: string;
}

export abstract class ListingNode extends TreeNode implements Pageable {
  private shown: Shown | undefined;
  private failure: { error: unknown } | undefined;
  private moreFailure: { error: unknown } | undefined;
  private first: Promise<void> | undefined;
  private more: Promise<void> | undefined;
  private readonly generation = new Generation();
  private current = this.generation.next();

  /** One page of children, starting at `token` (undefined: the first page), honouring `this.filter`. */
  protected abstract fetchPage(token: string | undefined): Promise<NodePage>;

  /** A URL people recognise (s3://bucket/prefix/), for messages. */
  abstract displayUrl(): string;

  /** The name filter of this node (names start with it), if any. */
  get filter(): string | undefined {
    return this.ctx.getFilter(this.id);
  }

  override getChildren(): Promise<TreeNode[]> {
    const generation = this.current;
    this.first ??= this.fetchFirst(generation);
    return this.first.then(() => (this.generation.current(generation) ? this.render() : this.getChildren()));
  }

  private async fetchFirst(generation: number): Promise<void> {
    try {
      const page = await this.fetchPage(undefined);
      if (!this.generation.current(generation)) return;
      this.shown = { items: appendPage([], page.items, (n) => n.id), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    } catch (error) {
      if (this.generation.current(generation)) this.failure = { error };
    }
  }

  /** Appends the next page (no-op when there is none or one is already coming), then redraws this node. */
  async loadMore(): Promise<void> {
    const token = this.shown?.nextToken;
    if (!token) return;
    if (!this.more) {
      const generation = this.current;
      this.more = (async () => {
        try {
          const page = await this.fetchPage(token);
          if (!this.generation.current(generation) || !this.shown) return;
          this.shown = { items: appendPage(this.shown.items, page.items, (n) => n.id), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
          this.moreFailure = undefined;
        } catch (error) {
          if (this.generation.current(generation)) this.moreFailure = { error };
        } finally {
          if (this.generation.current(generation)) this.more = undefined;
        }
      })();
    }
    await this.more;
    this.ctx.changed(this);
  }

  private render(): TreeNode[] {
    if (this.failure) return [MessageNode.error(this, this.ctx, this.failure.error)];
    const shown = this.shown ?? { items: [] };
    const out = [...shown.items];
    if (out.length === 0 && !shown.nextToken) {
      const filter = this.filter;
      out.push(
        filter
          ? new MessageNode(this, this.ctx, `Nothing here starts with “${filter}”`, {
              severity: "info",
              tooltip: `No entry of ${this.displayUrl()} starts with “${filter}”. Click to clear the filter.`,
              command: { command: "autoWorkflow.tree.clearFilter", title: "Clear Filter", arguments: [this] },
            })
          : new MessageNode(this, this.ctx, this.emptyText(), { severity: "info" }),
      );
    }
    if (shown.nextToken) {
      const more = new LoadMoreNode(this, this.ctx, shown.items.length);
      if (this.moreFailure) {
        out.push(MessageNode.error(this, this.ctx, this.moreFailure.error, { slot: "more", command: { command: "autoWorkflow.tree.loadMore", title: "Retry", arguments: [more] } }));
      } else {
        out.push(more);
      }
    }
    return out;
  }

  protected emptyText(): string {
    return "Empty";
  }

  /** The children shown so far (for tests and for commands acting on a listing). */
  shownChildren(): readonly TreeNode[] {
    return this.shown?.items ?? [];
  }

  hasMore(): boolean {
    return this.shown?.nextToken !== undefined;
  }

  override refreshTarget(): TreeNode | undefined {
    return this;
  }

  override reset(): void {
    this.current = this.generation.next();
    this.shown = undefined;
    this.failure = undefined;
    this.moreFailure = undefined;
    this.first = undefined;
    this.more = undefined;
  }

  /** The item of a listing: collapsed, its filter as description. */
  protected listingItem(label: string, contextValue: string, icon: vscode.ThemeIcon, tooltip: string | vscode.MarkdownString): vscode.TreeItem {
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = contextValue;
    item.iconPath = icon;
    const filter = this.filter;
    if (filter) item.description = `filter: ${filter}`;
    item.tooltip = tooltip;
    // What a screen reader says on every arrow key: the name, the kind and the filter — not the tooltip.
    const kind = contextValue.split(".")[1] ?? "folder";
    item.accessibilityInformation = { label: `${label}, ${kind}${filter ? `, filtered by ${filter}` : ""}` };
    return item;
  }
}
