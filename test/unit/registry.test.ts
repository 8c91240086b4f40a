// The registry: caching by name + profile + configuration hash, replacement and eviction, plugins,
// driver selection, listing and reset. Postgres clients are built without a server (pg.Pool is lazy).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry, createRegistry, PostgresClient } from "../../src/connectors/library";
import { ConfigError } from "../../src/connectors/errors";
import type { ConnectorEvent } from "../../src/connectors/observability";
import { FakeClient, FakeSource, PG_ENV, captureDriver, fakeDriver, fakeFields, rejection, tempWorkspace } from "./helpers";

describe("registry: postgres clients (no server needed)", () => {
  it("get() caches by name + profile + config: the same object twice", async () => {
    const reg = createRegistry({ env: { [`${PG_ENV}HOST`]: "127.0.0.1" } });
    try {
      const a = await reg.get("postgres");
      const b = await reg.get("postgres", "default");
      assert.ok(a instanceof PostgresClient);
      assert.equal(a, b);
      assert.equal(a.name, "postgres");
      assert.equal(a.profile, "default");
      assert.equal(a.driver, "pg");
      assert.equal(a.isClosed(), false);
      assert.deepEqual(reg.list(), [{ name: "postgres", profile: "default", driver: "pg", closed: false }]);
    } finally {
      await reg.reset();
    }
  });

  it("a changed env gives a new client and closes the old one", async () => {
    const env: NodeJS.ProcessEnv = { [`${PG_ENV}HOST`]: "127.0.0.1" };
    const reg = createRegistry({ env });
    try {
      const a = await reg.get("postgres");
      env[`${PG_ENV}STATEMENT_TIMEOUT`] = "5s";
      const b = await reg.get("postgres");
      assert.notEqual(a, b);
      assert.equal(a.isClosed(), true);
      assert.equal(b.isClosed(), false);
      assert.equal(reg.list().length, 1);
      assert.equal(await reg.get("postgres"), b);
    } finally {
      await reg.reset();
    }
  });

  it("the same settings under a different profile are a different client", async () => {
    const reg = createRegistry({ env: {} });
    try {
      const a = await reg.get("postgres", "one", { host: "127.0.0.1" });
      const b = await reg.get("postgres", "two", { host: "127.0.0.1" });
      assert.notEqual(a, b);
      assert.equal(a.isClosed(), false);
      assert.equal(reg.list().length, 2);
    } finally {
      await reg.reset();
    }
  });

  it("reset() closes every cached postgres client", async () => {
    const reg = createRegistry({ env: {} });
    const a = await reg.get("postgres", "a", { host: "127.0.0.1" });
    const b = await reg.get("postgres", "b", { host: "127.0.0.1" });
    await reg.reset();
    assert.equal(a.isClosed(), true);
    assert.equal(b.isClosed(), true);
    assert.deepEqual(reg.list(), []);
  });

  it("an unreadable sslrootcert fails get() with a ConfigError and caches nothing", async () => {
    const reg = createRegistry({ env: {} });
    const error = await rejection(() => reg.get("postgres", "default", { sslmode: "verify-full", sslrootcert: "/nonexistent/awc-ca.pem" }));
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, "sslrootcert");
    assert.deepEqual(reg.list(), []);
  });
});

describe("registry: plugins and drivers", () => {
  function withFake(options: Parameters<typeof createRegistry>[0] = {}) {
    const fake = fakeDriver("fake", "mem", fakeFields);
    const reg = createRegistry({ env: {}, ...options });
    reg.register("fake", "mem", fake);
    return { fake, reg };
  }

  it("register() adds a kind whose clients get the validated config, a redactor and events", async () => {
    const events: ConnectorEvent[] = [];
    const { fake, reg } = withFake({ env: { TOK: "tok-secret-1234" }, onEvent: (e) => events.push(e) });
    const client = await reg.get("fake", "default", { url: "mem://x", token: "secret://env/TOK", retries: "4" });
    assert.ok(client instanceof FakeClient);
    assert.equal(fake.created.length, 1);
    assert.deepEqual(client.config, { url: "mem://x", token: "tok-secret-1234", retries: 4 });
    assert.equal(client.driver, "mem");
    assert.equal(client.context.events, reg.events);
    assert.equal(client.context.redactor.redact("tok-secret-1234"), "********");
    assert.ok(events.some((e) => e.event === "registry.client.created" && e.connector === "fake"));
    assert.deepEqual(
      reg.kinds().find((k) => k.kind === "fake"),
      { kind: "fake", drivers: ["mem"], defaultDriver: "mem" },
    );
  });

  it("register() refuses a definition registered under another kind/driver", () => {
    const reg = createRegistry({ env: {} });
    assert.throws(() => reg.register("fake", "other", fakeDriver("fake", "mem", fakeFields)), ConfigError);
  });

  it("caching and replacement work the same for plugin clients, and the old one is closed once", async () => {
    const env: NodeJS.ProcessEnv = { AUTO_WORKFLOW_CONNECTORS_FAKE_DEFAULT__URL: "mem://1" };
    const { fake, reg } = withFake({ env });
    const a = (await reg.get("fake")) as FakeClient;
    assert.equal(await reg.get("fake"), a);
    assert.equal(fake.created.length, 1);
    env["AUTO_WORKFLOW_CONNECTORS_FAKE_DEFAULT__URL"] = "mem://2";
    const b = (await reg.get("fake")) as FakeClient;
    assert.notEqual(a, b);
    await new Promise((r) => setImmediate(r));
    assert.equal(a.closeCalls, 1);
    assert.equal(b.closeCalls, 0);
    assert.deepEqual(b.config, { url: "mem://2", retries: 2 });
  });

  it("a changed secret value (same reference) gives a new client", async () => {
    const env: NodeJS.ProcessEnv = { TOK: "first-secret" };
    const { reg } = withFake({ env });
    const a = await reg.get("fake", "default", { token: "secret://env/TOK" });
    env["TOK"] = "second-secret";
    const b = await reg.get("fake", "default", { token: "secret://env/TOK" });
    assert.notEqual(a, b);
    assert.equal(a.isClosed(), true);
  });

  it("concurrent get()s of one profile share one client", async () => {
    const { fake, reg } = withFake();
    const [a, b, c] = await Promise.all([reg.get("fake"), reg.get("fake"), reg.get("fake")]);
    assert.equal(a, b);
    assert.equal(b, c);
    assert.equal(fake.created.length, 1);
  });

  it("{ reuse: false } gives a fresh client that the registry neither caches nor closes", async () => {
    const { fake, reg } = withFake();
    const cached = await reg.get("fake");
    const fresh = (await reg.get("fake", "default", undefined, { reuse: false })) as FakeClient;
    const fresh2 = await reg.get("fake", "default", undefined, { reuse: false });
    assert.notEqual(fresh, cached);
    assert.notEqual(fresh, fresh2);
    assert.equal(fake.created.length, 3);
    assert.equal(reg.list().length, 1);
    assert.equal(await reg.get("fake"), cached);
    await reg.reset();
    assert.equal(cached.isClosed(), true);
    assert.equal(fresh.closeCalls, 0);
  });

  it("a closed client is evicted: the next get() makes a new one", async () => {
    const { fake, reg } = withFake();
    const a = (await reg.get("fake")) as FakeClient;
    await a.close();
    const b = (await reg.get("fake")) as FakeClient;
    assert.notEqual(a, b);
    assert.equal(fake.created.length, 2);
    assert.equal(a.closeCalls, 1, "an already closed client is not closed again");
    assert.deepEqual(reg.list(), [{ name: "fake", profile: "default", driver: "mem", closed: false }]);
  });

  it("a profile's driver key selects among the drivers of a kind (any layer, any spelling)", async () => {
    const reg = createRegistry({ env: { AUTO_WORKFLOW_CONNECTORS_FAKE_B__DRIVER: "beta" } });
    const alpha = fakeDriver("fake", "alpha", fakeFields);
    const beta = fakeDriver("fake", "beta", fakeFields);
    reg.register("fake", "alpha", alpha);
    reg.register("fake", "beta", beta);
    const a = await reg.get("fake", "a");
    const b = await reg.get("fake", "b");
    const c = await reg.get("fake", "c", { DRIVER: "beta" });
    assert.equal(a.driver, "alpha", "the first registered driver is the default");
    assert.equal(b.driver, "beta");
    assert.equal(c.driver, "beta");
    assert.equal(alpha.created.length, 1);
    assert.equal(beta.created.length, 2);
    const view = await reg.resolveConfig("fake", "b");
    assert.equal(view.driver, "beta");
  });

  it("the driver key is not a configuration value, nor an unknown key, in any spelling or layer", async () => {
    const env = { AUTO_WORKFLOW_CONNECTORS_FAKE_B__DRIVER: "beta", AUTO_WORKFLOW_CONNECTORS_POSTGRES_DEFAULT__DRIVER: "pg" };
    const reg = createRegistry({ env });
    reg.register("fake", "alpha", fakeDriver("fake", "alpha", fakeFields));
    reg.register("fake", "beta", fakeDriver("fake", "beta", fakeFields));
    for (const [name, profile, overrides] of [
      ["fake", "c", { driver: "beta" }],
      ["fake", "c", { Driver: "beta" }],
      ["fake", "b", undefined],
      ["postgres", "default", undefined],
    ] as const) {
      const view = await reg.resolveConfig(name, profile, overrides);
      const label = `${name}/${profile} ${JSON.stringify(overrides)}`;
      assert.deepEqual(view.warnings, [], label);
      assert.deepEqual(
        Object.keys(view.values).filter((k) => k.toLowerCase() === "driver"),
        [],
        label,
      );
      assert.deepEqual(
        Object.keys(view.origins).filter((k) => k.toLowerCase() === "driver"),
        [],
        label,
      );
    }
  });

  it("switching a profile's driver in a layer replaces its client", async () => {
    const env: NodeJS.ProcessEnv = { AUTO_WORKFLOW_CONNECTORS_FAKE_DEFAULT__DRIVER: "alpha" };
    const reg = createRegistry({ env });
    const alpha = fakeDriver("fake", "alpha", fakeFields);
    const beta = fakeDriver("fake", "beta", fakeFields);
    reg.register("fake", "alpha", alpha);
    reg.register("fake", "beta", beta);
    const a = await reg.get("fake");
    env["AUTO_WORKFLOW_CONNECTORS_FAKE_DEFAULT__DRIVER"] = "beta";
    const b = await reg.get("fake");
    assert.notEqual(a, b);
    assert.equal(a.driver, "alpha");
    assert.equal(b.driver, "beta");
    assert.equal(a.isClosed(), true);
    assert.deepEqual(
      reg.list().map((c) => c.driver),
      ["beta"],
    );
  });

  it("each set of per-call overrides is its own slot: clients of other slots stay open", async () => {
    const { fake, reg } = withFake();
    const plain = await reg.get("fake");
    const a = await reg.get("fake", "default", { url: "mem://a", retries: 1 });
    const aReordered = await reg.get("fake", "default", { retries: 1, url: "mem://a" });
    const b = await reg.get("fake", "default", { url: "mem://b" });
    assert.equal(a, aReordered, "overrides are compared independently of key order");
    assert.notEqual(a, b);
    assert.notEqual(plain, a);
    for (const c of [plain, a, b]) assert.equal(c.isClosed(), false);
    assert.equal(fake.created.length, 3);
    assert.equal(reg.list().length, 3);
    assert.equal(await reg.get("fake"), plain);
  });

  it("within an overrides slot, a changed layer underneath replaces the client", async () => {
    const env: NodeJS.ProcessEnv = { AUTO_WORKFLOW_CONNECTORS_FAKE_DEFAULT__RETRIES: "1" };
    const { reg } = withFake({ env });
    const a = await reg.get("fake", "default", { url: "mem://a" });
    env["AUTO_WORKFLOW_CONNECTORS_FAKE_DEFAULT__RETRIES"] = "3";
    const b = (await reg.get("fake", "default", { url: "mem://a" })) as FakeClient;
    assert.notEqual(a, b);
    assert.equal(a.isClosed(), true);
    assert.deepEqual(b.config, { url: "mem://a", retries: 3 });
  });

  it("the postgres kind can take an extra driver selected by the driver key", async () => {
    const capture = captureDriver();
    const reg = createRegistry({ env: {}, drivers: [capture] });
    const client = await reg.get("postgres", "default", { driver: "capture" });
    assert.equal(client.driver, "capture");
    assert.equal(capture.created.length, 1);
    assert.deepEqual(reg.kinds().find((k) => k.kind === "postgres"), { kind: "postgres", drivers: ["pg", "capture"], defaultDriver: "pg" });
  });

  it("an unknown connector is a ConfigError", async () => {
    const reg = createRegistry({ env: {} });
    for (const call of [() => reg.get("mysql"), () => reg.resolveConfig("mysql")]) {
      const error = await rejection(call);
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes("mysql") && error.message.includes("postgres"), error.message);
    }
  });

  it("an unknown driver is a ConfigError naming the driver key", async () => {
    const reg = createRegistry({ env: {} });
    const error = await rejection(() => reg.get("postgres", "default", { driver: "odbc" }));
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, "driver");
    assert.ok(error.message.includes("odbc") && error.message.includes("pg"), error.message);
    assert.deepEqual(reg.list(), []);
  });

  it("reset(name, profile) closes only the matching clients", async () => {
    const { reg } = withFake();
    const a = await reg.get("fake", "a");
    const b = await reg.get("fake", "b");
    await reg.reset("fake", "a");
    assert.equal(a.isClosed(), true);
    assert.equal(b.isClosed(), false);
    assert.deepEqual(
      reg.list().map((c) => c.profile),
      ["b"],
    );
    await reg.reset("other-kind");
    assert.equal(b.isClosed(), false);
    await reg.reset();
    assert.equal(b.isClosed(), true);
    assert.deepEqual(reg.list(), []);
  });

  it("a Registry without drivers knows no kinds (no hidden global state)", async () => {
    const reg = new Registry({ env: {} });
    assert.deepEqual(reg.kinds(), []);
    assert.ok((await rejection(() => reg.get("postgres"))) instanceof ConfigError);
    const other = createRegistry({ env: {} });
    other.register("fake", "mem", fakeDriver("fake", "mem", fakeFields));
    assert.equal(createRegistry({ env: {} }).kinds().some((k) => k.kind === "fake"), false);
  });
});

describe("registry.profiles()", () => {
  it("lists profiles from pyproject, sources and env for known kinds only, sorted", async () => {
    const ws = tempWorkspace(`
[tool.auto_workflow.connectors.postgres.warehouse]
host = "w"
[tool.auto_workflow.connectors.postgres.analytics]
host = "a"
[tool.auto_workflow.connectors.unknownkind.x]
host = "u"
`);
    try {
      const source = new FakeSource("settings.user", { postgres: { fromsettings: { host: "s" } }, mongo: { lake: {} } });
      const env = { [`AUTO_WORKFLOW_CONNECTORS_POSTGRES_ENVONLY__HOST`]: "e", AUTO_WORKFLOW_CONNECTORS_FAKE_EU__URL: "mem://", UNRELATED: "1" };
      const reg = createRegistry({ env, workspaceRoot: ws.root, sources: [source] });
      reg.register("fake", "mem", fakeDriver("fake", "mem", fakeFields));
      assert.deepEqual(await reg.profiles(), [
        { name: "fake", profile: "eu" },
        { name: "postgres", profile: "analytics" },
        { name: "postgres", profile: "envonly" },
        { name: "postgres", profile: "fromsettings" },
        { name: "postgres", profile: "warehouse" },
      ]);
    } finally {
      ws.dispose();
    }
  });

  it("a profile defined in env and by another layer is listed once", async () => {
    const ws = tempWorkspace(`[tool.auto_workflow.connectors.postgres.my-db]\nhost = "py"\n`);
    try {
      const reg = createRegistry({ env: { AUTO_WORKFLOW_CONNECTORS_POSTGRES_MY_DB__PORT: "6543" }, workspaceRoot: ws.root });
      const listed = await reg.profiles();
      assert.deepEqual(listed, [{ name: "postgres", profile: "my-db" }]);
    } finally {
      ws.dispose();
    }
  });

  it("invalidate() re-reads pyproject.toml", async () => {
    const ws = tempWorkspace(`[tool.auto_workflow.connectors.postgres.one]\nhost = "1"\n`);
    try {
      const reg = createRegistry({ env: {}, workspaceRoot: ws.root });
      assert.deepEqual(await reg.profiles(), [{ name: "postgres", profile: "one" }]);
      const { writeFileSync } = await import("node:fs");
      writeFileSync(ws.file, `[tool.auto_workflow.connectors.postgres.two]\nhost = "2"\n`);
      assert.deepEqual(await reg.profiles(), [{ name: "postgres", profile: "one" }], "cached until invalidated");
      reg.invalidate();
      assert.deepEqual(await reg.profiles(), [{ name: "postgres", profile: "two" }]);
    } finally {
      ws.dispose();
    }
  });
});
