// A schema: its tables and views, reflected once per expand (with their columns) and kept until a refresh.
import * as vscode from "vscode";
import { quoteIdent } from "../../connectors/postgres/sql";
import { CachedNode } from "./cachedNode";
import { PgRelationNode } from "./pgRelationNode";
import type { TreeContext, TreeNode } from "./treeNode";

export class PgSchemaNode extends CachedNode {
  readonly id: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    readonly schema: string,
  ) {
    super(parent, ctx);
    this.id = `${parent.id}/schema/${encodeURIComponent(schema)}`;
  }

  getTreeItem(): vscode.TreeItem {
    const item = this.collapsed(this.schema);
    item.contextValue = "pg.schema";
    item.iconPath = new vscode.ThemeIcon("symbol-namespace");
    item.tooltip = `Schema ${this.qualifiedName()} (postgres.${this.profile})`;
    return item;
  }

  protected async load(): Promise<TreeNode[]> {
    const client = await this.ctx.connections.client("postgres", this.profile);
    const [reflected] = await client.reflect({ schema: this.schema });
    return (reflected?.relations ?? []).map((relation) => new PgRelationNode(this, this.ctx, this.profile, relation));
  }

  protected emptyText(): string {
    return "No tables or views";
  }

  qualifiedName(): string {
    return quoteIdent(this.schema);
  }
}
