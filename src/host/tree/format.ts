// Pure helpers of the Connectors tree: sizes, counts, progress lines, filters, paging, confirmation
// texts, profile hints and storage URLs. No `vscode` import: unit-tested under node:test.
import type { TransferProgress } from "../../connectors/transfer";

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"] as const;

/** 1536 → "1.5 KB", 5.6 GiB → "5.6 GB" (binary multiples, as VS Code's own explorer shows sizes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // 1023.96 KB would print as "1024.0 KB": carry into the next unit instead.
  if (value >= 1023.95 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 100 ? value.toFixed(1) : Math.round(value).toString()} ${UNITS[unit]}`;
}

/** 1234 → "1,234" (fixed locale: the same text everywhere, tests included). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** "1 object", "3 objects". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** "12.3 MB of 1.2 GB · 3 of 10 files" (parts that are unknown are left out). */
export function progressMessage(p: Pick<TransferProgress, "bytes" | "totalBytes" | "files" | "totalFiles">): string {
  const parts: string[] = [];
  parts.push(p.totalBytes !== undefined ? `${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}` : formatBytes(p.bytes));
  if (p.totalFiles !== undefined && p.totalFiles > 0) parts.push(`${formatCount(p.files)} of ${plural(p.totalFiles, "file")}`);
  return parts.join(" · ");
}

/** Done fraction in [0, 1], or undefined when the total is unknown. */
export function progressFraction(p: Pick<TransferProgress, "bytes" | "totalBytes" | "files" | "totalFiles">): number | undefined {
  if (p.totalBytes !== undefined && p.totalBytes > 0) return Math.min(1, Math.max(0, p.bytes / p.totalBytes));
  if (p.totalFiles !== undefined && p.totalFiles > 0) return Math.min(1, Math.max(0, p.files / p.totalFiles));
  if (p.totalBytes === 0 && p.totalFiles === undefined) return 1;
  return undefined;
}

/**
 * Overall percentage of `index` steps done plus the current one's fraction, out of `steps`; withProgress
 * wants increments, so callers report the difference to what they reported before.
 */
export function overallPercent(index: number, steps: number, fraction: number | undefined): number {
  if (steps <= 0) return 100;
  return Math.min(100, ((index + (fraction ?? 0)) / steps) * 100);
}

// ---------------------------------------------------------------------------------------------
// Listings: prefixes, filters, names, paging

/** S3 prefix of a bucket root ("") or a folder ("logs/"): always "" or ending in "/". */
export function folderPrefix(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

/** What a filtered listing asks for: keys starting with `<node prefix><filter>`. */
export function filterPrefix(nodePrefix: string, filter: string | undefined): string {
  return `${nodePrefix}${filter ?? ""}`;
}

/** ADLS directory ("a/b", "" for the container root) as the prefix of its children's names. */
export function directoryPrefix(directory: string): string {
  const trimmed = directory.replace(/^\/+|\/+$/g, "");
  return trimmed ? `${trimmed}/` : "";
}

/** The label of a child: its key below the parent's prefix, without the trailing "/" of a folder. */
export function childLabel(parentPrefix: string, key: string): string {
  const rel = key.startsWith(parentPrefix) ? key.slice(parentPrefix.length) : key;
  const bare = rel.endsWith("/") ? rel.slice(0, -1) : rel;
  return bare === "" ? "/" : bare;
}

/** Last segment of a key or path: "a/b/c.txt" → "c.txt", "a/b/" → "b". */
export function baseName(key: string): string {
  const trimmed = key.endsWith("/") ? key.slice(0, -1) : key;
  const at = trimmed.lastIndexOf("/");
  return at < 0 ? trimmed : trimmed.slice(at + 1);
}

/** Parent folder of a key or path: "a/b/c.txt" → "a/b/", "a/b/" → "a/", "c" → "". */
export function parentPrefix(key: string): string {
  const trimmed = key.endsWith("/") ? key.slice(0, -1) : key;
  const at = trimmed.lastIndexOf("/");
  return at < 0 ? "" : trimmed.slice(0, at + 1);
}

/** A new folder or file name typed by a person: undefined when fine, else why not. */
export function validateName(name: string, options: { allowSlash?: boolean } = {}): string | undefined {
  const trimmed = name.trim();
  if (trimmed === "") return "Enter a name.";
  if (trimmed !== name) return "Names cannot start or end with spaces.";
  if (!options.allowSlash && name.includes("/")) return "A name cannot contain “/”.";
  if (name.startsWith("/") || name.endsWith("/")) return "A name cannot start or end with “/”.";
  if (name.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return "Empty, “.” and “..” segments are not allowed.";
  if (name.includes("\u0000") || name.includes("\\")) return "A name cannot contain NUL or “\\”.";
  return undefined;
}

/** One entry of a merged listing: something with a stable key. */
export interface Keyed {
  readonly key: string;
}

/** Folders first, then files, each in the order the server returned them (stable). */
export function foldersFirst<T>(entries: readonly T[], isFolder: (entry: T) => boolean): T[] {
  return [...entries.filter(isFolder), ...entries.filter((e) => !isFolder(e))];
}

/** Appends a page to what is shown, in place: entries already shown (same key) are not repeated. */
export function appendPage<T>(shown: readonly T[], page: readonly T[], key: (entry: T) => string): T[] {
  const seen = new Set(shown.map(key));
  const out = [...shown];
  for (const entry of page) {
    const k = key(entry);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(entry);
  }
  return out;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * One page of a listing filtered on this side (ADLS listings cannot filter by name): fetches pages until
 * `want` matches are found, the listing ends, or `maxPages` requests were made (so a rare match in a
 * huge directory never hangs the tree: the rest comes through "Load more…").
 */
export async function collectFiltered<T>(
  fetch: (token: string | undefined) => Promise<Page<T>>,
  options: { token?: string; match: (item: T) => boolean; want: number; maxPages: number },
): Promise<Page<T> & { requests: number }> {
  const items: T[] = [];
  let token = options.token;
  let requests = 0;
  do {
    const page = await fetch(token);
    requests++;
    for (const item of page.items) if (options.match(item)) items.push(item);
    token = page.nextToken;
  } while (token && items.length < options.want && requests < Math.max(1, options.maxPages));
  return { items, requests, ...(token ? { nextToken: token } : {}) };
}

/** Page size from the setting, clamped to what the setting allows. */
export function clampPageSize(value: unknown, fallback = 200): number {
  const n = typeof value === "number" && Number.isFinite(value) ? Math.round(value) : fallback;
  return Math.min(1000, Math.max(10, n));
}

// ---------------------------------------------------------------------------------------------
// Storage URLs as people and other tools write them

/** `s3://bucket/key`, the key as is: that is how the AWS CLI, Spark and Hadoop print and read them. */
export function s3Url(bucket: string, key = ""): string {
  return `s3://${bucket}/${key}`;
}

/** `https://…` host of a dfs endpoint, or undefined for a malformed one. */
function endpointHost(dfsUrl: string): { host: string; pathAccount?: string } | undefined {
  try {
    const url = new URL(dfsUrl);
    const emulator = /^(\d+\.){3}\d+$|^localhost$|^\[/.test(url.hostname);
    const pathAccount = emulator ? url.pathname.split("/").filter(Boolean)[0] : undefined;
    return { host: url.host, ...(pathAccount ? { pathAccount } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * `abfss://container@account.dfs.core.windows.net/path` (Hadoop ABFS, Spark, Databricks). The host is the
 * profile's dfs endpoint; an emulator endpoint (IP or localhost, account in the path) keeps the account as
 * the first path segment. Falls back to `<account>.dfs.core.windows.net` when the endpoint is unknown.
 */
export function abfssUrl(container: string, path: string, account: { name: string; dfsUrl?: string }): string {
  const where = account.dfsUrl ? endpointHost(account.dfsUrl) : undefined;
  const host = where?.host ?? `${account.name}.dfs.core.windows.net`;
  const rel = path.replace(/^\/+/, "");
  const segments = [where?.pathAccount, rel].filter((s): s is string => s !== undefined && s !== "");
  // Not percent-encoded, like s3Url: Hadoop's Path(String) encodes what it is given itself.
  return `abfss://${container}@${host}/${segments.join("/")}`;
}

// ---------------------------------------------------------------------------------------------
// Deletion

export interface DeleteItem {
  /** How a person names it: s3://b/logs/, abfss://c@acct…/dir. */
  url: string;
  /** A single object/file, or a prefix/directory with everything below it. */
  kind: "object" | "folder";
  /** Objects (files) that will be deleted, and their bytes. */
  objects: number;
  bytes: number;
  /** The count stopped early (cancelled): the numbers are lower bounds. */
  partial?: boolean;
}

/** The modal confirmation: names what is deleted and how much ("Delete 1,234 objects (5.6 GB) under s3://b/logs/?"). */
export function deleteConfirmation(items: readonly DeleteItem[], noun: { singular: string; plural: string } = { singular: "object", plural: "objects" }): { message: string; detail: string } {
  const count = (n: number): string => `${formatCount(n)} ${n === 1 ? noun.singular : noun.plural}`;
  const detail = "This cannot be undone.";
  if (items.length === 1) {
    const item = items[0]!;
    if (item.kind === "object") return { message: `Delete ${item.url} (${formatBytes(item.bytes)})?`, detail };
    if (item.objects === 0) return { message: `Delete the empty folder ${item.url}?`, detail };
    return { message: `Delete ${item.partial ? "at least " : ""}${count(item.objects)} (${formatBytes(item.bytes)}) under ${item.url}?`, detail };
  }
  const objects = items.reduce((n, i) => n + i.objects, 0);
  const bytes = items.reduce((n, i) => n + i.bytes, 0);
  const partial = items.some((i) => i.partial);
  const shown = items.slice(0, 10).map((i) => `• ${i.url}${i.kind === "folder" ? ` — ${count(i.objects)}, ${formatBytes(i.bytes)}` : ` — ${formatBytes(i.bytes)}`}`);
  if (items.length > shown.length) shown.push(`• … and ${formatCount(items.length - shown.length)} more`);
  return {
    message: `Delete ${formatCount(items.length)} selected items: ${partial ? "at least " : ""}${count(objects)} (${formatBytes(bytes)}) in all?`,
    detail: `${shown.join("\n")}\n\n${detail}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Profiles, columns, errors

/** Layers a profile's keys come from, highest precedence last ("settings.user", "env"); defaults left out. */
export function originLayers(origins: Record<string, { layer: string }>): string[] {
  const order = ["pyproject", "settings.user", "settings.workspace", "settings.folder", "env", "env.json", "call"];
  const layers = new Set(Object.values(origins).map((o) => o.layer).filter((l) => l !== "default"));
  return [...layers].sort((a, b) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)));
}

const LAYER_LABELS: Record<string, string> = {
  pyproject: "pyproject.toml",
  "settings.user": "user settings",
  "settings.workspace": "workspace settings",
  "settings.folder": "folder settings",
  env: "environment",
  "env.json": "environment",
  call: "overrides",
};

/** Where a profile comes from, in words: `workspace settings, environment`. */
export function originLabels(origins: Record<string, { layer: string }>): string[] {
  return [...new Set(originLayers(origins).map((layer) => LAYER_LABELS[layer] ?? layer))];
}

/** A DSN without its password, for display. */
export function displayDsn(dsn: string): string {
  try {
    const url = new URL(dsn);
    if (url.password) url.password = "";
    return url.toString().replace(/:@/, "@");
  } catch {
    return dsn.replace(/(:\/\/[^:/@\s]*):[^@\s]*@/, "$1@");
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Endpoint and identity hints for a profile's tooltip, from its resolved (secret-free) values. */
export function profileHints(kind: string, values: Record<string, unknown>): Array<[label: string, value: string]> {
  const out: Array<[string, string]> = [];
  const add = (label: string, value: string | undefined): void => {
    if (value !== undefined) out.push([label, value]);
  };
  if (kind === "postgres") {
    const dsn = str(values["dsn"]);
    let host = str(values["host"]);
    let port = values["port"] !== undefined ? String(values["port"]) : undefined;
    let database = str(values["database"]);
    let user = str(values["user"]);
    if (dsn) {
      try {
        const url = new URL(dsn);
        host ??= decodeURIComponent(url.hostname) || undefined;
        port ??= url.port || undefined;
        database ??= decodeURIComponent(url.pathname.replace(/^\//, "")) || undefined;
        user ??= decodeURIComponent(url.username) || undefined;
      } catch {
        add("DSN", displayDsn(dsn));
      }
    }
    add("Endpoint", host ? `${host}:${port ?? "5432"}` : undefined);
    add("Database", database);
    add("User", user);
    add("TLS", str(values["sslmode"]));
  } else if (kind === "s3") {
    add("Endpoint", str(values["endpointUrl"]) ?? (str(values["region"]) ? `https://s3.${String(values["region"])}.amazonaws.com` : undefined));
    add("Region", str(values["region"]));
    add("Bucket", str(values["bucket"]));
    const keyId = str(values["accessKeyId"]);
    add(
      "Identity",
      values["anonymous"] === true
        ? "anonymous"
        : keyId
          ? `access key ${keyId.length > 8 ? `${keyId.slice(0, 4)}…${keyId.slice(-4)}` : keyId}`
          : str(values["sharedConfigProfile"])
            ? `AWS profile ${String(values["sharedConfigProfile"])}`
            : "default credential chain",
    );
    add("Role", str(values["roleArn"]));
  } else if (kind === "adls2") {
    add("Account", str(values["accountName"]));
    add("Endpoint", str(values["dfsEndpoint"]) ?? str(values["blobEndpoint"]));
    add("Container", str(values["container"]));
    add(
      "Identity",
      values["accountKey"] !== undefined
        ? "shared key"
        : values["sasToken"] !== undefined
          ? "SAS token"
          : values["connectionString"] !== undefined
            ? "connection string"
            : values["clientSecret"] !== undefined
              ? `service principal ${str(values["clientId"]) ?? ""}`.trim()
              : values["workloadIdentity"] === true
                ? "workload identity"
                : "DefaultAzureCredential",
    );
  }
  return out;
}

export interface ColumnFacts {
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  default?: string | null;
}

/** "integer, not null, PK" — the column's description in the tree. */
export function columnDescription(column: ColumnFacts): string {
  return [column.type, ...(column.nullable ? [] : ["not null"]), ...(column.primaryKey ? ["PK"] : [])].join(", ");
}

/** The text of an error for a person: the classified message (hint included) on its first line. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as { hint?: unknown }).hint;
    const text = error.message || error.name;
    return typeof hint === "string" && hint && !text.includes(hint) ? `${text} — ${hint}` : text;
  }
  return String(error);
}

/** First line, at most `max` characters (tree labels stay one line). */
export function firstLine(text: string, max = 200): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
