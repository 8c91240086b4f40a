// A directory (real with a hierarchical namespace, virtual on flat accounts): the paths one level below.
import * as vscode from "vscode";
import { fetchAdlsPage, type AdlsLocation } from "./adlsListing";
import { baseName } from "./format";
import { ListingNode, type NodePage } from "./listingNode";
import type { TreeContext, TreeNode } from "./treeNode";
import { abfssUri } from "./uris";

export class AdlsDirectoryNode extends ListingNode implements AdlsLocation {
  readonly id: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    readonly container: string,
    /** Full path from the container root, no trailing slash. */
    readonly directory: string,
    readonly containerId: string,
  ) {
    super(parent, ctx);
    this.id = `${containerId}/d/${encodeURIComponent(directory)}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.listingItem(baseName(this.directory), "adls.directory", vscode.ThemeIcon.Folder, this.displayUrl());
    item.resourceUri = this.uri();
    return item;
  }

  protected fetchPage(token: string | undefined): Promise<NodePage> {
    return fetchAdlsPage(this, this.ctx, token);
  }

  protected override emptyText(): string {
    return "Empty directory";
  }

  displayUrl(): string {
    return `${this.container}/${this.directory}/`;
  }

  uri(): vscode.Uri {
    return abfssUri(this.profile, this.container, this.directory);
  }
}
