// An S3 profile: its buckets (or only the profile's `bucket`, for keys limited to one bucket).
import { ProfileNode } from "./profileNode";
import { S3BucketNode } from "./s3BucketNode";
import type { TreeNode } from "./treeNode";

export class S3ProfileNode extends ProfileNode {
  protected async load(): Promise<TreeNode[]> {
    const configured = (await this.values())["bucket"];
    if (typeof configured === "string" && configured) return [new S3BucketNode(this, this.ctx, this.profile, configured)];
    const client = await this.ctx.connections.client("s3", this.profile);
    const buckets = await client.listBuckets();
    return buckets.map((b) => new S3BucketNode(this, this.ctx, this.profile, b.name, b.createdAt));
  }

  protected emptyText(): string {
    return "No buckets";
  }
}
