// Plaintext-secret diagnostics in a real VS Code: a settings.json (and a pyproject.toml) with plaintext
// secrets get warnings; the quick fix moves each value to SecretStorage and leaves a secret:// reference
// in the saved document (for a DSN, only its password part changes).
//
// The pieces are registered here with a host of the test's own (SecretStore over an in-memory
// SecretStorage) and a command id of its own, so this works whether or not the extension wires them too.
import * as assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import { PLAINTEXT_SECRET_CODE, registerDiagnostics } from "../../../src/host/diagnostics/secretDiagnostics";
import { SecretStore } from "../../../src/host/secrets";
import { MemorySecrets } from "../support/memorySecrets";

const MOVE_COMMAND = "autoWorkflow.test.diagnostics.moveSecretToStorage";


async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Plaintext-secret diagnostics of a document, one per place (the extension may report them too). */
function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  const unique = new Map<string, vscode.Diagnostic>();
  for (const d of vscode.languages.getDiagnostics(uri)) {
    if (d.code === PLAINTEXT_SECRET_CODE) unique.set(`${d.range.start.line}:${d.range.start.character}:${d.message}`, d);
  }
  return [...unique.values()];
}

async function quickFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.Command> {
  // The marker service publishes diagnostics asynchronously: ask again (≤ 5 s) until the fix is offered.
  let actions: vscode.CodeAction[] = [];
  let action: vscode.CodeAction | undefined;
  for (let i = 0; i < 50 && !action; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    action = actions.find((a) => a.command?.command === MOVE_COMMAND);
  }
  assert.ok(action?.command, `no "Move to SecretStorage" action among ${actions.map((a) => a.title).join(", ")}`);
  assert.equal(action.title, "Move to SecretStorage");
  assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  return action.command;
}

describe("plaintext secret diagnostics", () => {
  const storage = new MemorySecrets();
  const subscriptions: vscode.Disposable[] = [];
  const secrets = new SecretStore(storage);
  let dir: string;

  before(() => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the fixture workspace is not open");
    dir = path.join(folder.uri.fsPath, `.awc-diagnostics-${process.pid}-${Date.now()}`);
    mkdirSync(path.join(dir, ".vscode"), { recursive: true });
    const log = vscode.window.createOutputChannel("Auto Workflow diagnostics test", { log: true });
    subscriptions.push(log);
    registerDiagnostics({ subscriptions }, { secrets, log }, { moveCommand: MOVE_COMMAND, collectionName: "autoWorkflow.test.plaintextSecrets" });
  });

  after(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    for (const d of subscriptions.splice(0).reverse()) d.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("warns on a plaintext password and on a DSN's password in a settings.json", async () => {
    const file = path.join(dir, ".vscode", "settings.json");
    writeFileSync(
      file,
      `{
  // a settings file someone pasted credentials into
  "autoWorkflow.connectors": {
    "postgres": {
      "diagtest": {
        "host": "db.example",
        "password": "hunter2-CANARY",
        "dsn": "postgresql://etl:p%40ss-CANARY@db.example:5432/dw?sslmode=require",
      },
    },
  },
}
`,
    );
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostics = await until("two plaintext-secret diagnostics", () => {
      const found = ours(uri);
      return found.length >= 2 ? found : undefined;
    });
    const password = diagnostics.find((d) => d.message.startsWith("password of postgres.diagtest"));
    assert.ok(password, diagnostics.map((d) => d.message).join("; "));
    assert.equal(password.message, "password of postgres.diagtest is stored in plaintext; move it to SecretStorage");
    assert.equal(password.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(document.getText(password.range), '"hunter2-CANARY"');
    const dsn = diagnostics.find((d) => d.message.startsWith("the password in dsn"));
    assert.ok(dsn);
    assert.equal(document.getText(dsn.range), "p%40ss-CANARY");

    // Quick fix on the password: stored, replaced by its reference, saved.
    const fix = await quickFix(uri, password);
    const reference = await vscode.commands.executeCommand<string | undefined>(fix.command, ...(fix.arguments ?? []));
    assert.equal(reference, "secret://postgres.diagtest/password");
    assert.equal(await secrets.resolve({ raw: reference, scope: "postgres.diagtest", key: "password" }), "hunter2-CANARY");
    assert.equal(storage.values.get("secret://postgres.diagtest/password"), "hunter2-CANARY");
    assert.match(document.getText(), /"password": "secret:\/\/postgres\.diagtest\/password",/);
    assert.equal(document.isDirty, false, "the document was not saved");
    assert.ok(!readFileSync(file, "utf8").includes("hunter2-CANARY"), "the plaintext password is still on disk");

    // Quick fix on the DSN: only its password part changes.
    const remaining = await until("the password diagnostic to go away", () => {
      const found = ours(uri);
      return found.length === 1 ? found : undefined;
    });
    const dsnFix = await quickFix(uri, remaining[0]!);
    const dsnReference = await vscode.commands.executeCommand<string | undefined>(dsnFix.command, ...(dsnFix.arguments ?? []));
    // The profile has an explicit (different) password, so the DSN's goes under its own key.
    assert.equal(dsnReference, "secret://postgres.diagtest/dsnPassword");
    assert.equal(storage.values.get("secret://postgres.diagtest/dsnPassword"), "p@ss-CANARY");
    assert.match(document.getText(), /"dsn": "postgresql:\/\/etl:secret:\/\/postgres\.diagtest\/dsnPassword@db\.example:5432\/dw\?sslmode=require",/);
    assert.ok(!readFileSync(file, "utf8").includes("CANARY"), "a plaintext secret is still on disk");
    await until("no diagnostics left", () => (ours(uri).length === 0 ? true : undefined));
  });

  it("warns in pyproject.toml and fixes it in place", async () => {
    const file = path.join(dir, "pyproject.toml");
    writeFileSync(file, `[project]\nname = "demo"\n\n[tool.auto_workflow.connectors.s3.lake]\nregion = "eu-west-1"\nsecret_access_key = "wJalr-CANARY"  # from the console\n`);
    const uri = vscode.Uri.file(file);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const [diagnostic] = await until("a diagnostic in pyproject.toml", () => {
      const found = ours(uri);
      return found.length ? found : undefined;
    });
    assert.equal(diagnostic!.message, "secretAccessKey of s3.lake is stored in plaintext; move it to SecretStorage");
    assert.equal(diagnostic!.range.start.line, 5);
    const fix = await quickFix(uri, diagnostic!);
    assert.deepEqual({ ...(fix.arguments?.[0] as object), uri: undefined }, { name: "s3", profile: "lake", key: "secretAccessKey", uri: undefined });
    await vscode.commands.executeCommand(fix.command, ...(fix.arguments ?? []));
    assert.equal(storage.values.get("secret://s3.lake/secretAccessKey"), "wJalr-CANARY");
    assert.equal(readFileSync(file, "utf8").split("\n")[5], 'secret_access_key = "secret://s3.lake/secretAccessKey"  # from the console');
  });

  it("reads the workspace folder's own .vscode/settings.json from disk while it is not open", async () => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    const uri = vscode.Uri.joinPath(folder.uri, ".vscode", "settings.json");
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), "the workspace settings are open");
    // The run's own copy of the fixture workspace: restored below all the same.
    const original = readFileSync(uri.fsPath, "utf8");
    try {
      writeFileSync(uri.fsPath, `{\n  "autoWorkflow.connectors": { "s3": { "disktest": { "secretAccessKey": "disk-CANARY" } } }\n}\n`);
      const [diagnostic] = await until("a diagnostic on the closed workspace settings", () => {
        const found = ours(uri);
        return found.length ? found : undefined;
      });
      assert.equal(diagnostic!.message, "secretAccessKey of s3.disktest is stored in plaintext; move it to SecretStorage");
      assert.deepEqual([diagnostic!.range.start.line, diagnostic!.range.start.character], [1, 72]);
    } finally {
      writeFileSync(uri.fsPath, original);
    }
    await until("the diagnostic to go once the file is clean", () => (ours(uri).length === 0 ? true : undefined));
  });

  it("leaves documents alone that are neither settings.json nor pyproject.toml", async () => {
    const file = path.join(dir, "notes.json");
    writeFileSync(file, `{ "autoWorkflow.connectors": { "postgres": { "x": { "password": "plain" } } } }\n`);
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ours(uri).length, 0);
  });
});
