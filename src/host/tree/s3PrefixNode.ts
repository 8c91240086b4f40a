// A common prefix ("folder") of a bucket: the keys one level below it.
import * as vscode from "vscode";
import { childLabel, parentPrefix, s3Url } from "./format";
import { ListingNode, type NodePage } from "./listingNode";
import { fetchS3Page, type S3Location } from "./s3Listing";
import type { TreeContext, TreeNode } from "./treeNode";
import { s3Uri } from "./uris";

export class S3PrefixNode extends ListingNode implements S3Location {
  readonly id: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    readonly bucket: string,
    /** Ends in "/". */
    readonly prefix: string,
    readonly bucketId: string,
  ) {
    super(parent, ctx);
    this.id = `${bucketId}/p/${encodeURIComponent(prefix)}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.listingItem(childLabel(parentPrefix(this.prefix), this.prefix), "s3.prefix", vscode.ThemeIcon.Folder, this.displayUrl());
    item.resourceUri = this.uri();
    return item;
  }

  protected fetchPage(token: string | undefined): Promise<NodePage> {
    return fetchS3Page(this, this.ctx, token);
  }

  protected override emptyText(): string {
    return "No objects";
  }

  displayUrl(): string {
    return s3Url(this.bucket, this.prefix);
  }

  uri(): vscode.Uri {
    return s3Uri(this.profile, this.bucket, this.prefix);
  }
}
