// A column: type, "not null" and "PK" as description; default and comment in the tooltip.
import * as vscode from "vscode";
import type { ReflectedColumn } from "../../connectors/postgres/reflect";
import { quoteIdent } from "../../connectors/postgres/sql";
import { columnDescription } from "./format";
import type { PgRelationNode } from "./pgRelationNode";
import { escapeMarkdown } from "./profileNode";
import { TreeNode, type TreeContext } from "./treeNode";

export class PgColumnNode extends TreeNode {
  readonly id: string;

  constructor(
    readonly relation: PgRelationNode,
    ctx: TreeContext,
    readonly column: ReflectedColumn,
  ) {
    super(relation, ctx);
    this.id = `${relation.id}/col/${encodeURIComponent(column.name)}`;
  }

  getTreeItem(): vscode.TreeItem {
    const c = this.column;
    const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = "pg.column";
    item.iconPath = new vscode.ThemeIcon(c.primaryKey ? "key" : "symbol-field");
    item.description = columnDescription(c);
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${escapeMarkdown(c.name)}** \`${c.type.replace(/`/g, "'")}\`\n\n`);
    tip.appendMarkdown(`${c.nullable ? "nullable" : "not null"}${c.primaryKey ? " · primary key" : ""} · position ${c.position}  \n`);
    if (c.default !== null) tip.appendMarkdown(`default: \`${c.default.replace(/`/g, "'")}\`  \n`);
    if (c.comment) tip.appendMarkdown(`\n${escapeMarkdown(c.comment)}`);
    item.tooltip = tip;
    return item;
  }

  /** `"schema"."table"."column"`. */
  qualifiedName(): string {
    return `${this.relation.qualifiedName()}.${quoteIdent(this.column.name)}`;
  }
}
