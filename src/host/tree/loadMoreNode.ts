// "Load more…" at the end of a listing that has more pages: appends the next page in place.
import * as vscode from "vscode";
import { TreeNode, type TreeContext } from "./treeNode";

/** What a "Load more…" node continues. */
export interface Pageable extends TreeNode {
  loadMore(): Promise<void>;
}

export class LoadMoreNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly owner: Pageable,
    ctx: TreeContext,
    private readonly shown: number,
  ) {
    super(owner, ctx);
    this.id = `${owner.id}/#more-${shown}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem("Load more…", vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = "loadMore";
    item.iconPath = new vscode.ThemeIcon("more");
    item.description = `${this.shown.toLocaleString("en-US")} shown`;
    item.tooltip = "Load the next page of this listing (setting autoWorkflow.tree.pageSize)";
    item.command = { command: "autoWorkflow.tree.loadMore", title: "Load More", arguments: [this] };
    return item;
  }

  override refreshTarget(): TreeNode | undefined {
    return this.owner;
  }
}
