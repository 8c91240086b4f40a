// The harness itself: tests run in VS Code's Node extension host, inside the opened fixture workspace,
// with the runner's environment (integration suites get database connection info this way).
import * as assert from "node:assert/strict";
import * as vscode from "vscode";

describe("harness", () => {
  it("runs in the Node extension host of a real VS Code", () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    assert.equal(typeof process.versions.node, "string");
  });

  it("opens a copy of the fixture workspace inside the run folder", () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.ok(folders[0]!.uri.path.startsWith(process.env.AWC_VSCODE_RUN_DIR!), `${folders[0]!.uri.path} is not in the run folder`);
    assert.match(folders[0]!.uri.path, /\/workspace$/);
  });

  it("passes the runner's environment to the extension host", () => {
    assert.ok(process.env.AWC_VSCODE_RUN_DIR, "the suite must be started by test/vscode/run.mjs");
    assert.equal(process.env.AWC_VSCODE_ENV_PROBE, "reaches-extension-host");
  });
});
