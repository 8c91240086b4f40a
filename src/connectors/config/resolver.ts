// Merges the layers for one name + profile, validates against the driver's declaration, resolves
// secret references, and reports where every key came from (with secrets masked).
import { createHash } from "node:crypto";
import { MASK, Redactor, baseRedactor } from "../redact";
import { readEnvJson, readEnvKeys, lookup, originOf, type ConfigSource, type LayerValues, type PyprojectConnectors } from "./layers";
import { canonicalKey, configError, keyToken, defaultsOf, isPlainObject, secretPaths, unknownKeys, validate, type Fields, type Origins } from "./schema";
import { findEmbeddedReferences, parseSecretReference, resolveReference, type SecretResolver } from "./secrets";

export interface ResolveInputs {
  name: string;
  profile: string;
  fields: Fields;
  env: NodeJS.ProcessEnv;
  pyproject: PyprojectConnectors | undefined;
  sources: readonly ConfigSource[];
  overrides: Record<string, unknown> | undefined;
  secrets: SecretResolver | undefined;
  driver: string;
}

/** Public, secret-free view of a profile's configuration. */
export interface ResolvedConfigView {
  name: string;
  profile: string;
  driver: string;
  /** Merged values; secret fields show their `secret://` reference or a mask, never a value. */
  values: Record<string, unknown>;
  /** Dotted key → the layer and place it came from. */
  origins: Origins;
  /** Unknown keys, plaintext secrets and similar findings a person should see. */
  warnings: string[];
}

export interface ResolvedConfig<C = Record<string, unknown>> extends ResolvedConfigView {
  /** Validated values with secrets resolved. Internal: never log or send it. */
  config: C;
  /** Every resolved secret value, for the client's redactor. */
  secretValues: string[];
  /** Identity of the effective configuration, secrets included (hashed). */
  hash: string;
}

const SETTINGS_LAYERS = /^(settings|pyproject)/;

/** Collect raw layers in precedence order, lowest first (defaults excluded). */
export function collectLayers(inputs: Omit<ResolveInputs, "fields" | "driver">): LayerValues[] {
  const { name, profile } = inputs;
  const layers: LayerValues[] = [];
  const py = lookup(lookup(inputs.pyproject?.connectors, name), profile);
  if (py && inputs.pyproject) {
    layers.push({ layer: "pyproject", source: `${inputs.pyproject.file} [tool.auto_workflow.connectors.${name}.${profile}]`, values: py });
  }
  for (const source of inputs.sources) {
    const found = source.read(name, profile);
    if (found) layers.push(found);
  }
  const envKeys = readEnvKeys(inputs.env, name, profile);
  if (envKeys) layers.push(envKeys);
  const envJson = readEnvJson(inputs.env, name, profile);
  if (envJson) layers.push(envJson);
  if (inputs.overrides && Object.keys(inputs.overrides).length) {
    layers.push({ layer: "call", source: "per-call overrides", values: inputs.overrides });
  }
  return layers;
}

/** The `driver` key wins like any other key; absent, the kind's default driver is used. */
export function pickDriver(layers: readonly LayerValues[], fallback: string): string {
  let driver = fallback;
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (canonicalKey({ driver: { type: "string", description: "" } }, key) === "driver" && typeof value === "string") driver = value;
    }
  }
  return driver;
}

/** Deep-merge one layer into `target`, canonicalising keys and recording origins per leaf. */
function mergeLayer(fields: Fields | undefined, target: Record<string, unknown>, values: Record<string, unknown>, layer: LayerValues, origins: Origins, prefix: string, rawPrefix: string): void {
  for (const [rawKey, value] of Object.entries(values)) {
    const key = fields ? canonicalKey(fields, rawKey) : rawKey;
    if (!prefix && keyToken(rawKey) === "driver") continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const rawPath = rawPrefix ? `${rawPrefix}.${rawKey}` : rawKey;
    const field = fields?.[key];
    if (field?.type === "object" && isPlainObject(value)) {
      const existing = isPlainObject(target[key]) ? (target[key] as Record<string, unknown>) : {};
      target[key] = existing;
      mergeLayer(field.fields, existing, value, layer, origins, path, rawPath);
      continue;
    }
    target[key] = value;
    for (const stale of Object.keys(origins)) if (stale.startsWith(`${path}.`)) delete origins[stale];
    origins[path] = originOf(layer, rawPath);
  }
}

function setPath(values: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = values;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

/** Every string leaf as [dotted path, value]. */
function stringLeaves(values: Record<string, unknown>, prefix = ""): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.push([path, value]);
    else if (isPlainObject(value)) out.push(...stringLeaves(value, path));
  }
  return out;
}

const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@]+)@/i;

export async function resolveConfig<C>(inputs: ResolveInputs): Promise<ResolvedConfig<C>> {
  const { name, profile, fields } = inputs;
  const origins: Origins = {};
  const merged: Record<string, unknown> = {};
  mergeLayer(fields, merged, defaultsOf(fields), { layer: "default", source: "built-in default", values: {} }, origins, "", "");
  for (const layer of collectLayers(inputs)) mergeLayer(fields, merged, layer.values, layer, origins, "", "");

  const ctx = { connector: name, profile, origins };
  const warnings: string[] = [];
  for (const key of unknownKeys(fields, merged)) {
    const origin = origins[key];
    warnings.push(`unknown key "${key}"${origin ? ` (from ${origin.layer}: ${origin.source})` : ""} is ignored`);
  }

  // Resolve secret references on a copy; the masked view keeps the references.
  const resolved = structuredClone(merged);
  const secretValues: string[] = [];
  const secretKeys = new Set(secretPaths(fields));
  for (const [path, text] of stringLeaves(merged)) {
    const refs = findEmbeddedReferences(text);
    if (refs.length === 0) {
      const plaintextSecret = secretKeys.has(path) && text.length > 0;
      const urlPassword = URL_PASSWORD.exec(text)?.[1];
      if (plaintextSecret) secretValues.push(text);
      if (urlPassword) secretValues.push(decodeURIComponentSafe(urlPassword));
      const origin = origins[path];
      if ((plaintextSecret || urlPassword) && origin && SETTINGS_LAYERS.test(origin.layer)) {
        warnings.push(`"${path}" holds a plaintext secret in ${origin.layer} (${origin.source}); store it in SecretStorage and use a secret:// reference`);
      }
      continue;
    }
    let value = text;
    for (const ref of refs) {
      let secret: string | undefined;
      try {
        secret = await resolveReference(ref, inputs.env, inputs.secrets);
      } catch (error) {
        const failure = configError({ ...ctx, redactor: new Redactor(secretValues) }, path, `refers to ${ref.raw}, which could not be read: ${error instanceof Error ? error.message : String(error)}`);
        throw failure;
      }
      if (secret === undefined) {
        throw configError(ctx, path, `refers to ${ref.raw}, which has no value (${ref.scope === "env" ? `set the environment variable ${ref.key}` : "set it with the Set Secret command"})`);
      }
      secretValues.push(secret);
      const standalone = parseSecretReference(text) !== undefined;
      value = value.split(ref.raw).join(standalone ? secret : encodeURIComponent(secret));
    }
    setPath(resolved, path, value);
  }

  const redactor = new Redactor(secretValues);
  const config = validate<C>(fields, resolved, { ...ctx, redactor });
  // The view shows effective (coerced) values; where the layers held a reference, the reference.
  const values = maskValues(overlay(merged, config as Record<string, unknown>), merged, secretKeys, redactor);
  const hash = createHash("sha256").update(JSON.stringify([inputs.driver, config])).digest("hex");
  return { name, profile, driver: inputs.driver, values, origins, warnings, config, secretValues, hash };
}

/** `coerced` wherever it has a value, `raw` elsewhere (unknown keys keep their raw form). */
function overlay(raw: Record<string, unknown>, coerced: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(coerced)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(raw[key]) ? overlay(raw[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

function maskValues(values: Record<string, unknown>, raw: Record<string, unknown>, secretKeys: Set<string>, redactor: Redactor, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const rawValue = raw[key];
    if (isPlainObject(value)) out[key] = maskValues(value, isPlainObject(rawValue) ? rawValue : {}, secretKeys, redactor, path);
    else if (typeof rawValue === "string" && findEmbeddedReferences(rawValue).length > 0) out[key] = rawValue;
    else if (typeof value === "string" && secretKeys.has(path)) out[key] = MASK;
    else if (typeof value === "string") out[key] = redactor.redact(baseRedactor.redact(value));
    else out[key] = value;
  }
  return out;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

