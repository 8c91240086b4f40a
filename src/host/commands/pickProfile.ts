// The quick pick every profile command starts with, grouped by backend.
import * as vscode from "vscode";
import type { Connections, ProfileRef } from "../connections";

export const BACKEND_LABELS: Record<string, string> = { postgres: "PostgreSQL", s3: "Amazon S3", adls2: "Azure Data Lake Gen2" };

/** A node from the tree (or a `{name, profile}` object) → the profile it names. */
export function asProfileRef(arg: unknown): ProfileRef | undefined {
  const candidate = arg as { ref?: ProfileRef; name?: unknown; profile?: unknown } | undefined;
  if (candidate?.ref && typeof candidate.ref.name === "string") return candidate.ref;
  if (typeof candidate?.name === "string" && typeof candidate.profile === "string") return { name: candidate.name, profile: candidate.profile };
  return undefined;
}

export async function pickProfile(connections: Connections, placeHolder: string, kinds?: readonly string[]): Promise<ProfileRef | undefined> {
  const profiles = (await connections.profiles()).filter((p) => !kinds || kinds.includes(p.name));
  if (profiles.length === 0) {
    const add = "Add Connection Profile";
    if ((await vscode.window.showInformationMessage("No connection profiles are configured.", add)) === add) await vscode.commands.executeCommand("autoWorkflow.addProfile");
    return undefined;
  }
  type Item = vscode.QuickPickItem & { ref?: ProfileRef };
  const items: Item[] = [];
  for (const kind of Object.keys(BACKEND_LABELS)) {
    const group = profiles.filter((p) => p.name === kind);
    if (!group.length) continue;
    items.push({ label: BACKEND_LABELS[kind]!, kind: vscode.QuickPickItemKind.Separator });
    for (const ref of group) items.push({ label: ref.profile, description: `${ref.name}.${ref.profile}`, ref });
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked?.ref;
}
