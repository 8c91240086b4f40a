// A one-line message in place of children: an error (with a retry), or "nothing here".
import * as vscode from "vscode";
import { errorMessage, firstLine } from "./format";
import { TreeNode, type TreeContext } from "./treeNode";

export interface MessageOptions {
  /** Click runs this (a retry); the default for errors is refreshing `retry`. */
  command?: vscode.Command;
  /** The node a click reloads (autoWorkflow.tree.refresh). */
  retry?: TreeNode;
  severity?: "error" | "info";
  tooltip?: string;
  /** Distinguishes several messages under one parent. */
  slot?: string;
}

export class MessageNode extends TreeNode {
  readonly id: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly text: string,
    private readonly options: MessageOptions = {},
  ) {
    super(parent, ctx);
    this.id = `${parent.id}/#message${options.slot ? `-${options.slot}` : ""}`;
  }

  /** A failure while expanding `parent`: the classified message (and hint), click to retry. */
  static error(parent: TreeNode, ctx: TreeContext, error: unknown, options: Omit<MessageOptions, "severity"> = {}): MessageNode {
    const text = errorMessage(error);
    return new MessageNode(parent, ctx, text, { retry: parent, ...options, severity: "error", tooltip: options.tooltip ?? text });
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(firstLine(this.text), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = "message";
    const error = this.options.severity === "error";
    item.iconPath = error ? new vscode.ThemeIcon("error", new vscode.ThemeColor("errorForeground")) : new vscode.ThemeIcon("info");
    const command = this.options.command ?? (this.options.retry ? { command: "autoWorkflow.tree.refresh", title: "Retry", arguments: [this.options.retry] } : undefined);
    if (command) {
      item.command = command;
      item.description = "click to retry";
    }
    const tooltip = this.options.tooltip ?? this.text;
    item.tooltip = command ? `${tooltip}\n\nClick to retry.` : tooltip;
    return item;
  }

  override refreshTarget(): TreeNode | undefined {
    return this.options.retry ?? this.parent?.refreshTarget();
  }
}
