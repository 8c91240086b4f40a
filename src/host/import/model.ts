// What every importer produces, and the shared steps that turn foreign key/value maps into our
// profiles: key canonicalisation, `${VAR}` substitution, and splitting plaintext secrets (including a
// URL's embedded password) away from the values that may go into settings. No vscode here.
// The kinds' field declarations come straight from their config modules (not connectors/index): this
// module, and the diagnostics built on it, stay free of the drivers' SDKs.
import { adls2Fields } from "../../connectors/adls2/config";
import { postgresFields } from "../../connectors/postgres/config";
import { s3Fields } from "../../connectors/s3/config";
import { canonicalKey, isPlainObject, keyToken, secretPaths, type Fields } from "../../connectors/config/schema";
import { findEmbeddedReferences } from "../../connectors/config/secrets";
import { profileScope, storageKey } from "../secrets";

export const IMPORT_KINDS = ["postgres", "s3", "adls2"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportedProfile {
  /** Connector kind: postgres, s3 or adls2. */
  name: ImportKind;
  profile: string;
  /** Values that may be written to settings: never a plaintext secret (references are fine). */
  values: Record<string, unknown>;
  /**
   * Plaintext secrets by storage key (a secret field's dotted path, e.g. `password`, or the key a URL's
   * embedded password is stored under). Each goes to SecretStorage as `secret://<name>.<profile>/<key>`.
   */
  secrets: Record<string, string>;
  /** File (or file and section) the profile came from. */
  source: string;
  /** Findings a person should see; never contain a secret value. */
  warnings: string[];
}

/** The result of parsing one file: the profiles, and findings that belong to no single profile. */
export interface ImportResult {
  profiles: ImportedProfile[];
  warnings: string[];
}

const FIELDS: Record<ImportKind, Fields> = { postgres: postgresFields, s3: s3Fields, adls2: adls2Fields };

/** The field declaration of a kind's built-in driver. */
export function fieldsOf(kind: ImportKind): Fields {
  return FIELDS[kind];
}

/** Every secret field of every built-in kind (dotted paths). */
export function secretKeysOf(kind: ImportKind): string[] {
  return secretPaths(fieldsOf(kind));
}

/** `postgres`, `Postgres`, `post_gres` → postgres; anything else → undefined. */
export function asKind(text: string): ImportKind | undefined {
  return IMPORT_KINDS.find((k) => keyToken(k) === keyToken(text));
}

/** Foreign spellings of our keys (compared by keyToken: case, `_` and `-` ignored). */
const SYNONYMS: Record<ImportKind, Record<string, string>> = {
  postgres: {
    username: "user",
    usr: "user",
    pass: "password",
    pwd: "password",
    url: "dsn",
    uri: "dsn",
    connectionstring: "dsn",
    connectionuri: "dsn",
    dbname: "database",
    db: "database",
    hostname: "host",
    server: "host",
    sslrootcertfile: "sslrootcert",
    appname: "applicationName",
  },
  s3: {
    endpoint: "endpointUrl",
    url: "endpointUrl",
    awsendpointurl: "endpointUrl",
    awsaccesskeyid: "accessKeyId",
    accesskey: "accessKeyId",
    awssecretaccesskey: "secretAccessKey",
    secretkey: "secretAccessKey",
    awssessiontoken: "sessionToken",
    awsregion: "region",
    awsdefaultregion: "region",
    pathstyle: "forcePathStyle",
    usepathstyle: "forcePathStyle",
    s3forcepathstyle: "forcePathStyle",
    profile: "sharedConfigProfile",
    awsprofile: "sharedConfigProfile",
    bucketname: "bucket",
  },
  adls2: {
    account: "accountName",
    storageaccount: "accountName",
    storageaccountname: "accountName",
    key: "accountKey",
    storageaccountkey: "accountKey",
    sas: "sasToken",
    sastoken: "sasToken",
    filesystem: "container",
    containername: "container",
    endpoint: "dfsEndpoint",
    url: "dfsEndpoint",
    accounturl: "dfsEndpoint",
    azuretenantid: "tenantId",
    azureclientid: "clientId",
    azureclientsecret: "clientSecret",
  },
};

/** A foreign key → our key for `kind` (synonyms, then any spelling of a declared key). */
export function mapKey(kind: ImportKind, key: string): string {
  const synonym = SYNONYMS[kind][keyToken(key)];
  return canonicalKey(fieldsOf(kind), synonym ?? key);
}

// ---------------------------------------------------------------------------------------------------
// ${VAR} substitution

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g;
const MISSING = "\uE000";
const missingMarker = (name: string): string => `${MISSING}${name}${MISSING}`;
const MARKERS = /\uE000([A-Za-z_][A-Za-z0-9_]*)\uE000/g;
/** Where a URL's password goes once its storage key is known. */
const PW_SLOT = "\uE001";

/**
 * `${VAR}`, `${VAR:-default}` (default when unset or empty) and `${VAR-default}` (default when unset).
 * Unset variables without a default come back as markers (see `missingIn`) so the caller can decide.
 */
export function substituteEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(VARIABLE, (_match, name: string, op: string | undefined, fallback: string | undefined) => {
    const value = env[name];
    if (op === ":-" && (value === undefined || value === "")) return fallback ?? "";
    if (op === "-" && value === undefined) return fallback ?? "";
    return value ?? missingMarker(name);
  });
}

/** Names of unset variables left in a substituted string. */
export function missingIn(text: string): string[] {
  return [...text.matchAll(MARKERS)].map((m) => m[1]!);
}

function wholeMissing(text: string): string | undefined {
  const m = /^\uE000([A-Za-z_][A-Za-z0-9_]*)\uE000$/.exec(text);
  return m?.[1];
}

function dropMarkers(text: string): string {
  return text.replace(MARKERS, "");
}

// ---------------------------------------------------------------------------------------------------
// URLs with an embedded password

// Same shape the resolver flags as a plaintext URL password: scheme://user:password@…
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@]+)@/i;

export interface UrlPassword {
  /** Offset of the password's first character in the string. */
  start: number;
  /** Offset just past it. */
  end: number;
  /** As written (URL-encoded). */
  raw: string;
  /** Decoded. */
  password: string;
}

/** The password part of `scheme://user:password@host…`, if any (whether or not it is a reference). */
export function urlPassword(text: string): UrlPassword | undefined {
  const m = URL_PASSWORD.exec(text);
  if (!m) return undefined;
  const start = m[1]!.length;
  return { start, end: start + m[2]!.length, raw: m[2]!, password: decodeSafe(m[2]!) };
}

/** A URL password that is plaintext: present, not empty and not a secret:// reference. */
export function plaintextUrlPassword(text: string): UrlPassword | undefined {
  const found = urlPassword(text);
  if (!found || findEmbeddedReferences(text).length > 0) return undefined;
  return found;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The storage key for the password embedded in the URL at `path`: a DSN's password is the profile's
 * `password` unless the profile has a different explicit password, then `dsnPassword`; any other
 * URL's (e.g. proxyUrl) is `<path>Password`.
 */
export function embeddedSecretKey(path: string, explicitPassword: { present: boolean; sameValue: boolean }): string {
  if (path === "dsn") return explicitPassword.present && !explicitPassword.sameValue ? "dsnPassword" : "password";
  return `${path}Password`;
}

// ---------------------------------------------------------------------------------------------------
// Building a profile

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function getPath(target: Record<string, unknown>, path: string): unknown {
  let node: unknown = target;
  for (const key of path.split(".")) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

function deletePath(target: Record<string, unknown>, path: string): void {
  const keys = path.split(".");
  const parent = keys.length > 1 ? getPath(target, keys.slice(0, -1).join(".")) : target;
  if (isPlainObject(parent)) delete parent[keys[keys.length - 1]!];
}

/** Every scalar leaf as [dotted path, value]. */
function leaves(values: Record<string, unknown>, prefix = ""): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) out.push(...leaves(value, path));
    else out.push([path, value]);
  }
  return out;
}

/** Deep merge, `over` winning. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

function canonicalise(kind: ImportKind, fields: Fields, raw: Record<string, unknown>, prefix: string, synonyms: boolean, warnings: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    const path = prefix ? `${prefix}.${rawKey}` : rawKey;
    if (!prefix && keyToken(rawKey) === "driver") {
      if (typeof value === "string" && value) out["driver"] = value;
      continue;
    }
    const key = !prefix && synonyms ? mapKey(kind, rawKey) : canonicalKey(fields, rawKey);
    const field = fields[key];
    if (!field) {
      warnings.push(`"${path}" has no equivalent in ${kind} profiles; left out`);
      continue;
    }
    if (field.type === "object") {
      if (!isPlainObject(value)) {
        warnings.push(`"${path}" must be a table/object; left out`);
        continue;
      }
      const nested = canonicalise(kind, field.fields, value, prefix ? `${prefix}.${key}` : key, false, warnings);
      const existing = out[key];
      out[key] = isPlainObject(existing) ? deepMerge(existing, nested) : nested;
      continue;
    }
    if (isPlainObject(value) && field.type !== "stringMap") {
      warnings.push(`"${path}" must be a single value; left out`);
      continue;
    }
    if (key in out && out[key] !== value) warnings.push(`"${path}" is given more than once (as different spellings); the last one is used`);
    out[key] = value;
  }
  return out;
}

function substituteAll(values: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === "string") values[key] = substituteEnv(value, env);
    else if (isPlainObject(value)) substituteAll(value, env);
  }
}

export interface BuildOptions {
  source: string;
  /** Substitute `${VAR}` forms from this environment (foreign formats); our own pyproject has none. */
  env?: NodeJS.ProcessEnv;
  /** Map foreign key spellings (username → user, endpoint → endpointUrl, …). */
  synonyms?: boolean;
  /** Findings from the format-specific step. */
  warnings?: string[];
}

/** Turn one foreign key/value map into an ImportedProfile: values for settings, secrets apart. */
export function buildProfile(kind: ImportKind, profile: string, raw: Record<string, unknown>, options: BuildOptions): ImportedProfile {
  const fields = fieldsOf(kind);
  const warnings = [...(options.warnings ?? [])];
  const values = canonicalise(kind, fields, raw, "", options.synonyms ?? false, warnings);
  // Strings as written, for URLs whose password is a variable (substituted on their own, below).
  const rawStrings = new Map(leaves(values).filter((l): l is [string, string] => typeof l[1] === "string"));
  if (options.env) substituteAll(values, options.env);
  const secretKeys = new Set(secretPaths(fields));
  const secrets: Record<string, string> = {};
  const scope = profileScope(kind, profile);

  // Secret fields first: a DSN's password may reuse the `password` key.
  for (const [path, value] of leaves(values)) {
    if (!secretKeys.has(path)) continue;
    if (typeof value !== "string" && typeof value !== "number") {
      warnings.push(`"${path}" is a secret and must be a string; left out`);
      deletePath(values, path);
      continue;
    }
    const text = String(value);
    const missing = wholeMissing(text);
    if (missing) {
      setPath(values, path, `secret://env/${missing}`);
      warnings.push(`"${path}": \${${missing}} is not set here; the profile reads it at run time as secret://env/${missing}`);
      continue;
    }
    for (const name of missingIn(text)) warnings.push(`"${path}": \${${name}} is not set; substituted an empty string`);
    const clean = dropMarkers(text);
    if (clean === "") {
      deletePath(values, path);
      warnings.push(`"${path}" is empty; left out`);
      continue;
    }
    if (findEmbeddedReferences(clean).length > 0) {
      setPath(values, path, clean);
      continue;
    }
    secrets[path] = clean;
    deletePath(values, path);
  }

  for (const [path, value] of leaves(values)) {
    if (secretKeys.has(path) || typeof value !== "string") continue;
    const raw = rawStrings.get(path) ?? value;
    let text: string;
    let password: string | undefined;
    // A URL whose password is `${VAR}`: the variable's value is the password itself (not URL-encoded).
    const pw = options.env ? urlPassword(raw) : undefined;
    if (pw && options.env && /^\$\{[^}]+\}$/.test(pw.raw)) {
      const sub = substituteEnv(pw.raw, options.env);
      const missing = wholeMissing(sub);
      const rest = substituteEnv(raw.slice(pw.end), options.env);
      const head = substituteEnv(raw.slice(0, pw.start), options.env);
      if (missing) {
        text = `${head}secret://env/${missing}${rest}`;
        warnings.push(`"${path}": \${${missing}} is not set here; its password is read at run time as secret://env/${missing}`);
      } else if (sub === "") {
        text = `${head.slice(0, -1)}${rest}`;
      } else {
        text = `${head}${PW_SLOT}${rest}`;
        password = sub;
      }
    } else {
      text = value;
    }
    const missing = wholeMissing(text);
    if (missing) {
      deletePath(values, path);
      warnings.push(`"${path}": \${${missing}} is not set; left out`);
      continue;
    }
    for (const name of missingIn(text)) warnings.push(`"${path}": \${${name}} is not set; substituted an empty string`);
    text = dropMarkers(text);
    if (password === undefined) {
      const plain = plaintextUrlPassword(text);
      if (plain) {
        password = plain.password;
        text = `${text.slice(0, plain.start)}${PW_SLOT}${text.slice(plain.end)}`;
      }
    }
    if (password !== undefined) {
      const explicit = secrets["password"];
      const key = embeddedSecretKey(path, { present: explicit !== undefined || getPath(values, "password") !== undefined, sameValue: explicit === password });
      secrets[key] = password;
      text = text.replace(PW_SLOT, storageKey(scope, key));
    }
    setPath(values, path, text);
  }
  return { name: kind, profile, values, secrets, source: options.source, warnings };
}

/**
 * What to write to settings for an imported profile: its values plus a `secret://` reference for every
 * secret that no value refers to already (a DSN's password is referenced from inside the DSN).
 */
export function settingsValues(profile: ImportedProfile): Record<string, unknown> {
  const values = structuredClone(profile.values);
  const scope = profileScope(profile.name, profile.profile);
  const referenced = new Set(leaves(values).flatMap(([, v]) => (typeof v === "string" ? findEmbeddedReferences(v).map((r) => r.raw) : [])));
  const secretKeys = new Set(secretKeysOf(profile.name));
  for (const key of Object.keys(profile.secrets)) {
    const ref = storageKey(scope, key);
    if (referenced.has(ref) || !secretKeys.has(key)) continue;
    setPath(values, key, ref);
  }
  return values;
}

/** `postgres.warehouse from osiris_connections.yaml — 1 secret` (pieces for a quick pick). */
export function describeImported(profile: ImportedProfile, sourceLabel: string): { label: string; description: string } {
  const n = Object.keys(profile.secrets).length;
  const secrets = n === 0 ? "no secrets" : n === 1 ? "1 secret" : `${n} secrets`;
  return { label: `${profile.name}.${profile.profile}`, description: `from ${sourceLabel} — ${secrets}` };
}

/** Keep the first of each name.profile; later duplicates are dropped with a warning. */
export function dedupe(profiles: ImportedProfile[], warnings: string[]): ImportedProfile[] {
  const seen = new Set<string>();
  const out: ImportedProfile[] = [];
  for (const p of profiles) {
    const id = `${p.name}.${p.profile}`;
    if (seen.has(id)) {
      warnings.push(`${id} is defined more than once in ${p.source}; the first one is imported`);
      continue;
    }
    seen.add(id);
    out.push(p);
  }
  return out;
}
