// What bucket and prefix nodes share: one level of keys below a prefix, paged, filtered by name on the
// server (a function, not a base class: the prefix node is both a listing and a child of one).
import { filterPrefix, foldersFirst } from "./format";
import type { NodePage } from "./listingNode";
import { S3ObjectNode } from "./s3ObjectNode";
import { S3PrefixNode } from "./s3PrefixNode";
import type { TreeContext, TreeNode } from "./treeNode";

/** A bucket root (prefix "") or a prefix ending in "/". */
export interface S3Location extends TreeNode {
  readonly profile: string;
  readonly bucket: string;
  readonly prefix: string;
  /** Id of the bucket node: children ids hang off it, so they do not grow with the depth. */
  readonly bucketId: string;
  readonly filter: string | undefined;
}

export async function fetchS3Page(node: S3Location, ctx: TreeContext, token: string | undefined): Promise<NodePage> {
  const client = await ctx.connections.client("s3", node.profile);
  const page = await client.listPage(node.bucket, filterPrefix(node.prefix, node.filter), {
    recursive: false,
    pageSize: ctx.pageSize(),
    ...(token ? { continuationToken: token } : {}),
  });
  const entries = foldersFirst(page.entries, (e) => e.type === "prefix");
  const items: TreeNode[] = entries.map((e) =>
    e.type === "prefix" ? new S3PrefixNode(node, ctx, node.profile, node.bucket, e.key, node.bucketId) : new S3ObjectNode(node, ctx, node.profile, node.bucket, e, node.bucketId),
  );
  return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
