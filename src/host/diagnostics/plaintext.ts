// Finds plaintext secrets in settings.json (`autoWorkflow.connectors.<name>.<profile>`) and
// pyproject.toml (`[tool.auto_workflow.connectors.<name>.<profile>]`): values of secret fields that are
// not secret:// references, and URLs (DSNs) with an embedded plaintext password. No vscode here.
import { canonicalKey, secretPaths, type Fields } from "../../connectors/config/schema";
import { findEmbeddedReferences } from "../../connectors/config/secrets";
import { asKind, embeddedSecretKey, fieldsOf, plaintextUrlPassword, type ImportKind } from "../import/model";
import { parseJsonc, propertiesNamed, type JsonNode } from "./jsonc";
import { scanTomlStrings } from "./toml";

export type SecretFileFormat = "settings" | "pyproject";

export interface PlaintextSecret {
  /** Connector kind (canonical), e.g. postgres. */
  name: ImportKind;
  /** Profile as written. */
  profile: string;
  /** Canonical dotted key of the value, e.g. `password` or `dsn`. */
  key: string;
  /** `value`: the whole value is the secret; `url-password`: the password part of a URL. */
  kind: "value" | "url-password";
  /** The decoded secret (never show it). */
  secret: string;
  /** The whole decoded value it is part of (never show it either). */
  value: string;
  /** Key it goes to in SecretStorage: secret://<name>.<profile>/<storageKey>. */
  storageKey: string;
  /** The value's literal in the file, quotes included. */
  literal: { offset: number; length: number };
  /** What to flag and replace: the literal, or just the password inside it when offsets map 1:1. */
  target: { offset: number; length: number };
  /** `target` is the password inside the literal (not the whole literal). */
  inPlace: boolean;
  format: SecretFileFormat;
  message: string;
}

export const PLAINTEXT_SECRET_CODE = "plaintext-secret";

/** A string value somewhere under a profile. */
interface ProfileString {
  name: string;
  profile: string;
  /** Keys below the profile, as written. */
  keys: string[];
  value: string;
  offset: number;
  length: number;
  verbatim: boolean;
}

/** Which kind of file this is, by its name; undefined for anything else. */
export function secretFileFormat(path: string): SecretFileFormat | undefined {
  const base = (path.split(/[\\/]/).pop() ?? "").toLowerCase();
  if (base === "settings.json") return "settings";
  if (base === "pyproject.toml") return "pyproject";
  return undefined;
}

function collectJson(node: JsonNode, name: string, profile: string, keys: string[], out: ProfileString[]): void {
  if (node.type === "object") {
    for (const p of node.properties) if (p.value) collectJson(p.value, name, profile, [...keys, p.key], out);
  } else if (node.type === "string" && keys.length > 0) {
    out.push({ name, profile, keys, value: node.value, offset: node.offset, length: node.length, verbatim: node.verbatim });
  }
}

/** String values under `autoWorkflow.connectors` (as a dotted key or nested `autoWorkflow: { connectors }`). */
function settingsStrings(text: string): ProfileString[] {
  const root = parseJsonc(text);
  const sections = [...propertiesNamed(root, "autoWorkflow.connectors"), ...propertiesNamed(root, "autoWorkflow").flatMap((n) => propertiesNamed(n, "connectors"))];
  const out: ProfileString[] = [];
  for (const section of sections) {
    if (section.type !== "object") continue;
    for (const byName of section.properties) {
      if (byName.value?.type !== "object") continue;
      for (const byProfile of byName.value.properties) {
        if (byProfile.value?.type === "object") collectJson(byProfile.value, byName.key, byProfile.key, [], out);
      }
    }
  }
  return out;
}

const PYPROJECT_PREFIX = ["tool", "auto_workflow", "connectors"];

function pyprojectStrings(text: string): ProfileString[] {
  const out: ProfileString[] = [];
  for (const s of scanTomlStrings(text)) {
    if (s.path.length < PYPROJECT_PREFIX.length + 3 || PYPROJECT_PREFIX.some((k, i) => s.path[i] !== k)) continue;
    const [name, profile, ...keys] = s.path.slice(PYPROJECT_PREFIX.length);
    if (keys.includes("[]")) continue;
    out.push({ name: name!, profile: profile!, keys, value: s.value, offset: s.offset, length: s.length, verbatim: s.verbatim });
  }
  return out;
}

/** Written keys → the declared dotted path (any spelling), or undefined below a non-object field. */
function canonicalPath(fields: Fields, keys: string[]): string | undefined {
  const out: string[] = [];
  let level: Fields | undefined = fields;
  for (const key of keys) {
    if (!level) return undefined;
    const canonical = canonicalKey(level, key);
    out.push(canonical);
    const field: Fields[string] | undefined = level[canonical];
    level = field?.type === "object" ? field.fields : undefined;
  }
  return out.join(".");
}

/** Every plaintext secret in a settings.json or pyproject.toml text. */
export function findPlaintextSecrets(text: string, format: SecretFileFormat): PlaintextSecret[] {
  const strings = format === "settings" ? settingsStrings(text) : pyprojectStrings(text);
  const out: PlaintextSecret[] = [];
  for (const s of strings) {
    const kind = asKind(s.name);
    if (!kind) continue;
    const fields = fieldsOf(kind);
    const key = canonicalPath(fields, s.keys);
    if (key === undefined) continue;
    const literal = { offset: s.offset, length: s.length };
    const label = `${kind}.${s.profile}`;
    if (secretPaths(fields).includes(key)) {
      if (s.value.trim() === "" || findEmbeddedReferences(s.value).length > 0) continue;
      out.push({
        name: kind,
        profile: s.profile,
        key,
        kind: "value",
        secret: s.value,
        value: s.value,
        storageKey: key,
        literal,
        target: literal,
        inPlace: false,
        format,
        message: `${key} of ${label} is stored in plaintext; move it to SecretStorage`,
      });
      continue;
    }
    const pw = plaintextUrlPassword(s.value);
    if (!pw) continue;
    // The profile's explicit password (same file, same profile), which a DSN's password must not clobber.
    const explicit = strings.find((o) => o !== s && o.name === s.name && o.profile === s.profile && canonicalPath(fields, o.keys) === "password");
    const storageKey = embeddedSecretKey(key, { present: explicit !== undefined, sameValue: explicit?.value === pw.password });
    // Offsets inside the value are offsets in the file (after the opening quote) when nothing is escaped.
    const target = s.verbatim ? { offset: s.offset + 1 + pw.start, length: pw.end - pw.start } : literal;
    out.push({
      name: kind,
      profile: s.profile,
      key,
      kind: "url-password",
      secret: pw.password,
      value: s.value,
      storageKey,
      literal,
      target,
      inPlace: s.verbatim,
      format,
      message: `the password in ${key} of ${label} is stored in plaintext; move it to SecretStorage`,
    });
  }
  return out;
}

/**
 * The text that replaces `finding.target` once the secret is stored under `reference`: a quoted reference
 * for a whole value, the bare reference for a URL password, or the whole re-quoted URL when it had escapes.
 */
export function replacementFor(finding: PlaintextSecret, reference: string): string {
  if (finding.kind === "value") return JSON.stringify(reference);
  if (finding.inPlace) return reference;
  const pw = plaintextUrlPassword(finding.value);
  const next = pw ? `${finding.value.slice(0, pw.start)}${reference}${finding.value.slice(pw.end)}` : finding.value;
  return JSON.stringify(next);
}

/** Whether a finding is the one a command argument names (name and key in any spelling). */
export function matchesFinding(finding: PlaintextSecret, name: string, profile: string, key: string): boolean {
  if (asKind(name) !== finding.name || profile !== finding.profile) return false;
  const fields = fieldsOf(finding.name);
  return canonicalPath(fields, key.split(".")) === finding.key;
}
