// A bucket: the keys at its root.
import * as vscode from "vscode";
import { s3Url } from "./format";
import { ListingNode, type NodePage } from "./listingNode";
import { fetchS3Page, type S3Location } from "./s3Listing";
import type { TreeContext, TreeNode } from "./treeNode";
import { s3Uri } from "./uris";

export class S3BucketNode extends ListingNode implements S3Location {
  readonly id: string;
  readonly prefix = "";

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    readonly bucket: string,
    readonly createdAt?: Date,
  ) {
    super(parent, ctx);
    this.id = `${parent.id}/bucket/${encodeURIComponent(bucket)}`;
  }

  get bucketId(): string {
    return this.id;
  }

  getTreeItem(): vscode.TreeItem {
    const tip = `${this.displayUrl()}${this.createdAt ? `\nCreated ${this.createdAt.toLocaleString()}` : ""}`;
    const item = this.listingItem(this.bucket, "s3.bucket", new vscode.ThemeIcon("archive"), tip);
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
    return s3Url(this.bucket, "");
  }

  uri(): vscode.Uri {
    return s3Uri(this.profile, this.bucket, "");
  }
}
