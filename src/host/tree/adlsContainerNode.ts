// A container (file system): the paths at its root.
import * as vscode from "vscode";
import { fetchAdlsPage, type AdlsLocation } from "./adlsListing";
import { ListingNode, type NodePage } from "./listingNode";
import type { TreeContext, TreeNode } from "./treeNode";
import { abfssUri } from "./uris";

export class AdlsContainerNode extends ListingNode implements AdlsLocation {
  readonly id: string;
  readonly directory = "";

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    readonly container: string,
    readonly lastModified?: Date,
  ) {
    super(parent, ctx);
    this.id = `${parent.id}/container/${encodeURIComponent(container)}`;
  }

  get containerId(): string {
    return this.id;
  }

  getTreeItem(): vscode.TreeItem {
    const tip = `Container ${this.container} (adls2.${this.profile})${this.lastModified ? `\nModified ${this.lastModified.toLocaleString()}` : ""}`;
    const item = this.listingItem(this.container, "adls.container", new vscode.ThemeIcon("package"), tip);
    item.resourceUri = this.uri();
    return item;
  }

  protected fetchPage(token: string | undefined): Promise<NodePage> {
    return fetchAdlsPage(this, this.ctx, token);
  }

  protected override emptyText(): string {
    return "No files";
  }

  displayUrl(): string {
    return `${this.container}/`;
  }

  uri(): vscode.Uri {
    return abfssUri(this.profile, this.container, "");
  }
}
