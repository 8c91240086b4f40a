// Malformed configurations: each one, from whichever layer it comes, must be rejected with a
// ConfigError naming the offending key and the layer — before any connection is attempted.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createRegistry } from "../../src/connectors/index";
import { ConfigError } from "../../src/connectors/errors";
import type { SecretResolver } from "../../src/connectors/config/secrets";
import { FakeSource, PG_ENV, rejection, tempWorkspace } from "./helpers";

type Layer = "env" | "env.json" | "settings.workspace" | "pyproject" | "call";

interface Case {
  title: string;
  layer: Layer;
  /** The dotted key the error must name; "(json)" for an unusable __JSON variable as a whole. */
  key: string;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** Body of `[tool.auto_workflow.connectors.postgres.<profile>]` (the profile is generated). */
  toml?: string;
  call?: Record<string, unknown>;
  /** false when the problem is only found when the client is built (not by resolveConfig). */
  resolution?: boolean;
}

const env = (suffix: string, value: string, key: string, extra: Partial<Case> = {}): Case => ({
  title: `env ${suffix}=${JSON.stringify(value)}`,
  layer: "env",
  key,
  env: { [`${PG_ENV}${suffix}`]: value },
  ...extra,
});
const rawJson = (text: string, key: string): Case => ({ title: `env __JSON ${text}`, layer: "env.json", key, env: { [`${PG_ENV}JSON`]: text } });
const json = (value: Record<string, unknown>, key: string): Case => rawJson(JSON.stringify(value), key);
const settings = (values: Record<string, unknown>, key: string): Case => ({ title: `settings.workspace ${JSON.stringify(values)}`, layer: "settings.workspace", key, settings: values });
const toml = (body: string, key: string): Case => ({ title: `pyproject ${body.replace(/\n/g, " ")}`, layer: "pyproject", key, toml: body });
const call = (values: Record<string, unknown>, key: string, extra: Partial<Case> = {}): Case => ({ title: `call ${JSON.stringify(values)}`, layer: "call", key, call: values, ...extra });

const CASES: Case[] = [
  // --- env (every value is a string) ---
  env("PORT", "abc", "port"),
  env("PORT", "0", "port"),
  env("PORT", "65536", "port"),
  env("PORT", "54.32", "port"),
  env("POOL__MAX", "0", "pool.max"),
  env("POOL__MIN", "-1", "pool.min"),
  env("POOL__MAX", "ten", "pool.max"),
  env("RETRY__ATTEMPTS", "21", "retry.attempts"),
  env("RETRY__ATTEMPTS", "0", "retry.attempts"),
  env("STATEMENT_TIMEOUT", "5 minutes", "statementTimeout"),
  env("STATEMENT_TIMEOUT", "-1s", "statementTimeout"),
  env("CONNECT_TIMEOUT", "abc", "connectTimeout"),
  env("POOL__IDLE_TIMEOUT", "1d", "pool.idleTimeout"),
  env("RETRY__BASE_DELAY", "1e3", "retry.baseDelay"),
  env("READ_ONLY", "maybe", "readOnly"),
  env("READ_ONLY", "2", "readOnly"),
  env("SSLMODE", "bogus", "sslmode"),
  env("SSLMODE", "allow", "sslmode"),
  env("POOL", "5", "pool"),
  env("RETRY", "fast", "retry"),
  env("PASSWORD", "secret://env/AWC_UNIT_NOPE_MISSING", "password"),
  env("HOST", "secret://store/missing-host", "host"),
  env("DSN", "postgresql://u:secret://env/AWC_UNIT_NOPE_PW@h/db", "dsn"),
  env("DSN", "postgresql://h/db?sslmode=bogus", "dsn", { resolution: false }),
  // --- env __JSON ---
  rawJson("{port: 5432", "(json)"),
  rawJson("[1, 2]", "(json)"),
  rawJson('"host=x"', "(json)"),
  rawJson("5432", "(json)"),
  rawJson("null", "(json)"),
  json({ port: "5432x" }, "port"),
  json({ port: true }, "port"),
  json({ pool: [1, 2] }, "pool"),
  json({ pool: { max: 0 } }, "pool.max"),
  json({ pool: { min: 1.5 } }, "pool.min"),
  json({ readOnly: "perhaps" }, "readOnly"),
  json({ statementTimeout: -5 }, "statementTimeout"),
  json({ statement_timeout: true }, "statementTimeout"),
  json({ host: { name: "h" } }, "host"),
  json({ user: ["a"] }, "user"),
  json({ sslmode: 5 }, "sslmode"),
  json({ password: "secret://env/AWC_UNIT_NOPE_JSON" }, "password"),
  json({ retry: { deadline: "soon" } }, "retry.deadline"),
  // --- settings (VS Code workspace settings) ---
  settings({ port: "5432/tcp" }, "port"),
  settings({ pool: "big" }, "pool"),
  settings({ pool: { idleTimeout: "10 sec" } }, "pool.idleTimeout"),
  settings({ readOnly: "y" }, "readOnly"),
  settings({ sslmode: "verify_full" }, "sslmode"),
  settings({ database: {} }, "database"),
  settings({ password: "secret://store/pg-pass" }, "password"),
  settings({ retry: { maxDelay: "2 secs" } }, "retry.maxDelay"),
  settings({ applicationName: ["x"] }, "applicationName"),
  // --- pyproject.toml ---
  toml(`port = "fifty"`, "port"),
  toml(`port = 70000`, "port"),
  toml(`pool = 3`, "pool"),
  toml(`pool = { max = -2 }`, "pool.max"),
  toml(`read_only = "sometimes"`, "readOnly"),
  toml(`statement_timeout = "30 seconds"`, "statementTimeout"),
  toml(`sslmode = "strict"`, "sslmode"),
  toml(`password = "secret://env/AWC_UNIT_NOPE_PY"`, "password"),
  toml(`connect_timeout = [1]`, "connectTimeout"),
  toml(`retry = { attempts = 2.5 }`, "retry.attempts"),
  // --- per-call overrides ---
  call({ port: 0 }, "port"),
  call({ pool: { max: "many" } }, "pool.max"),
  call({ statementTimeout: "abc" }, "statementTimeout"),
  call({ readOnly: {} }, "readOnly"),
  call({ password: "secret://vault/db" }, "password"),
  call({ sslrootcert: ["a"] }, "sslrootcert"),
  call({ dsn: "postgresql://h:notaport/db" }, "dsn", { resolution: false }),
];

// Every pyproject case is a profile of its own in one pyproject.toml.
const pyProfile = (i: number): string => `case-${i}`;
const ws = tempWorkspace(
  CASES.map((c, i) => (c.toml ? `[tool.auto_workflow.connectors.postgres.${pyProfile(i)}]\n${c.toml}\n` : "")).join("\n"),
);

/** A resolver for the non-env scopes that knows no secret at all. */
const noSecrets: SecretResolver = () => undefined;

function registryFor(c: Case) {
  const source = new FakeSource("settings.workspace");
  if (c.settings) source.set("postgres", "default", c.settings);
  return createRegistry({
    env: { ...(c.env ?? {}) },
    workspaceRoot: ws.root,
    sources: [source],
    // the "vault" scope is deliberately unknown to the resolver too
    secrets: (ref) => (ref.scope === "vault" ? undefined : noSecrets(ref)),
  });
}

function checkError(c: Case, error: unknown): void {
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  assert.equal(error.name, "ConfigError");
  assert.equal(error.kind, "config");
  assert.equal(error.retryable, false);
  assert.equal(error.key, c.key, `key of: ${error.message}`);
  assert.equal(error.layer, c.layer, `layer of: ${error.message}`);
  if (c.key === "(json)") {
    // the whole variable is unusable: the message names it (which names the layer, too)
    assert.ok(error.message.includes(`${PG_ENV}JSON`), error.message);
  } else {
    assert.ok(error.message.includes(c.key), `message names the key: ${error.message}`);
    assert.ok(error.message.includes(c.layer), `message names the layer: ${error.message}`);
  }
}

describe(`${CASES.length} malformed configurations → ConfigError naming key and layer`, () => {
  after(() => ws.dispose());

  it("the table really has at least 50 cases over all five layers", () => {
    assert.ok(CASES.length >= 50, String(CASES.length));
    assert.deepEqual(new Set(CASES.map((c) => c.layer)), new Set(["env", "env.json", "settings.workspace", "pyproject", "call"]));
  });

  CASES.forEach((c, i) => {
    it(`#${i + 1} ${c.title} → ${c.key} @ ${c.layer}`, async () => {
      const profile = c.toml ? pyProfile(i) : "default";
      const reg = registryFor(c);
      try {
        checkError(c, await rejection(() => reg.get("postgres", profile, c.call)));
        assert.deepEqual(reg.list(), [], "no client was created");
        if (c.resolution !== false) checkError(c, await rejection(() => reg.resolveConfig("postgres", profile, c.call)));
      } finally {
        await reg.reset();
      }
    });
  });
});
