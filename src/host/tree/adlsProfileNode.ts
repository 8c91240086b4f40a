// An ADLS Gen2 profile: its containers (or only the profile's `container`, for credentials limited to one).
import { AdlsContainerNode } from "./adlsContainerNode";
import { ProfileNode } from "./profileNode";
import type { TreeNode } from "./treeNode";

export class AdlsProfileNode extends ProfileNode {
  protected async load(): Promise<TreeNode[]> {
    const configured = (await this.values())["container"];
    if (typeof configured === "string" && configured) return [new AdlsContainerNode(this, this.ctx, this.profile, configured)];
    const client = await this.ctx.connections.client("adls2", this.profile);
    const containers = await client.listContainers();
    return containers.map((c) => new AdlsContainerNode(this, this.ctx, this.profile, c.name, c.lastModified));
  }

  protected emptyText(): string {
    return "No containers";
  }
}
