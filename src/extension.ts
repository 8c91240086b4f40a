// Composition root: wires the connectors library to VS Code. No logic lives here.
import * as vscode from "vscode";
import * as connectors from "./connectors/index";
import { registerProfileCommands } from "./host/commands/profileCommands";
import { Connections } from "./host/connections";
import { ReportDocuments } from "./host/documents";
import { registerObjectFileSystems } from "./host/fs/index";
import { registerDiagnostics } from "./host/diagnostics/secretDiagnostics";
import { registerImportCommand } from "./host/import/importCommand";
import { registerConnectorsTree } from "./host/tree/index";
import { SqlProfileBinding } from "./host/sqlProfileStatus";

/**
 * What other extensions get: the connectors library itself (as dist/connectors.js exports it), plus
 * `workspace`: the profiles this VS Code window knows (settings, pyproject.toml, env, SecretStorage).
 */
export type ExtensionApi = typeof connectors & { workspace: WorkspaceConnections };

export interface WorkspaceConnections {
  profiles(): Promise<Array<{ name: string; profile: string }>>;
  resolveConfig(name: string, profile: string): Promise<connectors.ResolvedConfigView>;
  client: Connections["client"];
  /** Store a secret for `secret://<scope>/<key>` references. */
  setSecret(scope: string, key: string, value: string): Promise<string>;
}

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
  const workspace: WorkspaceConnections = {
    profiles: () => connections.profiles(),
    resolveConfig: (name, profile) => connections.resolveConfig(name, profile),
    client: ((name: string, profile: string) => connections.client(name, profile)) as Connections["client"],
    setSecret: (scope, key, value) => connections.secrets.set(scope, key, value),
  };
  const api: ExtensionApi = { ...connectors, workspace };
  // For the extension's own tests (they run in another bundle, so the API object is their only way in):
  // not enumerable, not part of the typed API.
  Object.defineProperty(api, "internals", { value: { tree }, enumerable: false });
  return api;
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions (the registry closes its clients).
}
