// A file: size as description; path, size and modification time in the tooltip.
import * as vscode from "vscode";
import type { AdlsPath } from "../../connectors/adls2/store";
import { baseName, formatBytes, formatCount } from "./format";
import { TreeNode, type TreeContext } from "./treeNode";
import { abfssUri } from "./uris";

export class AdlsFileNode extends TreeNode {
  readonly id: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    readonly container: string,
    readonly entry: AdlsPath,
    containerId: string,
  ) {
    super(parent, ctx);
    this.id = `${containerId}/f/${encodeURIComponent(entry.name)}`;
  }

  /** Full path from the container root. */
  get path(): string {
    return this.entry.name;
  }

  getTreeItem(): vscode.TreeItem {
    const e = this.entry;
    const item = new vscode.TreeItem(baseName(e.name), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = "adls.file";
    item.resourceUri = this.uri();
    item.iconPath = vscode.ThemeIcon.File;
    item.description = formatBytes(e.size);
    const lines = [`${this.container}/${e.name}`, `Size: ${formatBytes(e.size)} (${formatCount(e.size)} bytes)`];
    if (e.lastModified) lines.push(`Modified: ${e.lastModified.toLocaleString()}`);
    if (e.etag) lines.push(`ETag: ${e.etag}`);
    item.tooltip = lines.join("\n");
    // Read on every arrow key: name and size, not the whole tooltip.
    item.accessibilityInformation = { label: `${item.label as string}, file, ${formatBytes(e.size)}` };
    item.command = { command: "autoWorkflow.tree.open", title: "Open", arguments: [this] };
    return item;
  }

  uri(): vscode.Uri {
    return abfssUri(this.profile, this.container, this.entry.name);
  }
}
