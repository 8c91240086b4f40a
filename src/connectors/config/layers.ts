// The configuration layers, lowest to highest precedence:
//   default < pyproject.toml < settings sources (user < workspace < folder) < env __KEY < env __JSON < call
// Each layer yields raw values for one connector name + profile, with the place each value came from.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { ConfigError } from "../errors";
import { keyToken, isPlainObject, type Origin } from "./schema";

export const ENV_PREFIX = "AUTO_WORKFLOW_CONNECTORS_";

/** Raw values of one layer for one name + profile. Keys may be in any spelling; values unparsed. */
export interface LayerValues {
  layer: string;
  /** Human-readable place, used when no per-key source is known (e.g. a settings key). */
  source: string;
  values: Record<string, unknown>;
  /** Per-top-level-key sources, when finer than `source` (e.g. one env var per key). */
  keySources?: Record<string, string>;
}

/**
 * A pluggable layer between pyproject.toml and the environment: the VS Code host contributes
 * user, workspace and folder settings this way (in that order).
 */
export interface ConfigSource {
  readonly layer: string;
  read(name: string, profile: string): LayerValues | undefined;
  /** Names and profiles this source defines (for listing). */
  profiles?(): Array<{ name: string; profile: string }>;
}

/** NAME or PROFILE as it appears in an environment variable. */
export function envSegment(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!isPlainObject(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** `AUTO_WORKFLOW_CONNECTORS_<NAME>_<PROFILE>__KEY[__SUBKEY]` → nested values. */
export function readEnvKeys(env: NodeJS.ProcessEnv, name: string, profile: string): LayerValues | undefined {
  const prefix = `${ENV_PREFIX}${envSegment(name)}_${envSegment(profile)}__`;
  const values: Record<string, unknown> = {};
  const keySources: Record<string, string> = {};
  for (const [variable, value] of Object.entries(env)) {
    if (value === undefined || !variable.toUpperCase().startsWith(prefix)) continue;
    const rest = variable.slice(prefix.length);
    if (rest.toUpperCase() === "JSON" || rest === "") continue;
    const keys = rest.split("__").filter(Boolean);
    if (keys.length === 0) continue;
    setPath(values, keys, value);
    keySources[keys.join(".").toLowerCase()] = variable;
  }
  if (Object.keys(values).length === 0) return undefined;
  return { layer: "env", source: `${prefix}*`, values, keySources };
}

/** `AUTO_WORKFLOW_CONNECTORS_<NAME>_<PROFILE>__JSON` → a whole (partial) profile as JSON. */
export function readEnvJson(env: NodeJS.ProcessEnv, name: string, profile: string): LayerValues | undefined {
  const wanted = `${ENV_PREFIX}${envSegment(name)}_${envSegment(profile)}__JSON`;
  const variable = Object.keys(env).find((k) => k.toUpperCase() === wanted);
  if (!variable) return undefined;
  const text = env[variable] ?? "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${name}.${profile}: ${variable} is not valid JSON (${(error as Error).message})`, {
      connector: name,
      operation: "config",
      key: "(json)",
      layer: "env.json",
      profile,
    });
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError(`${name}.${profile}: ${variable} must hold a JSON object`, {
      connector: name,
      operation: "config",
      key: "(json)",
      layer: "env.json",
      profile,
    });
  }
  return { layer: "env.json", source: variable, values: parsed };
}

/** Profiles named by environment variables, matched against the connector names we know. */
export function envProfiles(env: NodeJS.ProcessEnv, names: readonly string[]): Array<{ name: string; profile: string }> {
  const found = new Map<string, { name: string; profile: string }>();
  const ordered = [...names].sort((a, b) => envSegment(b).length - envSegment(a).length);
  for (const variable of Object.keys(env)) {
    const upper = variable.toUpperCase();
    if (!upper.startsWith(ENV_PREFIX)) continue;
    const rest = upper.slice(ENV_PREFIX.length);
    const split = rest.indexOf("__");
    if (split < 0) continue;
    const head = rest.slice(0, split);
    const name = ordered.find((n) => head.startsWith(`${envSegment(n)}_`));
    if (!name) continue;
    const profile = head.slice(envSegment(name).length + 1).toLowerCase();
    if (profile) found.set(`${name}/${profile}`, { name, profile });
  }
  return [...found.values()];
}

export interface PyprojectConnectors {
  file: string;
  /** name → profile → raw values */
  connectors: Record<string, Record<string, Record<string, unknown>>>;
}

/** Reads `[tool.auto_workflow.connectors.<name>.<profile>]` from `<root>/pyproject.toml`, if present. */
export async function readPyproject(root: string): Promise<PyprojectConnectors | undefined> {
  const file = path.join(root, "pyproject.toml");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { operation: "config", layer: "pyproject" });
  }
  return parsePyproject(text, file);
}

export function parsePyproject(text: string, file: string): PyprojectConnectors {
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid TOML: ${(error as Error).message.split("\n")[0]}`, {
      operation: "config",
      layer: "pyproject",
    });
  }
  const tool = isPlainObject(doc) ? doc["tool"] : undefined;
  const aw = isPlainObject(tool) ? tool["auto_workflow"] : undefined;
  const section = isPlainObject(aw) ? aw["connectors"] : undefined;
  const connectors: PyprojectConnectors["connectors"] = {};
  if (isPlainObject(section)) {
    for (const [name, profiles] of Object.entries(section)) {
      if (!isPlainObject(profiles)) continue;
      for (const [profile, values] of Object.entries(profiles)) {
        if (isPlainObject(values)) (connectors[name] ??= {})[profile] = values;
      }
    }
  }
  return { file, connectors };
}

/** Look a name/profile up in a map whose keys may be spelled differently (`Postgres`, `my-db`/`my_db`). */
export function lookup<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  if (!map) return undefined;
  if (key in map) return map[key];
  const token = keyToken(key);
  const hit = Object.keys(map).find((k) => keyToken(k) === token);
  return hit === undefined ? undefined : map[hit];
}

export function originOf(layer: LayerValues, path: string): Origin {
  const fine = layer.keySources?.[path.toLowerCase()];
  return { layer: layer.layer, source: fine ?? layer.source };
}
