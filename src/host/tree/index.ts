// The Connectors view (autoWorkflow.connectors): tree, drag & drop and the autoWorkflow.tree.* commands.
// extension.ts calls registerConnectorsTree once and disposes what it returns on deactivation.
import * as vscode from "vscode";
import { registerTreeCommands } from "./commands";
import { ConnectorsDragAndDrop } from "./dragAndDrop";
import { PostgresActions } from "./postgresActions";
import { ConnectorsTreeProvider } from "./provider";
import { StorageActions } from "./storageActions";
import type { TreeConnections, TreeNode } from "./treeNode";

export const VIEW_ID = "autoWorkflow.connectors";

export interface ConnectorsTree extends vscode.Disposable {
  readonly provider: ConnectorsTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
}

/** `connections` is the host's Connections (any object with its profiles/client/resolveConfig/onDidChange/log). */
export function registerConnectorsTree(context: vscode.ExtensionContext, connections: TreeConnections): ConnectorsTree {
  const provider = new ConnectorsTreeProvider(connections, { state: context.workspaceState });
  const storage = new StorageActions(provider.context, (node) => provider.refresh(node));
  const postgres = new PostgresActions(provider.context);
  const view = vscode.window.createTreeView(VIEW_ID, {
    treeDataProvider: provider,
    dragAndDropController: new ConnectorsDragAndDrop(storage),
    canSelectMany: true,
    showCollapseAll: true,
  });
  const commands = registerTreeCommands({ provider, view, storage, postgres });
  const disposable = vscode.Disposable.from(commands, view, provider);
  return { provider, view, dispose: () => disposable.dispose() };
}

export { ConnectorsTreeProvider } from "./provider";
export { ConnectorsDragAndDrop } from "./dragAndDrop";
export { StorageActions } from "./storageActions";
export { PostgresActions } from "./postgresActions";
export { TreeNode, type TreeConnections } from "./treeNode";
export { s3Uri, abfssUri, parseS3Uri, parseAbfssUri, S3_SCHEME, ABFSS_SCHEME } from "./uris";
