// What container and directory nodes share: one directory level, paged. ADLS lists directories, not
// name prefixes, so a name filter is applied here, fetching further pages until a page's worth matches.
import type { AdlsPath } from "../../connectors/adls2/store";
import { AdlsDirectoryNode } from "./adlsDirectoryNode";
import { AdlsFileNode } from "./adlsFileNode";
import { collectFiltered, directoryPrefix, filterPrefix, foldersFirst, type Page } from "./format";
import type { NodePage } from "./listingNode";
import type { TreeContext, TreeNode } from "./treeNode";

/** Requests one "page" of a filtered listing may make before handing the rest to "Load more…". */
const FILTER_MAX_REQUESTS = 10;

/** A container root (directory "") or a directory ("a/b", no leading or trailing slash). */
export interface AdlsLocation extends TreeNode {
  readonly profile: string;
  readonly container: string;
  readonly directory: string;
  /** Id of the container node: children ids hang off it, so they do not grow with the depth. */
  readonly containerId: string;
  readonly filter: string | undefined;
}

export async function fetchAdlsPage(node: AdlsLocation, ctx: TreeContext, token: string | undefined): Promise<NodePage> {
  const client = await ctx.connections.client("adls2", node.profile);
  const pageSize = ctx.pageSize();
  const fetch = async (t: string | undefined): Promise<Page<AdlsPath>> => {
    const page = await client.listPage(node.container, node.directory, { recursive: false, pageSize, ...(t ? { continuationToken: t } : {}) });
    return { items: page.paths, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  };
  const filter = node.filter;
  const wanted = filterPrefix(directoryPrefix(node.directory), filter);
  const page = filter
    ? await collectFiltered(fetch, { ...(token ? { token } : {}), match: (p) => p.name.startsWith(wanted), want: pageSize, maxPages: FILTER_MAX_REQUESTS })
    : await fetch(token);
  const items: TreeNode[] = foldersFirst(page.items, (p) => p.isDirectory).map((p) =>
    p.isDirectory ? new AdlsDirectoryNode(node, ctx, node.profile, node.container, p.name, node.containerId) : new AdlsFileNode(node, ctx, node.profile, node.container, p, node.containerId),
  );
  return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
