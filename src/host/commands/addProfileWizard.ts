// "Add Connection Profile…": a short wizard per backend. Passwords and keys go to SecretStorage;
// settings receive only secret:// references.
import * as vscode from "vscode";
import type { Connections } from "../connections";
import { profileScope } from "../secrets";
import { writeProfile, type SettingsTarget } from "../settings";
import { BACKEND_LABELS } from "./pickProfile";

interface Step {
  title: string;
  step: number;
  total: number;
}

async function ask(step: Step, prompt: string, options: { value?: string; password?: boolean; optional?: boolean; validate?: (v: string) => string | undefined } = {}): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: `${step.title} (${step.step}/${step.total})`,
    prompt,
    value: options.value ?? "",
    password: options.password ?? false,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === "" && !options.optional ? "Required" : options.validate?.(v.trim())),
  });
  step.step++;
  return value === undefined ? undefined : value.trim();
}

async function choose<T extends string>(step: Step, placeHolder: string, items: Array<{ label: string; value: T; detail?: string }>): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(items, { title: `${step.title} (${step.step}/${step.total})`, placeHolder, ignoreFocusOut: true });
  step.step++;
  return picked?.value;
}

const PORT = (v: string): string | undefined => (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536 ? undefined : "A port number, 1–65535");

type Values = Record<string, unknown>;
type Secrets = Record<string, string>;

async function postgresSteps(step: Step): Promise<{ values: Values; secrets: Secrets } | undefined> {
  const host = await ask(step, "Host name, IP address or Unix socket directory", { value: "localhost" });
  if (host === undefined) return undefined;
  const port = await ask(step, "Port", { value: "5432", validate: PORT });
  if (port === undefined) return undefined;
  const database = await ask(step, "Database", { value: "postgres" });
  if (database === undefined) return undefined;
  const user = await ask(step, "User (role)", { value: "postgres" });
  if (user === undefined) return undefined;
  const password = await ask(step, "Password (stored in SecretStorage; leave empty for none)", { password: true, optional: true });
  if (password === undefined) return undefined;
  const sslmode = await choose(step, "TLS", [
    { label: "require", value: "require", detail: "Encrypt; do not verify the certificate (the default)" },
    { label: "verify-full", value: "verify-full", detail: "Encrypt and verify the CA and the host name" },
    { label: "prefer", value: "prefer", detail: "Encrypt when the server offers TLS" },
    { label: "disable", value: "disable", detail: "No TLS (local servers)" },
  ]);
  if (!sslmode) return undefined;
  return { values: { host, port: Number(port), database, user, sslmode }, secrets: password ? { password } : {} };
}

async function s3Steps(step: Step): Promise<{ values: Values; secrets: Secrets } | undefined> {
  const kind = await choose(step, "Which store and credentials?", [
    { label: "AWS — default credentials", value: "default", detail: "Environment, ~/.aws profiles, SSO, instance roles" },
    { label: "AWS — access keys", value: "keys" },
    { label: "S3-compatible endpoint — access keys", value: "compatible", detail: "Ceph, MinIO, R2, Wasabi, …" },
    { label: "Anonymous", value: "anonymous", detail: "Public buckets only" },
  ]);
  if (!kind) return undefined;
  const region = await ask(step, "Region", { value: "us-east-1" });
  if (region === undefined) return undefined;
  const values: Values = { region };
  const secrets: Secrets = {};
  if (kind === "compatible") {
    const endpointUrl = await ask(step, "Endpoint URL", { value: "http://127.0.0.1:9000", validate: (v) => (/^https?:\/\//.test(v) ? undefined : "http(s)://host:port") });
    if (endpointUrl === undefined) return undefined;
    Object.assign(values, { endpointUrl, checksum: "when_required" });
  }
  if (kind === "keys" || kind === "compatible") {
    const accessKeyId = await ask(step, "Access key id");
    if (accessKeyId === undefined) return undefined;
    const secretAccessKey = await ask(step, "Secret access key (stored in SecretStorage)", { password: true });
    if (secretAccessKey === undefined) return undefined;
    values["accessKeyId"] = accessKeyId;
    secrets["secretAccessKey"] = secretAccessKey;
  }
  if (kind === "anonymous") values["anonymous"] = true;
  return { values, secrets };
}

async function adls2Steps(step: Step): Promise<{ values: Values; secrets: Secrets } | undefined> {
  const accountName = await ask(step, "Storage account name", { validate: (v) => (/^[a-z0-9]{3,24}$/.test(v) ? undefined : "3–24 lower-case letters and digits") });
  if (accountName === undefined) return undefined;
  const kind = await choose(step, "Credentials", [
    { label: "Microsoft Entra ID", value: "entra", detail: "DefaultAzureCredential: az login, managed identity, environment" },
    { label: "Account key", value: "accountKey" },
    { label: "SAS token", value: "sasToken" },
    { label: "Connection string", value: "connectionString" },
    { label: "Service principal (client secret)", value: "clientSecret" },
  ]);
  if (!kind) return undefined;
  const values: Values = { accountName };
  const secrets: Secrets = {};
  if (kind === "accountKey" || kind === "sasToken" || kind === "connectionString") {
    const secret = await ask(step, `${kind === "accountKey" ? "Account key" : kind === "sasToken" ? "SAS token" : "Connection string"} (stored in SecretStorage)`, { password: true });
    if (secret === undefined) return undefined;
    secrets[kind] = secret;
  } else if (kind === "clientSecret") {
    const tenantId = await ask(step, "Tenant id");
    if (tenantId === undefined) return undefined;
    const clientId = await ask(step, "Client (application) id");
    if (clientId === undefined) return undefined;
    const clientSecret = await ask(step, "Client secret (stored in SecretStorage)", { password: true });
    if (clientSecret === undefined) return undefined;
    Object.assign(values, { tenantId, clientId });
    secrets["clientSecret"] = clientSecret;
  }
  return { values, secrets };
}

export async function addProfileWizard(connections: Connections): Promise<{ name: string; profile: string } | undefined> {
  const step: Step = { title: "Add Connection Profile", step: 1, total: 8 };
  const name = await choose(step, "Backend", [
    { label: BACKEND_LABELS["postgres"]!, value: "postgres" },
    { label: BACKEND_LABELS["s3"]!, value: "s3" },
    { label: BACKEND_LABELS["adls2"]!, value: "adls2" },
  ]);
  if (!name) return undefined;
  const existing = new Set((await connections.profiles()).filter((p) => p.name === name).map((p) => p.profile));
  const profile = await ask(step, "Profile name", {
    value: existing.has("default") ? "" : "default",
    validate: (v) => (!/^[A-Za-z0-9_-]+$/.test(v) ? "Letters, digits, - and _" : existing.has(v) ? `${name}.${v} exists already` : undefined),
  });
  if (!profile) return undefined;
  const answers = name === "postgres" ? await postgresSteps(step) : name === "s3" ? await s3Steps(step) : await adls2Steps(step);
  if (!answers) return undefined;
  const workspaceOk = vscode.workspace.isTrusted && (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const target: SettingsTarget | undefined = workspaceOk
    ? await choose<"user" | "workspace">(step, "Save the profile in", [
        { label: "User settings", value: "user", detail: "Available in every workspace" },
        { label: "Workspace settings", value: "workspace", detail: ".vscode/settings.json of this workspace (secrets stay in SecretStorage)" },
      ]).then((t) => (t === undefined ? undefined : t === "user" ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace))
    : vscode.ConfigurationTarget.Global;
  if (target === undefined) return undefined;
  const values = { ...answers.values };
  for (const [key, value] of Object.entries(answers.secrets)) values[key] = await connections.secrets.set(profileScope(name, profile), key, value);
  await writeProfile(name, profile, values, target);
  const test = "Test Connection";
  void vscode.window.showInformationMessage(`Added ${name}.${profile}.`, test).then((choice) => {
    if (choice === test) void vscode.commands.executeCommand("autoWorkflow.testProfile", { name, profile });
  });
  return { name, profile };
}
