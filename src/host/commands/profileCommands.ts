// Commands on connection profiles: test one or all, show the resolved configuration, set a secret,
// add a profile (a wizard that writes only secret:// references), remove one.
import * as vscode from "vscode";
import { isConnectorError, secretPaths, type TestReport } from "../../connectors/index";
import { builtinDrivers } from "../../connectors/index";
import type { Connections, ProfileRef } from "../connections";
import type { ReportDocuments } from "../documents";
import { profileScope } from "../secrets";
import { profileTargets, writeProfile, type SettingsTarget } from "../settings";
import { addProfileWizard } from "./addProfileWizard";
import { asProfileRef, BACKEND_LABELS, pickProfile } from "./pickProfile";

export function describeReport(ref: ProfileRef, report: TestReport): string {
  const parts = [`connected in ${report.latencyMs} ms`];
  if (report.serverVersion) parts.push(report.serverVersion);
  parts.push(report.tls.enabled ? `TLS${report.tls.protocol ? ` ${report.tls.protocol}` : ""}` : "no TLS");
  if (report.identity) parts.push(`as ${report.identity}`);
  return `${ref.name}.${ref.profile}: ${parts.join(" · ")}`;
}

function linkedSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

async function runTest(connections: Connections, ref: ProfileRef, token: vscode.CancellationToken): Promise<TestReport> {
  const client = await connections.client(ref.name, ref.profile);
  return client.test({ signal: linkedSignal(token) });
}

async function offerFixes(connections: Connections, ref: ProfileRef, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const actions = ["Open Settings", ...(isConnectorError(error) && (error.kind === "auth" || error.kind === "config") ? ["Set Secret"] : []), "Show Log"];
  const choice = await vscode.window.showErrorMessage(`${ref.name}.${ref.profile}: ${message}`, ...actions);
  if (choice === "Open Settings") await vscode.commands.executeCommand("workbench.action.openSettingsJson", { revealSetting: { key: "autoWorkflow.connectors" } });
  else if (choice === "Set Secret") await vscode.commands.executeCommand("autoWorkflow.setSecret", ref);
  else if (choice === "Show Log") connections.log.show();
}

export async function testProfile(connections: Connections, arg?: unknown): Promise<TestReport | undefined> {
  const ref = asProfileRef(arg) ?? (await pickProfile(connections, "Test which connection profile?"));
  if (!ref) return undefined;
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing ${ref.name}.${ref.profile}…`, cancellable: true },
      (_progress, token) => runTest(connections, ref, token),
    );
    connections.log.info(describeReport(ref, report));
    void vscode.window.showInformationMessage(describeReport(ref, report));
    return report;
  } catch (error) {
    connections.log.warn(`test ${ref.name}.${ref.profile} failed: ${error instanceof Error ? error.message : String(error)}`);
    void offerFixes(connections, ref, error);
    return undefined;
  }
}

/** Tests every profile (four at a time) and shows a report as a read-only document. */
export async function testAllProfiles(connections: Connections, documents: ReportDocuments): Promise<string> {
  const profiles = await connections.profiles();
  const rows: string[] = [];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Testing connection profiles", cancellable: true }, async (progress, token) => {
    const queue = [...profiles];
    let done = 0;
    const results = new Map<string, string>();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let ref = queue.shift(); ref; ref = queue.shift()) {
          let row: string;
          try {
            const r = await runTest(connections, ref, token);
            row = `| \`${ref.name}.${ref.profile}\` | ✅ ok | ${r.latencyMs} ms | ${r.serverVersion ?? ""} | ${r.tls.enabled ? r.tls.protocol ?? "yes" : "no"} | ${r.identity ?? ""} |`;
          } catch (error) {
            const kind = isConnectorError(error) ? error.kind : "error";
            const text = (error instanceof Error ? error.message : String(error)).replace(/\|/g, "\\|");
            row = `| \`${ref.name}.${ref.profile}\` | ❌ ${kind} | | | | ${text} |`;
          }
          results.set(`${ref.name}.${ref.profile}`, row);
          progress.report({ increment: 100 / profiles.length, message: `${++done} of ${profiles.length}` });
        }
      }),
    );
    for (const ref of profiles) rows.push(results.get(`${ref.name}.${ref.profile}`)!);
  });
  const passed = rows.filter((r) => r.includes("✅")).length;
  const text = [
    "# Connection profiles",
    "",
    `Tested ${profiles.length} profile(s) at ${new Date().toLocaleString()}: ${passed} ok, ${profiles.length - passed} failed.`,
    "",
    "| profile | result | latency | server | TLS | identity / error |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
  await documents.show("Connection profiles report", text);
  return text;
}

/** Every key of a profile with its value (secrets masked) and where it came from. */
export async function showResolvedConfig(connections: Connections, documents: ReportDocuments, arg?: unknown): Promise<string | undefined> {
  const ref = asProfileRef(arg) ?? (await pickProfile(connections, "Show the configuration of which profile?"));
  if (!ref) return undefined;
  let text: string;
  try {
    const view = await connections.resolveConfig(ref.name, ref.profile);
    const lines: string[] = [];
    const walk = (values: Record<string, unknown>, prefix: string): void => {
      for (const [key, value] of Object.entries(values)) {
        const path = prefix ? `${prefix}.${key}` : key;
        if (value && typeof value === "object" && !Array.isArray(value)) walk(value as Record<string, unknown>, path);
        else {
          const origin = view.origins[path];
          lines.push(`| \`${path}\` | \`${JSON.stringify(value)}\` | ${origin?.layer ?? ""} | ${(origin?.source ?? "").replace(/\|/g, "\\|")} |`);
        }
      }
    };
    walk(view.values, "");
    text = [
      `# ${ref.name}.${ref.profile}`,
      "",
      `Driver \`${view.driver}\`. Precedence: default < pyproject.toml < settings (user < workspace < folder) < env < env __JSON < per-call.${connections.trusted ? "" : " Restricted mode: workspace settings and pyproject.toml are ignored."}`,
      "",
      "| key | value | layer | from |",
      "| --- | --- | --- | --- |",
      ...lines,
      "",
      ...(view.warnings.length ? ["## Warnings", "", ...view.warnings.map((w) => `- ${w}`), ""] : []),
    ].join("\n");
  } catch (error) {
    text = `# ${ref.name}.${ref.profile}\n\nThe configuration is not valid:\n\n    ${error instanceof Error ? error.message : String(error)}\n`;
  }
  await documents.show(`${ref.name}.${ref.profile} configuration`, text);
  return text;
}

/** Stores a secret for one of a profile's secret keys and makes the profile reference it. */
export async function setSecret(connections: Connections, arg?: unknown): Promise<string | undefined> {
  const ref = asProfileRef(arg) ?? (await pickProfile(connections, "Set a secret for which profile?"));
  if (!ref) return undefined;
  const driver = builtinDrivers.find((d) => d.kind === ref.name);
  const keys = driver ? secretPaths(driver.fields) : [];
  const key = keys.length === 1 ? keys[0] : await vscode.window.showQuickPick(keys, { placeHolder: `Which secret of ${ref.name}.${ref.profile}?` });
  if (!key) return undefined;
  const value = await vscode.window.showInputBox({ prompt: `${key} for ${ref.name}.${ref.profile} (stored in SecretStorage, never in settings)`, password: true, ignoreFocusOut: true });
  if (value === undefined || value === "") return undefined;
  const reference = await connections.secrets.set(profileScope(ref.name, ref.profile), key, value);
  const view = await connections.resolveConfig(ref.name, ref.profile).catch(() => undefined);
  const current = view?.values[key];
  if (current !== reference) {
    const targets = profileTargets(ref.name, ref.profile);
    const target: SettingsTarget = targets.includes(vscode.ConfigurationTarget.Workspace) ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    const settings = vscode.workspace.getConfiguration("autoWorkflow").inspect<Record<string, Record<string, Record<string, unknown>>>>("connectors");
    const existing = (target === vscode.ConfigurationTarget.Workspace ? settings?.workspaceValue : settings?.globalValue)?.[ref.name]?.[ref.profile] ?? {};
    await writeProfile(ref.name, ref.profile, { ...existing, [key]: reference }, target);
  }
  void vscode.window.showInformationMessage(`Stored ${key} of ${ref.name}.${ref.profile} in SecretStorage as ${reference}.`);
  return reference;
}

export async function removeProfile(connections: Connections, arg?: unknown): Promise<boolean> {
  const ref = asProfileRef(arg) ?? (await pickProfile(connections, "Remove which connection profile?"));
  if (!ref) return false;
  const targets = profileTargets(ref.name, ref.profile);
  if (targets.length === 0) {
    void vscode.window.showWarningMessage(`${ref.name}.${ref.profile} is not defined in settings (it comes from pyproject.toml or the environment); remove it there.`);
    return false;
  }
  const where = targets.map((t) => (t === vscode.ConfigurationTarget.Global ? "user settings" : "workspace settings")).join(" and ");
  const confirm = await vscode.window.showWarningMessage(`Remove ${BACKEND_LABELS[ref.name] ?? ref.name} profile "${ref.profile}" from ${where}, and its secrets from SecretStorage?`, { modal: true }, "Remove");
  if (confirm !== "Remove") return false;
  for (const target of targets) await writeProfile(ref.name, ref.profile, undefined, target);
  const driver = builtinDrivers.find((d) => d.kind === ref.name);
  for (const key of driver ? secretPaths(driver.fields) : []) await connections.secrets.delete(profileScope(ref.name, ref.profile), key);
  await connections.registry.reset(ref.name, ref.profile);
  return true;
}

export function registerProfileCommands(connections: Connections, documents: ReportDocuments): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand("autoWorkflow.testProfile", (arg?: unknown) => testProfile(connections, arg)),
    vscode.commands.registerCommand("autoWorkflow.testAllProfiles", () => testAllProfiles(connections, documents)),
    vscode.commands.registerCommand("autoWorkflow.showResolvedConfig", (arg?: unknown) => showResolvedConfig(connections, documents, arg)),
    vscode.commands.registerCommand("autoWorkflow.setSecret", (arg?: unknown) => setSecret(connections, arg)),
    vscode.commands.registerCommand("autoWorkflow.removeProfile", (arg?: unknown) => removeProfile(connections, arg)),
    vscode.commands.registerCommand("autoWorkflow.addProfile", () => addProfileWizard(connections)),
  );
}
