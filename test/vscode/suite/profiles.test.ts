// Profiles in a real VS Code: settings layers, SecretStorage references, environment overrides,
// restricted mode, and the profile commands (test, resolved configuration, test all).
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { ExtensionApi } from "../../../src/extension";
import { createRegistry } from "../../../src/connectors/index";
import { registryOptions } from "../../../src/host/connections";
import { settingsSources } from "../../../src/host/settings";

const EXTENSION_ID = "auto-workflow.auto-workflow-connectors";
type Profiles = Record<string, Record<string, Record<string, unknown>>>;

async function setConnectors(value: Profiles | undefined, target: vscode.ConfigurationTarget): Promise<void> {
  await vscode.workspace.getConfiguration("autoWorkflow").update("connectors", value, target);
}

describe("profiles from settings, SecretStorage and the environment", () => {
  let api: ExtensionApi;
  const pgUrl = (): URL => new URL(process.env.AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__DSN!.replace("secret://env/AWC_TEST_PG_PW", "x"));

  before(async () => {
    api = (await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate()) as ExtensionApi;
  });
  after(async () => {
    await setConnectors(undefined, vscode.ConfigurationTarget.Workspace);
    await setConnectors(undefined, vscode.ConfigurationTarget.Global);
  });

  it("lists profiles from the environment and from user and workspace settings", async () => {
    await setConnectors({ postgres: { fromuser: { host: "user-host" } } }, vscode.ConfigurationTarget.Global);
    await setConnectors({ postgres: { fromworkspace: { host: "ws-host" } }, s3: { lake: { region: "eu-west-1" } } }, vscode.ConfigurationTarget.Workspace);
    const profiles = (await api.workspace.profiles()).map((p) => `${p.name}.${p.profile}`);
    for (const expected of ["postgres.vscode", "postgres.fromuser", "postgres.fromworkspace", "s3.lake"]) assert.ok(profiles.includes(expected), `${expected} missing from ${profiles.join(", ")}`);
  });

  it("workspace settings override user settings, the environment overrides both, each key says where it came from", async () => {
    await setConnectors({ postgres: { layered: { host: "from-user", port: 1111, database: "userdb" } } }, vscode.ConfigurationTarget.Global);
    await setConnectors({ postgres: { layered: { host: "from-workspace" } } }, vscode.ConfigurationTarget.Workspace);
    const view = await api.workspace.resolveConfig("postgres", "layered");
    assert.equal(view.values["host"], "from-workspace");
    assert.equal(view.origins["host"]?.layer, "settings.workspace");
    assert.equal(view.values["port"], 1111);
    assert.equal(view.origins["port"]?.layer, "settings.user");
    const env = await api.workspace.resolveConfig("postgres", "vscode");
    assert.equal(env.origins["dsn"]?.layer, "env");
  });

  it("a secret:// reference in settings resolves from SecretStorage; the client connects; nothing secret is shown", async () => {
    const url = pgUrl();
    const password = process.env.AWC_TEST_PG_PW!;
    const reference = await api.workspace.setSecret("postgres.stored", "password", password);
    assert.equal(reference, "secret://postgres.stored/password");
    await setConnectors({ postgres: { stored: { host: url.hostname, port: Number(url.port), user: "postgres", database: "postgres", sslmode: "disable", password: reference } } }, vscode.ConfigurationTarget.Workspace);
    const report = (await vscode.commands.executeCommand("autoWorkflow.testProfile", { name: "postgres", profile: "stored" })) as { identity?: string } | undefined;
    assert.equal(report?.identity, "postgres");
    const text = (await vscode.commands.executeCommand("autoWorkflow.showResolvedConfig", { name: "postgres", profile: "stored" })) as string;
    assert.match(text, /secret:\/\/postgres\.stored\/password/);
    assert.match(text, /settings\.workspace/);
    assert.ok(!text.includes(password), "the password is shown in the resolved configuration");
  });

  it("changing settings replaces the client made from the old configuration", async () => {
    const url = pgUrl();
    await setConnectors({ postgres: { moving: { host: url.hostname, port: Number(url.port), user: "postgres", database: "postgres", sslmode: "disable", password: "secret://env/AWC_TEST_PG_PW", applicationName: "first" } } }, vscode.ConfigurationTarget.Workspace);
    const first = await api.workspace.client("postgres", "moving");
    assert.equal((await first.query<{ a: string }>("select current_setting('application_name') a", [], { fetch: "one" }))?.a, "first");
    await setConnectors({ postgres: { moving: { host: url.hostname, port: Number(url.port), user: "postgres", database: "postgres", sslmode: "disable", password: "secret://env/AWC_TEST_PG_PW", applicationName: "second" } } }, vscode.ConfigurationTarget.Workspace);
    for (let i = 0; i < 50 && !first.isClosed(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(first.isClosed(), true, "the old client was not closed after the settings changed");
    const second = await api.workspace.client("postgres", "moving");
    assert.equal((await second.query<{ a: string }>("select current_setting('application_name') a", [], { fetch: "one" }))?.a, "second");
  });

  it("in restricted mode only user settings are a layer", async () => {
    await setConnectors({ postgres: { trust: { host: "user-host" } } }, vscode.ConfigurationTarget.Global);
    await setConnectors({ postgres: { trust: { host: "workspace-host" } } }, vscode.ConfigurationTarget.Workspace);
    const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri;
    const trusted = settingsSources(true, folder).map((s) => s.read("postgres", "trust")?.values["host"]);
    const restricted = settingsSources(false, folder).map((s) => s.read("postgres", "trust")?.values["host"]);
    assert.deepEqual(trusted.filter(Boolean), ["user-host", "workspace-host"]);
    assert.deepEqual(restricted.filter(Boolean), ["user-host"]);
    assert.deepEqual(settingsSources(false, folder).map((s) => s.layer), ["settings.user"]);
  });

  it("in restricted mode the workspace pyproject.toml is not read either", async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const file = vscode.Uri.joinPath(folder, "pyproject.toml");
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('[tool.auto_workflow.connectors.postgres.frompyproject]\nhost = "py-host"\n'));
    try {
      const trusted = createRegistry(registryOptions({ trusted: true, folder, env: {}, secrets: undefined }));
      const restricted = createRegistry(registryOptions({ trusted: false, folder, env: {}, secrets: undefined }));
      assert.equal((await trusted.resolveConfig("postgres", "frompyproject")).values["host"], "py-host");
      assert.equal((await trusted.resolveConfig("postgres", "frompyproject")).origins["host"]?.layer, "pyproject");
      assert.equal((await restricted.resolveConfig("postgres", "frompyproject")).values["host"], undefined);
      assert.ok(!(await restricted.profiles()).some((p) => p.profile === "frompyproject"));
    } finally {
      await vscode.workspace.fs.delete(file);
    }
  });

  it("Test All Connection Profiles reports every profile, failures with their error kind", async () => {
    await setConnectors({ postgres: { broken: { host: "127.0.0.1", port: 9, sslmode: "disable", retry: { attempts: 1 }, connectTimeout: "1s" } } }, vscode.ConfigurationTarget.Workspace);
    const report = (await vscode.commands.executeCommand("autoWorkflow.testAllProfiles")) as string;
    assert.match(report, /`postgres\.vscode` \| ✅ ok/);
    assert.match(report, /`postgres\.broken` \| ❌ transient/);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.scheme, "autoworkflow-report");
  });
});
