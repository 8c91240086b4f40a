// Importing profiles in a real VS Code: an osiris_connections.yaml in the workspace is detected,
// imported into user settings with its secrets in SecretStorage (settings hold only secret:// references),
// and the imported profile connects to the suite's PostgreSQL.
//
// The command is registered here under an id of its own, with a host whose SecretStorage is in memory, so
// this works whether or not the extension wires it as well. The imported profile is resolved by a registry
// from the extension's API, fed by the settings layers and that SecretStorage.
import * as assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import type * as Connectors from "../../../src/connectors/index";
import { detectImportFiles, registerImportCommand, type ImportSummary } from "../../../src/host/import/importCommand";
import { SecretStore } from "../../../src/host/secrets";
import { MemorySecrets } from "../support/memorySecrets";
import { settingsSources, writeProfile } from "../../../src/host/settings";

const IMPORT_COMMAND = "autoWorkflow.test.import.importProfiles";
const EXTENSION_ID = "auto-workflow.auto-workflow-connectors";


type Profiles = Record<string, Record<string, Record<string, unknown>>>;
const userConnectors = (): Profiles => vscode.workspace.getConfiguration("autoWorkflow").inspect<Profiles>("connectors")?.globalValue ?? {};

describe("import connection profiles", () => {
  const storage = new MemorySecrets();
  const subscriptions: vscode.Disposable[] = [];
  const secrets = new SecretStore(storage);
  let registry: Connectors.Registry | undefined;
  let dir: string;
  let file: string;
  const password = (): string => process.env.AWC_TEST_PG_PW!;

  before(async () => {
    assert.ok(process.env.AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__DSN && process.env.AWC_TEST_PG_PW, "run through test/vscode/with-postgres.ts: no test database in the environment");
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the fixture workspace is not open");
    const url = new URL(process.env.AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__DSN.replace("secret://env/AWC_TEST_PG_PW", "x"));
    dir = path.join(folder.uri.fsPath, `.awc-import-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    file = path.join(dir, "osiris_connections.yaml");
    writeFileSync(
      file,
      `version: 1
connections:
  mysql:
    legacy:
      host: mysql.internal
      password: \${MYSQL_PASSWORD}
  postgresql:
    vscodeimport:
      default: true
      host: ${url.hostname}
      port: \${AWC_TEST_IMPORT_PORT:-${url.port}}
      database: postgres
      username: postgres
      password: \${AWC_TEST_PG_PW}
      schema: public
      sslmode: disable
  s3:
    vscodeimport:
      bucket: raw
      region: eu-west-1
      aws_access_key_id: AKIAEXAMPLE
      aws_secret_access_key: \${AWC_TEST_IMPORT_UNSET_SECRET}
`,
    );
    const log = vscode.window.createOutputChannel("Auto Workflow import test", { log: true });
    subscriptions.push(log);
    registerImportCommand({ subscriptions }, { secrets, log, profiles: async () => [] }, IMPORT_COMMAND);
    const api = await vscode.extensions.getExtension<typeof Connectors>(EXTENSION_ID)!.activate();
    registry = api.createRegistry({ env: process.env, secrets: secrets.resolve, sources: settingsSources(true, () => folder.uri) });
  });

  after(async () => {
    await writeProfile("postgres", "vscodeimport", undefined, vscode.ConfigurationTarget.Global);
    await writeProfile("s3", "vscodeimport", undefined, vscode.ConfigurationTarget.Global);
    await registry?.reset();
    for (const d of subscriptions.splice(0).reverse()) d.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("offers the workspace's osiris_connections.yaml", async () => {
    const found = await detectImportFiles();
    assert.ok(
      found.some((u) => u.fsPath === file),
      `not offered; found ${found.map((u) => vscode.workspace.asRelativePath(u)).join(", ")}`,
    );
  });

  it("imports into user settings with secrets in SecretStorage only, and the profile connects", async () => {
    const summary = await vscode.commands.executeCommand<ImportSummary | undefined>(IMPORT_COMMAND, {
      uri: vscode.Uri.file(file),
      target: "user",
      profiles: ["postgres.vscodeimport", "s3.vscodeimport"],
    });
    assert.ok(summary, "the import did not run");
    assert.equal(summary.format, "osiris");
    assert.deepEqual(
      summary.imported.map((p) => [`${p.name}.${p.profile}`, p.secrets]),
      [
        ["postgres.vscodeimport", ["password"]],
        ["s3.vscodeimport", []],
      ],
    );
    assert.ok(summary.warnings.some((w) => /families without a matching connector: mysql/.test(w)));
    assert.ok(summary.warnings.some((w) => /"schema" has no equivalent/.test(w)));
    assert.ok(summary.warnings.some((w) => /AWC_TEST_IMPORT_UNSET_SECRET/.test(w)));

    const settings = userConnectors();
    const pg = settings["postgres"]?.["vscodeimport"];
    assert.deepEqual(pg, { host: "127.0.0.1", port: pg?.["port"], database: "postgres", user: "postgres", sslmode: "disable", password: "secret://postgres.vscodeimport/password" });
    assert.deepEqual(settings["s3"]?.["vscodeimport"], { bucket: "raw", region: "eu-west-1", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret://env/AWC_TEST_IMPORT_UNSET_SECRET" });
    assert.ok(!JSON.stringify(settings).includes(password()), "the password reached settings");
    assert.equal(storage.values.get("secret://postgres.vscodeimport/password"), password());

    const profiles = (await registry!.profiles()).map((p) => `${p.name}.${p.profile}`);
    assert.ok(profiles.includes("postgres.vscodeimport"), profiles.join(", "));
    const view = await registry!.resolveConfig("postgres", "vscodeimport");
    assert.equal(view.origins["password"]?.layer, "settings.user");
    assert.equal(view.values["password"], "secret://postgres.vscodeimport/password");
    assert.ok(!JSON.stringify(view).includes(password()), "the password shows in the resolved configuration");
    const report = await registry!.get("postgres", "vscodeimport").then((client) => client.test());
    assert.equal(report.identity, "postgres");
  });

  it("imports nothing when no profile matches", async () => {
    const summary = await vscode.commands.executeCommand<ImportSummary | undefined>(IMPORT_COMMAND, { uri: vscode.Uri.file(file), target: "user", profiles: ["postgres.nope"] });
    assert.equal(summary, undefined);
  });
});
