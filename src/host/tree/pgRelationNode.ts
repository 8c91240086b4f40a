// A table or view: its columns (from the schema's reflection; a refresh re-reflects just this relation).
import * as vscode from "vscode";
import type { ReflectedRelation } from "../../connectors/postgres/reflect";
import { quoteIdent } from "../../connectors/postgres/sql";
import { CachedNode } from "./cachedNode";
import { plural } from "./format";
import { PgColumnNode } from "./pgColumnNode";
import { escapeMarkdown } from "./profileNode";
import type { TreeContext, TreeNode } from "./treeNode";

const KIND_LABEL: Record<ReflectedRelation["kind"], string> = {
  table: "table",
  partitionedTable: "partitioned table",
  foreignTable: "foreign table",
  view: "view",
  materializedView: "materialized view",
};

const KIND_ICON: Record<ReflectedRelation["kind"], string> = {
  table: "table",
  partitionedTable: "table",
  foreignTable: "link-external",
  view: "eye",
  materializedView: "layers",
};

export class PgRelationNode extends CachedNode {
  readonly id: string;
  private stale = false;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly profile: string,
    public relation: ReflectedRelation,
  ) {
    super(parent, ctx);
    this.id = `${parent.id}/rel/${encodeURIComponent(relation.name)}`;
  }

  get schema(): string {
    return this.relation.schema;
  }

  get name(): string {
    return this.relation.name;
  }

  /** Views (plain and materialized) are `pg.view`; tables of every kind are `pg.table`. */
  get isView(): boolean {
    return this.relation.kind === "view" || this.relation.kind === "materializedView";
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.relation;
    const item = this.collapsed(r.name);
    item.contextValue = this.isView ? "pg.view" : "pg.table";
    item.iconPath = new vscode.ThemeIcon(KIND_ICON[r.kind]);
    item.description = plural(r.columns.length, "column");
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMarkdown(this.qualifiedName())}** — ${KIND_LABEL[r.kind]}, ${plural(r.columns.length, "column")}`);
    if (r.comment) tip.appendMarkdown(`\n\n${escapeMarkdown(r.comment)}`);
    item.tooltip = tip;
    return item;
  }

  protected async load(): Promise<TreeNode[]> {
    if (this.stale) {
      const client = await this.ctx.connections.client("postgres", this.profile);
      const [reflected] = await client.reflect({ schema: this.schema, only: [this.name] });
      const fresh = reflected?.relations.find((r) => r.name === this.name);
      if (!fresh) throw new Error(`${this.qualifiedName()} no longer exists (refresh the schema)`);
      const countChanged = fresh.columns.length !== this.relation.columns.length;
      this.relation = fresh;
      this.stale = false;
      // The description (column count) is part of the item, drawn before the children.
      if (countChanged) setTimeout(() => this.ctx.changed(this), 0);
    }
    return this.relation.columns.map((column) => new PgColumnNode(this, this.ctx, column));
  }

  protected emptyText(): string {
    return "No columns";
  }

  override reset(): void {
    super.reset();
    this.stale = true;
  }

  /** `"schema"."table"`. */
  qualifiedName(): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(this.name)}`;
  }
}
