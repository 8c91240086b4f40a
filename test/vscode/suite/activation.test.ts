// The extension activates in a real VS Code and exposes the connectors library as its API.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";

const EXTENSION_ID = "auto-workflow.auto-workflow-connectors";

describe("activation", () => {
  it("activates without loading any SDK; a backend's SDK loads on its first client", async () => {
    const vendor = (): string[] => Object.keys(require.cache).filter((k) => k.includes(`${"dist"}/vendor/`)).map((k) => k.slice(k.lastIndexOf("/") + 1)).sort();
    const api = await vscode.extensions.getExtension<{ createRegistry(o: { env: NodeJS.ProcessEnv }): { get(n: string, p: string): Promise<{ close(): Promise<void> }> } }>(EXTENSION_ID)!.activate();
    assert.deepEqual(vendor(), [], "an SDK was loaded at activation");
    const registry = api.createRegistry({ env: { AUTO_WORKFLOW_CONNECTORS_POSTGRES_LAZY__HOST: "127.0.0.1" } });
    const client = await registry.get("postgres", "lazy");
    assert.deepEqual(vendor(), ["postgres-sdk.js"]);
    await client.close();
  });

  it("is installed from the development path", () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} not found`);
  });

  it("activates and exports the connectors library", async () => {
    const extension = vscode.extensions.getExtension<Record<string, unknown>>(EXTENSION_ID);
    assert.ok(extension);
    const api = await extension.activate();
    assert.equal(extension.isActive, true);
    assert.equal(typeof api["version"], "string");
    for (const name of ["createRegistry", "defaultRegistry", "ConnectorError", "TransientError", "ConfigError", "PostgresClient", "quoteIdent"]) {
      assert.equal(typeof api[name], "function", `the API lacks ${name}`);
    }
  });

  it("registers autoWorkflow.showLog", async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes("autoWorkflow.showLog"), "command autoWorkflow.showLog is not registered");
    await vscode.commands.executeCommand("autoWorkflow.showLog");
  });
});
