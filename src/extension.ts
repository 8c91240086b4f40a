// Composition root: wires the connectors library to VS Code. No logic lives here.
export type { ExtensionApi, WorkspaceConnections } from "./host/api";
import * as vscode from "vscode";
import { extensionApi, type ExtensionApi } from "./host/api";
import { registerProfileCommands } from "./host/commands/profileCommands";
import { Connections } from "./host/connections";
import { ReportDocuments } from "./host/documents";
import { registerObjectFileSystems } from "./host/fs/index";
import { registerDiagnostics } from "./host/diagnostics/secretDiagnostics";
import { registerImportCommand } from "./host/import/importCommand";
import { registerConnectorsTree } from "./host/tree/index";
import { SqlProfileBinding } from "./host/sqlProfileStatus";

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel("Auto Workflow Connectors", { log: true });
  const connections = new Connections(context, log);
  const documents = new ReportDocuments();
  const tree = registerConnectorsTree(context, connections);
  context.subscriptions.push(
    log,
    connections,
    documents,
    registerProfileCommands(connections, documents),
    new SqlProfileBinding(context.workspaceState, connections),
    registerObjectFileSystems(context, connections),
    registerImportCommand(context, connections),
    registerDiagnostics(context, connections),
    tree,
    vscode.commands.registerCommand("autoWorkflow.showLog", () => log.show()),
  );
  return extensionApi(connections, { tree });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the registry closes its clients).
}
