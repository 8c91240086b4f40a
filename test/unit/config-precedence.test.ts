// Configuration precedence: defaults < pyproject.toml < settings sources (in order) < env __KEY <
// env __JSON < per-call overrides, with the origin of every key; key spellings and value coercion.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRegistry } from "../../src/connectors/index";
import { parseDuration } from "../../src/connectors/config/schema";
import { envSegment } from "../../src/connectors/config/layers";
import { FakeSource, PG_ENV, captureDriver, pgConfigOf, tempWorkspace, type FakeDriver } from "./helpers";

const PYPROJECT = `
[project]
name = "demo"

[tool.auto_workflow.connectors.postgres.default]
host = "py-host"
port = 1111
database = "py_db"
user = "py_user"
application_name = "py-app"
connect_timeout = "1s"

[tool.auto_workflow.connectors.postgres.default.pool]
max = 2
`;

describe("config precedence: every layer, lowest to highest", () => {
  const ws = tempWorkspace(PYPROJECT);
  let capture: FakeDriver;
  const userSettings = new FakeSource("settings.user");
  const workspaceSettings = new FakeSource("settings.workspace");
  userSettings.set("postgres", "default", { port: 2222, database: "user_db", user: "user_user", applicationName: "user-app", pool: { min: 0 } });
  workspaceSettings.set("postgres", "default", { database: "ws_db", user: "ws_user", applicationName: "ws-app" });
  const env = {
    [`${PG_ENV}USER`]: "env_user",
    [`${PG_ENV}APPLICATION_NAME`]: "env-app",
    [`${PG_ENV}POOL__MAX`]: "5",
    [`${PG_ENV}STATEMENT_TIMEOUT`]: "5m",
    [`${PG_ENV}JSON`]: JSON.stringify({ applicationName: "json-app", readOnly: true, pool: { idleTimeout: "2s" } }),
  };
  const overrides = { applicationName: "call-app" };

  before(() => {
    capture = captureDriver();
  });
  after(() => ws.dispose());

  function registry() {
    return createRegistry({ env, workspaceRoot: ws.root, sources: [userSettings, workspaceSettings], drivers: [capture] });
  }

  it("resolveConfig reports the winning layer and source of every key", async () => {
    const view = await registry().resolveConfig("postgres", "default", overrides);
    assert.equal(view.name, "postgres");
    assert.equal(view.profile, "default");
    assert.equal(view.driver, "pg");

    // string values are shown as merged
    assert.equal(view.values["host"], "py-host");
    assert.equal(view.values["database"], "ws_db");
    assert.equal(view.values["user"], "env_user");
    assert.equal(view.values["applicationName"], "call-app");

    const layer = (key: string): string | undefined => view.origins[key]?.layer;
    assert.equal(layer("statementTimeout"), "env");
    assert.equal(layer("retry.attempts"), "default");
    assert.equal(layer("pool.maxLifetime"), "default");
    assert.equal(layer("host"), "pyproject");
    assert.equal(layer("connectTimeout"), "pyproject");
    assert.equal(layer("port"), "settings.user");
    assert.equal(layer("pool.min"), "settings.user");
    assert.equal(layer("database"), "settings.workspace");
    assert.equal(layer("user"), "env");
    assert.equal(layer("pool.max"), "env");
    assert.equal(layer("readOnly"), "env.json");
    assert.equal(layer("pool.idleTimeout"), "env.json");
    assert.equal(layer("applicationName"), "call");

    // the exact place, for people
    assert.equal(view.origins["retry.attempts"]?.source, "built-in default");
    assert.ok(view.origins["host"]?.source.includes(ws.file), view.origins["host"]?.source);
    assert.ok(view.origins["host"]?.source.includes("[tool.auto_workflow.connectors.postgres.default]"));
    assert.equal(view.origins["port"]?.source, "settings.user autoWorkflow.connectors.postgres.default");
    assert.equal(view.origins["database"]?.source, "settings.workspace autoWorkflow.connectors.postgres.default");
    assert.equal(view.origins["user"]?.source, `${PG_ENV}USER`);
    assert.equal(view.origins["pool.max"]?.source, `${PG_ENV}POOL__MAX`);
    assert.equal(view.origins["statementTimeout"]?.source, `${PG_ENV}STATEMENT_TIMEOUT`);
    assert.equal(view.origins["readOnly"]?.source, `${PG_ENV}JSON`);
    assert.equal(view.origins["applicationName"]?.source, "per-call overrides");
    assert.deepEqual(view.warnings, []);
  });

  it("the driver receives the merged values, coerced", async () => {
    const reg = registry();
    await reg.get("postgres", "default", { ...overrides, driver: "capture" });
    const client = capture.created.at(-1);
    assert.ok(client);
    const c = pgConfigOf(client);
    assert.equal(c.host, "py-host");
    assert.equal(c.port, 2222);
    assert.equal(c.database, "ws_db");
    assert.equal(c.user, "env_user");
    assert.equal(c.applicationName, "call-app");
    assert.equal(c.connectTimeout, 1_000);
    assert.equal(c.statementTimeout, 300_000);
    assert.equal(c.readOnly, true);
    assert.deepEqual(c.pool, { min: 0, max: 5, idleTimeout: 2_000, maxLifetime: 0 });
    assert.deepEqual(c.retry, { attempts: 3, baseDelay: 100, maxDelay: 2_000, deadline: 30_000 });
    await reg.reset();
  });

  it("each layer, added one at a time, overrides the one below for the same key", async () => {
    const key = "applicationName";
    const steps: Array<{ layer: string; expect: string; opts: Parameters<typeof createRegistry>[0]; call?: Record<string, unknown> }> = [
      { layer: "pyproject", expect: "py-app", opts: { env: {}, workspaceRoot: ws.root } },
      { layer: "settings.user", expect: "user-app", opts: { env: {}, workspaceRoot: ws.root, sources: [userSettings] } },
      { layer: "settings.workspace", expect: "ws-app", opts: { env: {}, workspaceRoot: ws.root, sources: [userSettings, workspaceSettings] } },
      { layer: "env", expect: "env-app", opts: { env: { [`${PG_ENV}APPLICATION_NAME`]: "env-app" }, workspaceRoot: ws.root, sources: [userSettings, workspaceSettings] } },
      {
        layer: "env.json",
        expect: "json-app",
        opts: { env: { [`${PG_ENV}APPLICATION_NAME`]: "env-app", [`${PG_ENV}JSON`]: '{"application_name":"json-app"}' }, workspaceRoot: ws.root, sources: [userSettings, workspaceSettings] },
      },
      {
        layer: "call",
        expect: "call-app",
        opts: { env: { [`${PG_ENV}APPLICATION_NAME`]: "env-app", [`${PG_ENV}JSON`]: '{"application_name":"json-app"}' }, workspaceRoot: ws.root, sources: [userSettings, workspaceSettings] },
        call: { application_name: "call-app" },
      },
    ];
    for (const step of steps) {
      const view = await createRegistry(step.opts).resolveConfig("postgres", "default", step.call);
      assert.equal(view.values[key], step.expect, `at layer ${step.layer}`);
      assert.equal(view.origins[key]?.layer, step.layer);
    }
  });

  it("later settings sources win over earlier ones, whatever their names", async () => {
    const a = new FakeSource("settings.workspace", { postgres: { default: { host: "a" } } });
    const b = new FakeSource("settings.user", { postgres: { default: { host: "b" } } });
    const view = await createRegistry({ env: {}, sources: [a, b] }).resolveConfig("postgres");
    assert.equal(view.values["host"], "b");
    assert.equal(view.origins["host"]?.layer, "settings.user");
  });

  it("a source's per-key source (keySources) is reported when given", async () => {
    const src = new FakeSource("settings.folder", { postgres: { default: { host: "h" } } }, { host: "/folder/.vscode/settings.json" });
    const view = await createRegistry({ env: {}, sources: [src] }).resolveConfig("postgres");
    assert.deepEqual(view.origins["host"], { layer: "settings.folder", source: "/folder/.vscode/settings.json" });
  });

  it("a nested object from a higher layer merges key by key (it does not replace the whole object)", async () => {
    const src = new FakeSource("settings.user", { postgres: { default: { pool: { min: 3 } } } });
    const reg = createRegistry({ env: { [`${PG_ENV}POOL__MAX`]: "7" }, sources: [src], drivers: [captureDriver()] });
    const view = await reg.resolveConfig("postgres");
    assert.equal(view.origins["pool.min"]?.layer, "settings.user");
    assert.equal(view.origins["pool.max"]?.layer, "env");
    assert.equal(view.origins["pool.idleTimeout"]?.layer, "default");
  });

  it("without any layer, only defaults are used", async () => {
    const view = await createRegistry({ env: {} }).resolveConfig("postgres");
    for (const [key, origin] of Object.entries(view.origins)) assert.equal(origin.layer, "default", key);
    assert.equal(view.values["statementTimeout"], 30_000);
    assert.deepEqual(view.values["pool"], { min: 1, max: 10, idleTimeout: 10_000, maxLifetime: 0 });
  });

  it("reads process.env when no env is given", async () => {
    const name = `${PG_ENV}DATABASE`;
    const saved = process.env[name];
    process.env[name] = "from_process_env";
    try {
      const view = await createRegistry().resolveConfig("postgres");
      assert.equal(view.values["database"], "from_process_env");
      assert.equal(view.origins["database"]?.layer, "env");
    } finally {
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
    }
  });
});

describe("key spellings and profile names", () => {
  it("snake_case, UPPER_CASE and camelCase keys normalise to the declared key", async () => {
    for (const [spelling, layerOpts] of [
      ["statement_timeout", "call"],
      ["STATEMENT_TIMEOUT", "call"],
      ["statementTimeout", "call"],
      ["Statement-Timeout", "call"],
    ] as const) {
      const capture = captureDriver();
      const reg = createRegistry({ env: {}, drivers: [capture] });
      const view = await reg.resolveConfig("postgres", "default", { [spelling]: "45s" });
      assert.equal(view.values["statementTimeout"], 45_000, spelling);
      assert.equal(view.origins["statementTimeout"]?.layer, layerOpts, spelling);
      assert.equal(view.values[spelling === "statementTimeout" ? "statement_timeout" : spelling], undefined);
      assert.deepEqual(view.warnings, [], spelling);
      await reg.get("postgres", "default", { [spelling]: "45s", driver: "capture" });
      assert.equal(pgConfigOf(capture.created[0]!).statementTimeout, 45_000, spelling);
    }
  });

  it("pyproject snake_case keys (nested tables too) are normalised", async () => {
    const ws = tempWorkspace(`
[tool.auto_workflow.connectors.postgres.default]
statement_timeout = "1h"
read_only = "on"
[tool.auto_workflow.connectors.postgres.default.pool]
idle_timeout = "100ms"
max_lifetime = 90000
`);
    try {
      const capture = captureDriver();
      const reg = createRegistry({ env: {}, workspaceRoot: ws.root, drivers: [capture] });
      const view = await reg.resolveConfig("postgres");
      assert.equal(view.origins["statementTimeout"]?.layer, "pyproject");
      assert.equal(view.origins["readOnly"]?.layer, "pyproject");
      assert.equal(view.origins["pool.idleTimeout"]?.layer, "pyproject");
      assert.equal(view.origins["pool.maxLifetime"]?.layer, "pyproject");
      assert.deepEqual(view.warnings, []);
      await reg.get("postgres", "default", { driver: "capture" });
      const c = pgConfigOf(capture.created[0]!);
      assert.equal(c.statementTimeout, 3_600_000);
      assert.equal(c.readOnly, true);
      assert.equal(c.pool.idleTimeout, 100);
      assert.equal(c.pool.maxLifetime, 90_000);
    } finally {
      ws.dispose();
    }
  });

  it("env KEY__SUBKEY maps onto nested keys, with snake_case subkeys", async () => {
    const capture = captureDriver();
    const env = { [`${PG_ENV}POOL__IDLE_TIMEOUT`]: "3s", [`${PG_ENV}RETRY__BASE_DELAY`]: "250", [`${PG_ENV}RETRY__ATTEMPTS`]: "7" };
    const reg = createRegistry({ env, drivers: [capture] });
    const view = await reg.resolveConfig("postgres");
    assert.deepEqual(view.origins["pool.idleTimeout"], { layer: "env", source: `${PG_ENV}POOL__IDLE_TIMEOUT` });
    assert.deepEqual(view.origins["retry.baseDelay"], { layer: "env", source: `${PG_ENV}RETRY__BASE_DELAY` });
    assert.deepEqual(view.origins["retry.attempts"], { layer: "env", source: `${PG_ENV}RETRY__ATTEMPTS` });
    await reg.get("postgres", "default", { driver: "capture" });
    const c = pgConfigOf(capture.created[0]!);
    assert.equal(c.pool.idleTimeout, 3_000);
    assert.equal(c.retry.baseDelay, 250);
    assert.equal(c.retry.attempts, 7);
  });

  it("profile names with dashes map to env segments with underscores", async () => {
    assert.equal(envSegment("my-db"), "MY_DB");
    assert.equal(envSegment("eu.prod-2"), "EU_PROD_2");
    const env = { AUTO_WORKFLOW_CONNECTORS_POSTGRES_MY_DB__HOST: "dash-host", AUTO_WORKFLOW_CONNECTORS_POSTGRES_MY_DB__JSON: '{"port": 6000}' };
    const view = await createRegistry({ env }).resolveConfig("postgres", "my-db");
    assert.equal(view.values["host"], "dash-host");
    assert.deepEqual(view.origins["host"], { layer: "env", source: "AUTO_WORKFLOW_CONNECTORS_POSTGRES_MY_DB__HOST" });
    assert.equal(view.values["port"], 6000);
    assert.deepEqual(view.origins["port"], { layer: "env.json", source: "AUTO_WORKFLOW_CONNECTORS_POSTGRES_MY_DB__JSON" });
    // another profile does not see them
    const other = await createRegistry({ env }).resolveConfig("postgres", "mydb");
    assert.equal(other.values["host"], undefined);
  });

  it("a pyproject profile spelled with dashes is found", async () => {
    const ws = tempWorkspace(`[tool.auto_workflow.connectors.postgres.eu-prod]\nhost = "eu"\n`);
    try {
      const view = await createRegistry({ env: {}, workspaceRoot: ws.root }).resolveConfig("postgres", "eu-prod");
      assert.equal(view.values["host"], "eu");
      assert.equal(view.origins["host"]?.layer, "pyproject");
    } finally {
      ws.dispose();
    }
  });

  it("a missing pyproject.toml is simply no layer", async () => {
    const ws = tempWorkspace(undefined);
    try {
      const view = await createRegistry({ env: {}, workspaceRoot: ws.root }).resolveConfig("postgres");
      assert.ok(Object.values(view.origins).every((o) => o.layer === "default"));
    } finally {
      ws.dispose();
    }
  });

  it("a pyproject.toml that is not TOML is a ConfigError from the pyproject layer", async () => {
    const ws = tempWorkspace(`[tool.auto_workflow.connectors.postgres.default\nhost = `);
    try {
      const { ConfigError } = await import("../../src/connectors/errors");
      await assert.rejects(createRegistry({ env: {}, workspaceRoot: ws.root }).resolveConfig("postgres"), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.layer, "pyproject");
        assert.ok(e.message.includes("pyproject.toml"), e.message);
        return true;
      });
    } finally {
      ws.dispose();
    }
  });
});

describe("value coercion", () => {
  it("durations: 100ms, 30s, 5m, 1h, bare numbers (ms), fractional units", () => {
    const cases: Array<[unknown, number]> = [
      ["100ms", 100],
      ["30s", 30_000],
      ["5m", 300_000],
      ["1h", 3_600_000],
      ["1500", 1_500],
      [250, 250],
      [0, 0],
      ["1.5s", 1_500],
      [" 2S ", 2_000],
    ];
    for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, String(input));
    for (const bad of ["5 minutes", "-1s", "abc", "", "1d", -5, Number.NaN, Infinity, true, null, {}]) {
      assert.equal(parseDuration(bad), undefined, String(bad));
    }
  });

  async function coerced(values: Record<string, unknown>) {
    const capture = captureDriver();
    const reg = createRegistry({ env: {}, drivers: [capture] });
    await reg.get("postgres", "default", { ...values, driver: "capture" });
    return pgConfigOf(capture.created[0]!);
  }

  it("durations through the resolver: every unit and bare numbers", async () => {
    const c = await coerced({ connectTimeout: "100ms", statementTimeout: "30s", pool: { idleTimeout: "5m", maxLifetime: "1h" }, retry: { maxDelay: 1234, deadline: "4321" } });
    assert.equal(c.connectTimeout, 100);
    assert.equal(c.statementTimeout, 30_000);
    assert.equal(c.pool.idleTimeout, 300_000);
    assert.equal(c.pool.maxLifetime, 3_600_000);
    assert.equal(c.retry.maxDelay, 1234);
    assert.equal(c.retry.deadline, 4321);
  });

  it("booleans: true/false/yes/no/on/off/1/0 in any case", async () => {
    const table: Array<[unknown, boolean]> = [
      ["true", true],
      ["false", false],
      ["yes", true],
      ["no", false],
      ["on", true],
      ["off", false],
      ["1", true],
      ["0", false],
      [1, true],
      [0, false],
      ["TRUE", true],
      [" Off ", false],
      [true, true],
      [false, false],
    ];
    for (const [input, expected] of table) {
      assert.equal((await coerced({ readOnly: input })).readOnly, expected, JSON.stringify(input));
    }
  });

  it("integers from strings, through env", async () => {
    const capture = captureDriver();
    const env = { [`${PG_ENV}PORT`]: "6543", [`${PG_ENV}POOL__MIN`]: " 0 ", [`${PG_ENV}POOL__MAX`]: "20" };
    const reg = createRegistry({ env, drivers: [capture] });
    await reg.get("postgres", "default", { driver: "capture" });
    const c = pgConfigOf(capture.created[0]!);
    assert.equal(c.port, 6543);
    assert.equal(c.pool.min, 0);
    assert.equal(c.pool.max, 20);
  });

  it("enums match case-insensitively and come out in the declared spelling", async () => {
    assert.equal((await coerced({ sslmode: "VERIFY-FULL" })).sslmode, "verify-full");
    assert.equal((await coerced({ sslmode: " disable " })).sslmode, "disable");
  });

  it("numbers and booleans given for string keys become strings", async () => {
    const c = await coerced({ database: 42, user: true });
    assert.equal(c.database, "42");
    assert.equal(c.user, "true");
  });
});
