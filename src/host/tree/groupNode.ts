// One group per backend that has profiles: "PostgreSQL", "Amazon S3", "Azure Data Lake Gen2".
import * as vscode from "vscode";
import type { Kind } from "../connections";
import { KIND_LABELS, type ProfileNode } from "./profileNode";
import { TreeNode, type TreeContext } from "./treeNode";

const GROUP_ICONS: Record<Kind, string> = { postgres: "database", s3: "cloud", adls2: "azure" };

export class GroupNode extends TreeNode {
  readonly id: string;
  profiles: ProfileNode[] = [];

  constructor(
    ctx: TreeContext,
    readonly kind: Kind,
  ) {
    super(undefined, ctx);
    this.id = `group/${kind}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(KIND_LABELS[this.kind], vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.contextValue = `group.${this.kind}`;
    item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[this.kind]);
    item.description = `${this.profiles.length}`;
    item.tooltip = `${KIND_LABELS[this.kind]}: ${this.profiles.length} profile${this.profiles.length === 1 ? "" : "s"}`;
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    return Promise.resolve(this.profiles);
  }

  override refreshTarget(): TreeNode | undefined {
    return this;
  }

  override reset(): void {
    for (const profile of this.profiles) profile.reset();
  }
}
