// VS Code settings as configuration layers of the connectors registry: user < workspace < folder.
// In a restricted (untrusted) workspace only user settings count.
import * as vscode from "vscode";
import type { ConfigSource, LayerValues } from "../connectors/index";

export const SECTION = "autoWorkflow";
export const CONNECTORS_KEY = "connectors";

type Profiles = Record<string, Record<string, Record<string, unknown>>>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function lookup<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  if (!map) return undefined;
  if (key in map) return map[key];
  const token = key.replace(/[_-]/g, "").toLowerCase();
  const hit = Object.keys(map).find((k) => k.replace(/[_-]/g, "").toLowerCase() === token);
  return hit === undefined ? undefined : map[hit];
}

type Scope = "globalValue" | "workspaceValue" | "workspaceFolderValue";

const LAYERS: Array<{ layer: string; scope: Scope; label: string; trustedOnly: boolean }> = [
  { layer: "settings.user", scope: "globalValue", label: "user settings", trustedOnly: false },
  { layer: "settings.workspace", scope: "workspaceValue", label: "workspace settings", trustedOnly: true },
  { layer: "settings.folder", scope: "workspaceFolderValue", label: "folder settings", trustedOnly: true },
];

class SettingsLayer implements ConfigSource {
  constructor(
    readonly layer: string,
    private readonly scope: Scope,
    private readonly label: string,
    private readonly folder: () => vscode.Uri | undefined,
  ) {}

  private values(): Profiles {
    const inspected = vscode.workspace.getConfiguration(SECTION, this.folder()).inspect<Profiles>(CONNECTORS_KEY);
    const value = inspected?.[this.scope];
    return isObject(value) ? (value as Profiles) : {};
  }

  read(name: string, profile: string): LayerValues | undefined {
    const values = lookup(lookup(this.values(), name), profile);
    if (!isObject(values)) return undefined;
    return { layer: this.layer, source: `${this.label}: ${SECTION}.${CONNECTORS_KEY}.${name}.${profile}`, values };
  }

  profiles(): Array<{ name: string; profile: string }> {
    const out: Array<{ name: string; profile: string }> = [];
    for (const [name, profiles] of Object.entries(this.values())) {
      if (isObject(profiles)) for (const profile of Object.keys(profiles)) out.push({ name, profile });
    }
    return out;
  }
}

/**
 * The settings layers in precedence order; workspace and folder layers only in a trusted workspace.
 * A folder layer exists only in multi-root workspaces: with one folder, VS Code reports the workspace's
 * own settings as the folder's too.
 */
export function settingsSources(trusted: boolean, folder: () => vscode.Uri | undefined, multiRoot = vscode.workspace.workspaceFile !== undefined): ConfigSource[] {
  return LAYERS.filter((l) => (trusted || !l.trustedOnly) && (multiRoot || l.layer !== "settings.folder")).map((l) => new SettingsLayer(l.layer, l.scope, l.label, folder));
}

export type SettingsTarget = vscode.ConfigurationTarget.Global | vscode.ConfigurationTarget.Workspace;

/** Write (or, with `undefined`, remove) one profile in the chosen settings scope. */
export async function writeProfile(name: string, profile: string, values: Record<string, unknown> | undefined, target: SettingsTarget): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<Profiles>(CONNECTORS_KEY);
  const current = structuredClone((target === vscode.ConfigurationTarget.Global ? inspected?.globalValue : inspected?.workspaceValue) ?? {}) as Profiles;
  const byProfile = (current[name] ??= {});
  if (values === undefined) delete byProfile[profile];
  else byProfile[profile] = values;
  if (Object.keys(byProfile).length === 0) delete current[name];
  await config.update(CONNECTORS_KEY, Object.keys(current).length ? current : undefined, target);
}

/** Where a profile is defined in settings (for removal and edits). */
export function profileTargets(name: string, profile: string): SettingsTarget[] {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<Profiles>(CONNECTORS_KEY);
  const targets: SettingsTarget[] = [];
  if (lookup(lookup(inspected?.globalValue, name), profile)) targets.push(vscode.ConfigurationTarget.Global);
  if (lookup(lookup(inspected?.workspaceValue, name), profile)) targets.push(vscode.ConfigurationTarget.Workspace);
  return targets;
}
