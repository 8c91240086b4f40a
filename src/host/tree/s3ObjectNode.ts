// An object: size as description, key, size, modification time and storage class in the tooltip.
import * as vscode from "vscode";
import type { S3Entry } from "../../connectors/s3/client";
import { childLabel, formatBytes, formatCount, parentPrefix, s3Url } from "./format";
import { TreeNode, type TreeContext } from "./treeNode";
import { s3Uri } from "./uris";

export type S3Object = Extract<S3Entry, { type: "object" }>;

export class S3ObjectNode extends TreeNode {
  readonly id: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    readonly bucket: string,
    readonly entry: S3Object,
    bucketId: string,
  ) {
    super(parent, ctx);
    this.id = `${bucketId}/o/${encodeURIComponent(entry.key)}`;
  }

  get key(): string {
    return this.entry.key;
  }

  getTreeItem(): vscode.TreeItem {
    const e = this.entry;
    const item = new vscode.TreeItem(childLabel(parentPrefix(e.key), e.key), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = "s3.object";
    item.resourceUri = this.uri();
    item.iconPath = vscode.ThemeIcon.File;
    item.description = formatBytes(e.size);
    const lines = [s3Url(this.bucket, e.key), `Size: ${formatBytes(e.size)} (${formatCount(e.size)} bytes)`];
    if (e.lastModified) lines.push(`Modified: ${e.lastModified.toLocaleString()}`);
    if (e.storageClass) lines.push(`Storage class: ${e.storageClass}`);
    if (e.etag) lines.push(`ETag: ${e.etag}`);
    item.tooltip = lines.join("\n");
    // Read on every arrow key: name and size, not the whole tooltip.
    item.accessibilityInformation = { label: `${item.label as string}, object, ${formatBytes(e.size)}` };
    item.command = { command: "autoWorkflow.tree.open", title: "Open", arguments: [this] };
    return item;
  }

  uri(): vscode.Uri {
    return s3Uri(this.profile, this.bucket, this.entry.key);
  }
}
