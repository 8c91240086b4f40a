// Declarative description of a driver's configuration. One declaration gives: coercion and
// validation with messages that name the key and the layer it came from, default values, the list of
// secret keys (for masking and plaintext warnings), and a JSON Schema for VS Code settings and docs.
import { ConfigError } from "../errors";
import type { Redactor } from "../redact";

interface FieldBase {
  description: string;
  /** Never shown, logged or written to settings; plaintext values are flagged. */
  secret?: boolean;
}
export interface StringField extends FieldBase {
  type: "string";
  default?: string;
  enum?: readonly string[];
  /** Further validation (e.g. a DSN's syntax): a problem sentence, or undefined when fine. */
  check?: (value: string) => string | undefined;
}
export interface IntegerField extends FieldBase {
  type: "integer";
  default?: number;
  minimum?: number;
  maximum?: number;
}
export interface DurationField extends FieldBase {
  type: "duration";
  /** milliseconds */
  default?: number;
}
export interface BytesField extends FieldBase {
  type: "bytes";
  /** bytes */
  default?: number;
  minimum?: number;
}
export interface BooleanField extends FieldBase {
  type: "boolean";
  default?: boolean;
}
export interface StringMapField extends FieldBase {
  type: "stringMap";
}
export interface ObjectField extends FieldBase {
  type: "object";
  fields: Record<string, Field>;
}
export type Field = StringField | IntegerField | DurationField | BytesField | BooleanField | StringMapField | ObjectField;
export type Fields = Record<string, Field>;

/** Where a value came from: the layer and, for people, the exact place (env var, file, setting). */
export interface Origin {
  layer: string;
  source: string;
}
export type Origins = Record<string, Origin>;

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const BYTES = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i;
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };
const TRUE = new Set(["true", "yes", "on", "1"]);
const FALSE = new Set(["false", "no", "off", "0"]);

/** `100ms`, `30s`, `5m`, `1h`, or a number of milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = DURATION.exec(value);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? "ms").toLowerCase()]!);
}

/** `8MiB`, `5MB`, `64KiB`, `1GiB`, or a number of bytes. */
export function parseBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = BYTES.exec(value);
  if (!m) return undefined;
  // A fraction of a byte is a typo, not a size.
  if ((m[2] === undefined || m[2].toLowerCase() === "b") && m[1]!.includes(".")) return undefined;
  return Math.round(Number(m[1]) * UNIT_BYTES[(m[2] ?? "b").toLowerCase()]!);
}

/** `STATEMENT_TIMEOUT`, `statement_timeout`, `statementTimeout` → the same comparable form. */
export function keyToken(key: string): string {
  return key.replace(/[_-]/g, "").toLowerCase();
}

/** Map any spelling of the keys onto the declared camelCase keys; unknown keys are kept as given. */
export function canonicalKey(fields: Fields, key: string): string {
  const token = keyToken(key);
  for (const name of Object.keys(fields)) if (keyToken(name) === token) return name;
  return key;
}

export interface ValidationContext {
  connector: string;
  profile: string;
  origins: Origins;
  /** Knows the resolved secrets, so no message can echo one. */
  redactor?: Redactor;
}

function describeOrigin(origins: Origins, path: string): Origin | undefined {
  // A nested value may have come in as a whole object (e.g. from __JSON): walk up to the nearest origin.
  for (let p = path; p; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    const o = origins[p];
    if (o) return o;
  }
  return undefined;
}

export function configError(ctx: ValidationContext, path: string, problem: string): ConfigError {
  const origin = describeOrigin(ctx.origins, path);
  const where = origin ? ` (from ${origin.layer}: ${origin.source})` : "";
  return new ConfigError(`${ctx.connector}.${ctx.profile}: "${path}" ${problem}${where}`, {
    connector: ctx.connector,
    operation: "config",
    key: path,
    layer: origin?.layer,
    profile: ctx.profile,
    ...(ctx.redactor ? { redactor: ctx.redactor } : {}),
  });
}

function show(value: unknown, secret: boolean | undefined): string {
  if (secret) return "a secret value";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function coerceField(field: Field, value: unknown, path: string, ctx: ValidationContext): unknown {
  const bad = (expected: string): ConfigError => configError(ctx, path, `must be ${expected}, got ${show(value, field.secret)}`);
  switch (field.type) {
    case "string": {
      const text = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
      if (typeof text !== "string") throw bad("a string");
      if (field.enum) {
        const match = field.enum.find((e) => e.toLowerCase() === text.trim().toLowerCase());
        if (!match) throw bad(`one of ${field.enum.join(", ")}`);
        return match;
      }
      const problem = field.check?.(text);
      if (problem) throw configError(ctx, path, problem);
      return text;
    }
    case "integer": {
      const n = typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n)) throw bad("an integer");
      if (field.minimum !== undefined && n < field.minimum) throw bad(`an integer ≥ ${field.minimum}`);
      if (field.maximum !== undefined && n > field.maximum) throw bad(`an integer ≤ ${field.maximum}`);
      return n;
    }
    case "duration": {
      const ms = parseDuration(value);
      if (ms === undefined) throw bad("a duration such as 100ms, 30s or 5m (a bare number is milliseconds)");
      return ms;
    }
    case "bytes": {
      const n = parseBytes(value);
      if (n === undefined) throw bad("a size such as 8MiB, 64KiB or a number of bytes");
      if (field.minimum !== undefined && n < field.minimum) throw bad(`a size ≥ ${field.minimum} bytes`);
      return n;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      const token = typeof value === "string" || typeof value === "number" ? String(value).trim().toLowerCase() : undefined;
      if (token !== undefined && TRUE.has(token)) return true;
      if (token !== undefined && FALSE.has(token)) return false;
      throw bad("true or false");
    }
    case "stringMap": {
      if (!isPlainObject(value)) throw bad("an object of strings");
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
          throw configError(ctx, `${path}.${k}`, `must be a string, got ${show(v, field.secret)}`);
        }
        out[k] = String(v);
      }
      return out;
    }
    case "object": {
      if (!isPlainObject(value)) throw bad("an object");
      return coerceObject(field.fields, value, path, ctx);
    }
  }
}

function coerceObject(fields: Fields, values: Record<string, unknown>, prefix: string, ctx: ValidationContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    const value = values[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (value === undefined || value === null) {
      if (field.type === "object") out[key] = coerceObject(field.fields, {}, path, ctx);
      continue;
    }
    out[key] = coerceField(field, value, path, ctx);
  }
  return out;
}

/** Coerce and check merged values against the declaration. Throws a ConfigError naming key and layer. */
export function validate<T>(fields: Fields, values: Record<string, unknown>, ctx: ValidationContext): T {
  return coerceObject(fields, values, "", ctx) as T;
}

/** Keys present in `values` that the declaration does not know (dotted paths). */
export function unknownKeys(fields: Fields, values: Record<string, unknown>, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const field = fields[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if (!field) out.push(path);
    else if (field.type === "object" && isPlainObject(value)) out.push(...unknownKeys(field.fields, value, path));
  }
  return out;
}

/** Dotted paths of every secret field. */
export function secretPaths(fields: Fields, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (field.type === "object") out.push(...secretPaths(field.fields, path));
    else if (field.secret) out.push(path);
  }
  return out;
}

/** The declared defaults as a nested object. */
export function defaultsOf(fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) {
    if (field.type === "object") {
      const nested = defaultsOf(field.fields);
      if (Object.keys(nested).length) out[key] = nested;
    } else if ("default" in field && field.default !== undefined) {
      out[key] = field.default;
    }
  }
  return out;
}

/** JSON Schema (draft-07, as VS Code settings use) for one profile of a driver. */
export function toJsonSchema(fields: Fields): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields)) properties[key] = fieldSchema(field);
  return { type: "object", properties, additionalProperties: false };
}

function fieldSchema(field: Field): Record<string, unknown> {
  const description = field.secret ? `${field.description} Use a secret:// reference; plaintext is flagged.` : field.description;
  switch (field.type) {
    case "string":
      return { type: "string", description, ...(field.enum ? { enum: [...field.enum] } : {}), ...(field.default !== undefined ? { default: field.default } : {}) };
    case "integer":
      return {
        type: ["integer", "string"],
        description,
        ...(field.minimum !== undefined ? { minimum: field.minimum } : {}),
        ...(field.maximum !== undefined ? { maximum: field.maximum } : {}),
        ...(field.default !== undefined ? { default: field.default } : {}),
      };
    case "duration":
      return {
        type: ["integer", "string"],
        description: `${description} A duration: 100ms, 30s, 5m, or milliseconds.`,
        pattern: "^\\s*\\d+(\\.\\d+)?\\s*([mM][sS]|[sSmMhH])?\\s*$",
        ...(field.default !== undefined ? { default: field.default } : {}),
      };
    case "bytes":
      return {
        type: ["integer", "string"],
        description: `${description} A size: 8MiB, 64KiB, 5MB, or bytes.`,
        pattern: "^\\s*\\d+(\\.\\d+)?\\s*([bB]|[kKmMgGtT][iI]?[bB])?\\s*$",
        ...(field.default !== undefined ? { default: field.default } : {}),
      };
    case "boolean":
      return { type: "boolean", description, ...(field.default !== undefined ? { default: field.default } : {}) };
    case "stringMap":
      return { type: "object", description, additionalProperties: { type: "string" } };
    case "object":
      return { ...toJsonSchema(field.fields), description };
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);
}
