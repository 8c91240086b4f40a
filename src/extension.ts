// Composition root: wires the connectors library to VS Code. No logic lives here.
import * as vscode from "vscode";
import * as connectors from "./connectors/index";

export type ExtensionApi = typeof connectors;

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel("Auto Workflow Connectors", { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand("autoWorkflow.showLog", () => log.show()),
  );
  return connectors;
}

export function deactivate(): void {
  // Clients are owned by registries created by callers; nothing global to close.
}
