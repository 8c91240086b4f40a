// A node whose children come from one backend call, made on first expand and kept until a refresh.
import * as vscode from "vscode";
import { MessageNode } from "./messageNode";
import { Generation, TreeNode } from "./treeNode";

export abstract class CachedNode extends TreeNode {
  private cache: Promise<TreeNode[]> | undefined;
  private readonly generation = new Generation();

  /** The children; may throw (the failure becomes a message node with a retry). */
  protected abstract load(): Promise<TreeNode[]>;

  /** Shown when there are no children. */
  protected abstract emptyText(): string;

  override getChildren(): Promise<TreeNode[]> {
    if (!this.cache) {
      const generation = this.generation.next();
      const loading = this.load().then(
        (children) => (children.length ? children : [new MessageNode(this, this.ctx, this.emptyText(), { severity: "info" })]),
        (error: unknown) => [MessageNode.error(this, this.ctx, error)],
      );
      this.cache = loading;
      // A refresh during the load starts over; whoever awaited the old load gets the new children.
      return loading.then((children) => (this.generation.current(generation) ? children : this.getChildren()));
    }
    return this.cache;
  }

  override refreshTarget(): TreeNode | undefined {
    return this;
  }

  override reset(): void {
    this.generation.next();
    this.cache = undefined;
  }

  /** Collapsed until expanded; children load lazily. */
  protected collapsed(label: string | vscode.TreeItemLabel): vscode.TreeItem {
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    return item;
  }
}
