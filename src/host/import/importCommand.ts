// Auto Workflow: Import Connection Profiles… — reads pyproject.toml, osiris_connections.yaml or an
// aetherflow resources file, lets the user pick profiles and a settings scope, stores every secret in
// SecretStorage and writes only values and secret:// references to settings.
import * as vscode from "vscode";
import type { Connections } from "../connections";
import { profileScope } from "../secrets";
import { writeProfile, type SettingsTarget } from "../settings";
import { detectFormat, FORMAT_LABELS, IMPORT_EXCLUDE, IMPORT_GLOB, parseImportFile, type ImportFormat } from "./formats";
import { describeImported, settingsValues, type ImportedProfile } from "./model";

export const IMPORT_COMMAND = "autoWorkflow.importProfiles";

/** Optional argument of the command (a Uri alone is accepted too), for scripted or tested use. */
export interface ImportArgs {
  /** The file to import; without it the user picks one. */
  uri?: vscode.Uri | string;
  /** Settings scope; without it the user picks (when a workspace scope is possible). */
  target?: "user" | "workspace";
  /** `name.profile` ids to import; without it the user picks (all preselected). */
  profiles?: string[];
  /** Environment for `${VAR}` substitution. Default: the extension host's. */
  env?: NodeJS.ProcessEnv;
}

export interface ImportSummary {
  file: string;
  format: ImportFormat;
  target: "user" | "workspace";
  imported: Array<{ name: string; profile: string; secrets: string[] }>;
  warnings: string[];
}

type Host = Pick<Connections, "secrets" | "log" | "profiles">;

function workspaceTargetAllowed(): boolean {
  return vscode.workspace.isTrusted && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
}

/** Candidate files in the workspace, best first (pyproject.toml, Osiris, resources). */
export async function detectImportFiles(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(IMPORT_GLOB, IMPORT_EXCLUDE, 200);
  const rank = (uri: vscode.Uri): number => {
    const f = detectFormat(uri.path);
    return (f === "pyproject" ? 0 : f === "osiris" ? 1 : 2) * 1000 + uri.path.split("/").length;
  };
  return found.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const files = await detectImportFiles();
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const browse: Item = { label: "$(folder-opened) Browse…", description: "a pyproject.toml, osiris_connections.yaml or resources YAML file" };
  const items: Item[] = files.map((uri) => {
    const format = detectFormat(uri.path);
    return { label: vscode.workspace.asRelativePath(uri), description: format ? FORMAT_LABELS[format] : "YAML", uri };
  });
  const picked = items.length ? await vscode.window.showQuickPick([...items, browse], { placeHolder: "Import connection profiles from which file?" }) : browse;
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: "Import",
    filters: { "Connection files": ["toml", "yaml", "yml"], "All files": ["*"] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return chosen?.[0];
}

async function pickProfiles(profiles: ImportedProfile[], label: string, existing: Set<string>): Promise<ImportedProfile[] | undefined> {
  type Item = vscode.QuickPickItem & { profile: ImportedProfile };
  const items: Item[] = profiles.map((p) => {
    const { label: id, description } = describeImported(p, label);
    const notes = [...(existing.has(id) ? ["replaces the existing profile in the chosen settings"] : []), ...(p.warnings.length ? [`${p.warnings.length} warning(s): ${p.warnings[0]}`] : [])];
    return { label: id, description, ...(notes.length ? { detail: notes.join(" · ") } : {}), picked: true, profile: p };
  });
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: `Profiles to import from ${label}`, matchOnDescription: true });
  return picked?.map((i) => i.profile);
}

async function pickTarget(): Promise<"user" | "workspace" | undefined> {
  if (!workspaceTargetAllowed()) return "user";
  const items: Array<vscode.QuickPickItem & { target: "user" | "workspace" }> = [
    { label: "User settings", description: "every workspace on this machine", target: "user" },
    { label: "Workspace settings", description: "this workspace only (.vscode/settings.json)", target: "workspace" },
  ];
  return (await vscode.window.showQuickPick(items, { placeHolder: "Write the profiles to…" }))?.target;
}

/** Store each profile's secrets, then write its values and references; secrets never reach settings. */
export async function applyImport(host: Pick<Connections, "secrets">, profiles: ImportedProfile[], target: "user" | "workspace"): Promise<ImportSummary["imported"]> {
  const settingsTarget: SettingsTarget = target === "user" ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
  const imported: ImportSummary["imported"] = [];
  // One at a time: each write reads the whole setting and replaces it.
  for (const p of profiles) {
    const scope = profileScope(p.name, p.profile);
    for (const [key, value] of Object.entries(p.secrets)) await host.secrets.set(scope, key, value);
    await writeProfile(p.name, p.profile, settingsValues(p), settingsTarget);
    imported.push({ name: p.name, profile: p.profile, secrets: Object.keys(p.secrets) });
  }
  return imported;
}

function asImportArgs(arg: unknown): ImportArgs {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (typeof arg === "object" && arg !== null && !Array.isArray(arg)) return arg as ImportArgs;
  return {};
}

export async function importProfiles(host: Host, arg?: unknown): Promise<ImportSummary | undefined> {
  const args = asImportArgs(arg);
  const uri = args.uri === undefined ? await pickFile() : typeof args.uri === "string" ? vscode.Uri.parse(args.uri) : args.uri;
  if (!uri) return undefined;
  const label = vscode.workspace.asRelativePath(uri);
  let parsed: ReturnType<typeof parseImportFile>;
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    parsed = parseImportFile(text, uri.fsPath || uri.path, args.env ?? process.env);
  } catch (error) {
    void vscode.window.showErrorMessage(`Import failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  const warnings = [...parsed.warnings, ...parsed.profiles.flatMap((p) => p.warnings.map((w) => `${p.name}.${p.profile}: ${w}`))];
  for (const w of warnings) host.log.warn(`import ${label}: ${w}`);
  if (parsed.profiles.length === 0) {
    void vscode.window.showWarningMessage(`No connection profiles to import in ${label}${warnings.length ? ` (${warnings[0]})` : ""}.`);
    return undefined;
  }

  let chosen: ImportedProfile[] | undefined;
  if (args.profiles) {
    const wanted = new Set(args.profiles);
    chosen = parsed.profiles.filter((p) => wanted.has(`${p.name}.${p.profile}`));
  } else {
    const existing = new Set((await host.profiles()).map((p) => `${p.name}.${p.profile}`));
    chosen = await pickProfiles(parsed.profiles, label, existing);
  }
  if (!chosen || chosen.length === 0) return undefined;
  const target = args.target === "workspace" && !workspaceTargetAllowed() ? undefined : (args.target ?? (await pickTarget()));
  if (!target) {
    if (args.target === "workspace") void vscode.window.showErrorMessage("Workspace settings need a trusted workspace with a folder open.");
    return undefined;
  }

  const imported = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Importing ${chosen.length} profile(s)…` }, () => applyImport(host, chosen, target));
  const secretCount = imported.reduce((n, p) => n + p.secrets.length, 0);
  const scope = target === "user" ? "user settings" : "workspace settings";
  host.log.info(`imported ${imported.map((p) => `${p.name}.${p.profile}`).join(", ")} from ${label} into ${scope} (${secretCount} secret(s) in SecretStorage)`);
  const message = `Imported ${imported.length} profile${imported.length === 1 ? "" : "s"} from ${label} into ${scope}; ${secretCount} secret${secretCount === 1 ? "" : "s"} stored in SecretStorage.${warnings.length ? ` ${warnings.length} warning${warnings.length === 1 ? "" : "s"}: see the log.` : ""}`;
  // Not awaited: the message stays until dismissed; the command is done.
  void vscode.window.showInformationMessage(message, ...(warnings.length ? ["Show Log"] : [])).then((choice) => {
    if (choice === "Show Log") host.log.show();
  });
  return { file: label, format: parsed.format, target, imported, warnings };
}

export function registerImportCommand(context: Pick<vscode.ExtensionContext, "subscriptions">, connections: Host, command = IMPORT_COMMAND): vscode.Disposable {
  const disposable = vscode.commands.registerCommand(command, (arg: unknown) => importProfiles(connections, arg));
  context.subscriptions.push(disposable);
  return disposable;
}
