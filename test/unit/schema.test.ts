// config/schema.ts: the declaration gives defaults, secret paths and a JSON Schema for settings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalKey, defaultsOf, keyToken, parseDuration, secretPaths, toJsonSchema, unknownKeys, validate, type Fields } from "../../src/connectors/config/schema";
import { ConfigError } from "../../src/connectors/errors";
import { postgresFields } from "../../src/connectors/postgres/config";

type Schema = Record<string, unknown>;

const DRAFT07_KEYWORDS = new Set(["$schema", "type", "properties", "additionalProperties", "description", "enum", "default", "minimum", "maximum", "pattern", "markdownDescription"]);
const DRAFT07_TYPES = new Set(["object", "string", "integer", "number", "boolean", "array", "null"]);

/** Structural check of a draft-07 schema, and that every default satisfies its own schema. */
function checkSchema(schema: Schema, path: string): void {
  for (const key of Object.keys(schema)) assert.ok(DRAFT07_KEYWORDS.has(key), `${path}: unexpected keyword ${key}`);
  const types = Array.isArray(schema["type"]) ? (schema["type"] as string[]) : [schema["type"] as string];
  for (const t of types) assert.ok(DRAFT07_TYPES.has(t), `${path}: type ${t}`);
  if (path !== "#") assert.equal(typeof schema["description"], "string", `${path}: description`);
  if (schema["pattern"] !== undefined) new RegExp(schema["pattern"] as string);
  if ("default" in schema) {
    const d = schema["default"];
    const jsonType = typeof d === "number" ? (Number.isInteger(d) ? "integer" : "number") : typeof d;
    assert.ok(types.includes(jsonType) || (jsonType === "integer" && types.includes("number")), `${path}: default ${String(d)} is not ${types.join("|")}`);
    if (typeof d === "number" && typeof schema["minimum"] === "number") assert.ok(d >= schema["minimum"], `${path}: default below minimum`);
    if (typeof d === "number" && typeof schema["maximum"] === "number") assert.ok(d <= schema["maximum"], `${path}: default above maximum`);
    if (Array.isArray(schema["enum"])) assert.ok((schema["enum"] as unknown[]).includes(d), `${path}: default not in enum`);
  }
  if (schema["properties"]) {
    assert.ok(types.includes("object"));
    for (const [k, sub] of Object.entries(schema["properties"] as Record<string, Schema>)) checkSchema(sub, `${path}/${k}`);
  }
}

describe("toJsonSchema(postgresFields)", () => {
  const schema = toJsonSchema(postgresFields);
  const props = schema["properties"] as Record<string, Schema>;

  it("is a draft-07 object schema with every key, closed to unknown keys", () => {
    checkSchema(schema, "#");
    assert.equal(schema["type"], "object");
    assert.equal(schema["additionalProperties"], false);
    assert.deepEqual(Object.keys(props).sort(), Object.keys(postgresFields).sort());
    const pool = props["pool"]!;
    assert.equal(pool["type"], "object");
    assert.equal(pool["additionalProperties"], false);
    assert.deepEqual(Object.keys(pool["properties"] as object).sort(), ["idleTimeout", "max", "maxLifetime", "min"]);
    assert.deepEqual(Object.keys((props["retry"]!["properties"] as object) ?? {}).sort(), ["attempts", "baseDelay", "deadline", "maxDelay"]);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(schema)));
  });

  it("marks secret fields, and only them, in their description", () => {
    assert.match(props["password"]!["description"] as string, /secret:\/\//);
    for (const key of ["host", "user", "sslkey", "database"]) assert.doesNotMatch(props[key]!["description"] as string, /plaintext is flagged/, key);
  });

  it("gives enum, bounds and defaults", () => {
    assert.deepEqual(props["sslmode"]!["enum"], ["disable", "prefer", "require", "verify-ca", "verify-full"]);
    assert.equal(props["port"]!["minimum"], 1);
    assert.equal(props["port"]!["maximum"], 65535);
    const pool = props["pool"]!["properties"] as Record<string, Schema>;
    assert.equal(pool["max"]!["minimum"], 1);
    assert.equal(pool["max"]!["default"], 10);
    assert.equal(pool["min"]!["default"], 1);
    assert.equal(props["statementTimeout"]!["default"], 30_000);
    assert.equal(props["readOnly"]!["type"], "boolean");
  });

  it("durations carry a pattern that accepts 100ms|30s|5m|1h|bare numbers and rejects the rest", () => {
    for (const key of ["connectTimeout", "statementTimeout"]) {
      const p = props[key]!;
      assert.equal(typeof p["pattern"], "string", key);
      const re = new RegExp(p["pattern"] as string);
      for (const ok of ["100ms", "30s", "5m", "1h", "250", "1.5s"]) assert.ok(re.test(ok), `${key} ${ok}`);
      for (const bad of ["5 minutes", "-1s", "abc", "1d", ""]) assert.ok(!re.test(bad), `${key} ${bad}`);
    }
    const idle = (props["pool"]!["properties"] as Record<string, Schema>)["idleTimeout"]!;
    assert.equal(typeof idle["pattern"], "string");
  });

  it("the duration pattern agrees with parseDuration (what settings accept, the resolver accepts)", () => {
    const re = new RegExp(props["statementTimeout"]!["pattern"] as string);
    for (const text of ["100ms", "30s", "5m", "1h", "250", " 2 s ", "30S", "100MS", "1H", "5 minutes", "-1s", "1e3", "0.5m"]) {
      assert.equal(re.test(text), parseDuration(text) !== undefined, `"${text}": schema ${re.test(text)}, parser ${parseDuration(text)}`);
    }
  });
});

describe("defaults, secrets, keys", () => {
  it("defaultsOf(postgresFields) gives the DESIGN defaults", () => {
    assert.deepEqual(defaultsOf(postgresFields), {
      pool: { min: 1, max: 10, idleTimeout: 10_000, maxLifetime: 0 },
      connectTimeout: 10_000,
      statementTimeout: 30_000,
      readOnly: false,
      retry: { attempts: 3, baseDelay: 100, maxDelay: 2_000, deadline: 30_000 },
    });
  });

  it("secretPaths lists secret fields, nested too", () => {
    assert.deepEqual(secretPaths(postgresFields), ["password"]);
    const fields: Fields = { a: { type: "string", description: "", secret: true }, o: { type: "object", description: "", fields: { k: { type: "string", secret: true, description: "" }, n: { type: "integer", description: "" } } } };
    assert.deepEqual(secretPaths(fields), ["a", "o.k"]);
  });

  it("keyToken / canonicalKey map every spelling onto the declared key", () => {
    assert.equal(keyToken("STATEMENT_TIMEOUT"), keyToken("statementTimeout"));
    assert.equal(keyToken("statement-timeout"), "statementtimeout");
    assert.equal(canonicalKey(postgresFields, "READ_ONLY"), "readOnly");
    assert.equal(canonicalKey(postgresFields, "application_name"), "applicationName");
    assert.equal(canonicalKey(postgresFields, "nope_key"), "nope_key");
  });

  it("unknownKeys reports dotted paths", () => {
    assert.deepEqual(unknownKeys(postgresFields, { host: "h", hots: 1, pool: { max: 1, maximum: 2 } }), ["hots", "pool.maximum"]);
  });

  it("validate names the path and the origin layer of a bad value", () => {
    const origins = { "pool.max": { layer: "settings.user", source: "user settings.json" } };
    assert.throws(
      () => validate(postgresFields, { pool: { max: "lots" } }, { connector: "postgres", profile: "p", origins }),
      (e: unknown) => e instanceof ConfigError && e.key === "pool.max" && e.layer === "settings.user" && e.profile === "p" && e.message.includes("user settings.json"),
    );
  });

  it("validate fills nested defaults objects and keeps valid values", () => {
    const out = validate<Record<string, unknown>>(postgresFields, { port: "5433" }, { connector: "postgres", profile: "p", origins: {} });
    assert.equal(out["port"], 5433);
    assert.deepEqual(out["pool"], {});
    assert.deepEqual(out["retry"], {});
  });

  it("a secret value is never echoed in a validation message", () => {
    const fields: Fields = { token: { type: "integer", secret: true, description: "" } };
    assert.throws(
      () => validate(fields, { token: "tok-not-a-number-xyz" }, { connector: "c", profile: "p", origins: {} }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes("tok-not-a-number-xyz") && e.message.includes("a secret value"),
    );
  });
});
