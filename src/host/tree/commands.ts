// The autoWorkflow.tree.* commands. Each takes the node it was invoked on first and, from context menus
// with several items selected, the selection second; without a node it uses the view's selection.
import * as vscode from "vscode";
import { showError } from "../transfers";
import { AdlsDirectoryNode } from "./adlsDirectoryNode";
import { AdlsFileNode } from "./adlsFileNode";
import { ListingNode } from "./listingNode";
import { LoadMoreNode } from "./loadMoreNode";
import { PgColumnNode } from "./pgColumnNode";
import { PgRelationNode } from "./pgRelationNode";
import { PgSchemaNode } from "./pgSchemaNode";
import type { PostgresActions } from "./postgresActions";
import type { ConnectorsTreeProvider } from "./provider";
import { S3ObjectNode } from "./s3ObjectNode";
import { isLocation, isStorage, type StorageActions } from "./storageActions";
import { TreeNode } from "./treeNode";

export interface CommandDeps {
  provider: ConnectorsTreeProvider;
  view: vscode.TreeView<TreeNode> | undefined;
  storage: StorageActions;
  postgres: PostgresActions;
}

/** The nodes a command acts on: the selection when the clicked node is part of it, else the node alone. */
export function targetsOf(node: TreeNode | undefined, selection: readonly TreeNode[] | undefined, view: vscode.TreeView<TreeNode> | undefined): TreeNode[] {
  if (node && Array.isArray(selection) && selection.includes(node)) return [...selection];
  if (node) return [node];
  return [...(view?.selection ?? [])];
}

export function registerTreeCommands(deps: CommandDeps): vscode.Disposable {
  const { provider, view, storage, postgres } = deps;
  const ctx = provider.context;
  const log = provider.connections.log;

  /** Registers `autoWorkflow.tree.<name>`; a failure is shown with "Show Log", never left unhandled. */
  const command = (name: string, run: (targets: TreeNode[], node: TreeNode | undefined) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(`autoWorkflow.tree.${name}`, async (node?: TreeNode, selection?: TreeNode[]) => {
      try {
        await run(targetsOf(node instanceof TreeNode ? node : undefined, selection, view), node);
      } catch (error) {
        showError(`${name} failed`, error, log);
      }
    });

  const first = <T extends TreeNode>(targets: TreeNode[], guard: (n: TreeNode) => n is T): T | undefined => targets.find(guard);
  const isRelation = (n: TreeNode): n is PgRelationNode => n instanceof PgRelationNode;
  const isFile = (n: TreeNode): n is S3ObjectNode | AdlsFileNode => n instanceof S3ObjectNode || n instanceof AdlsFileNode;

  const filter = async (node: ListingNode, value: string | undefined): Promise<void> => {
    ctx.setFilter(node.id, value || undefined);
    provider.refresh(node);
    if (value && view) await Promise.resolve(view.reveal(node, { expand: true, select: false, focus: false })).catch(() => undefined);
  };

  return vscode.Disposable.from(
    command("refresh", (targets, node) => {
      if (!node) provider.refresh();
      else for (const t of targets) provider.refresh(t);
    }),
    command("filter", async (targets) => {
      const node = first(targets, (n): n is ListingNode => n instanceof ListingNode);
      if (!node) return;
      const value = await vscode.window.showInputBox({
        title: `Filter ${node.displayUrl()}`,
        prompt: "Show only entries whose names start with this text (empty: show all)",
        value: node.filter ?? "",
        placeHolder: "e.g. 2024-",
      });
      if (value === undefined) return;
      await filter(node, value);
    }),
    command("clearFilter", async (targets) => {
      for (const node of targets) if (node instanceof ListingNode) await filter(node, undefined);
    }),
    command("loadMore", async (targets) => {
      const node = first(targets, (n): n is LoadMoreNode => n instanceof LoadMoreNode);
      if (node) await node.owner.loadMore();
    }),
    command("open", async (targets) => {
      for (const node of targets.filter(isFile)) await storage.open(node);
    }),
    command("download", (targets) => storage.download(targets.filter(isStorage))),
    command("uploadFiles", async (targets) => {
      const location = targets.find(isLocation);
      if (location) await storage.pickAndUpload(location, false);
    }),
    command("uploadFolder", async (targets) => {
      const location = targets.find(isLocation);
      if (location) await storage.pickAndUpload(location, true);
    }),
    command("newFolder", async (targets) => {
      const location = targets.find(isLocation);
      if (location) await storage.newFolder(location);
    }),
    command("rename", async (targets) => {
      const node = targets.find((n): n is AdlsFileNode | AdlsDirectoryNode => n instanceof AdlsFileNode || n instanceof AdlsDirectoryNode);
      if (node) await storage.rename(node);
      else void vscode.window.showInformationMessage("Only ADLS files and directories can be renamed (S3 has no rename).");
    }),
    command("delete", (targets) => storage.delete(targets.filter(isStorage))),
    command("copyUri", (targets) => storage.copyUri(targets.filter(isStorage))),
    command("copySignedUrl", (targets) => storage.copySignedUrl(targets.filter(isFile))),
    command("selectTop", async (targets) => {
      const relation = first(targets, isRelation);
      if (relation) await postgres.selectTop(relation);
    }),
    command("copyName", (targets) =>
      postgres.copyName(targets.filter((n): n is PgSchemaNode | PgRelationNode | PgColumnNode => n instanceof PgSchemaNode || n instanceof PgRelationNode || n instanceof PgColumnNode)),
    ),
    command("exportCsv", async (targets) => {
      const relation = first(targets, isRelation);
      if (relation) await postgres.exportCsv(relation);
    }),
    command("importCsv", async (targets) => {
      const relation = first(targets, isRelation);
      if (relation && !relation.isView) await postgres.importCsv(relation);
    }),
  );
}
