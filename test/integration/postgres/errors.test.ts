// Every error kind, classified from a real server, with a hint a person can act on and no secret.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { AuthError, CancelledError, ConfigError, NotFoundError, PermanentError, TimeoutError, TransientError, type ConnectorError, type PostgresClient } from "../../../src/connectors/index";
import { freePort } from "../../fixtures/processes";
import { startPostgres, type PgServer } from "../../fixtures/postgres";
import { eventually, profileEnv, runningQueries, testRegistry, type TestRegistry } from "./helpers";

const CANARY = "Canary-pw-7f3a9c-DO-NOT-LEAK";

function assertNoCanary(error: unknown, events: unknown[] = []): void {
  const text = [inspect(error, { depth: 10 }), JSON.stringify(error), String(error), JSON.stringify(events)].join("\n");
  assert.ok(!text.includes(CANARY), "the canary password leaked into an error or event");
  assert.ok(!text.includes(encodeURIComponent(CANARY)), "the URL-encoded canary leaked");
}

describe("postgres errors from a real server", () => {
  let server: PgServer;
  let t: TestRegistry;
  let db: PostgresClient;

  before(async () => {
    server = await startPostgres();
    t = testRegistry(profileEnv(server, "default", { STATEMENT_TIMEOUT: "800ms" }));
    db = await t.registry.get("postgres");
  });
  after(async () => {
    await t?.registry.reset();
    await server?.stop();
  });

  it("a wrong password is an AuthError that says to check user and password, without the password", async () => {
    const env = { ...profileEnv(server, "wrong"), PG_TEST_PW_WRONG: CANARY };
    const { registry, events } = testRegistry(env);
    try {
      const c = await registry.get("postgres", "wrong");
      const error = await c.query("select 1").then(
        () => assert.fail("connected with a wrong password"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof AuthError, `got ${inspect(error)}`);
      assert.equal(error.code, "28P01");
      assert.equal(error.retryable, false);
      assert.match(error.message, /check the user and password/);
      assert.equal(error.connector, "postgres");
      assert.equal(error.operation, "query");
      assertNoCanary(error, events);
    } finally {
      await registry.reset();
    }
  });

  it("a DSN with a plaintext password never shows it in errors or events", async () => {
    const env = {
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_PLAIN__DSN: `postgresql://postgres:${encodeURIComponent(CANARY)}@127.0.0.1:${server.port}/nosuchdb`,
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_PLAIN__SSLMODE: "disable",
    };
    const { registry, events } = testRegistry(env);
    try {
      const c = await registry.get("postgres", "plain");
      const error = await c.test().catch((e: unknown) => e);
      assert.ok(error instanceof AuthError);
      assertNoCanary(error, events);
      const view = await registry.resolveConfig("postgres", "plain");
      assert.ok(!JSON.stringify(view).includes(CANARY));
    } finally {
      await registry.reset();
    }
  });

  it("an unknown database is a NotFoundError naming it", async () => {
    const env = { ...profileEnv(server, "nodb"), AUTO_WORKFLOW_CONNECTORS_POSTGRES_NODB__DATABASE: "warehouse_missing" };
    const { registry } = testRegistry(env);
    try {
      const error = await (await registry.get("postgres", "nodb")).test().catch((e: unknown) => e as ConnectorError);
      assert.ok(error instanceof NotFoundError);
      assert.equal(error.code, "3D000");
      assert.match(error.message, /warehouse_missing/);
      assert.match(error.message, /check the database name/);
    } finally {
      await registry.reset();
    }
  });

  it("a refused connection is a TransientError that says to check host and port, retried before failing", async () => {
    const port = await freePort();
    const env = {
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_DOWN__HOST: "127.0.0.1",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_DOWN__PORT: String(port),
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_DOWN__SSLMODE: "disable",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_DOWN__RETRY__ATTEMPTS: "3",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_DOWN__RETRY__BASE_DELAY: "10ms",
    };
    const { registry, events } = testRegistry(env);
    try {
      const error = await (await registry.get("postgres", "down")).query("select 1").catch((e: unknown) => e as ConnectorError);
      assert.ok(error instanceof TransientError);
      assert.equal(error.code, "ECONNREFUSED");
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.match(error.message, /check host and port/);
      assert.equal(events.filter((e) => e.event === "postgres.query.retry").length, 2, "two retries after the first attempt");
      // A non-idempotent operation is not retried.
      events.length = 0;
      await assert.rejects((await registry.get("postgres", "down")).execute("insert into t values (1)"), TransientError);
      assert.equal(events.filter((e) => e.event === "postgres.execute.retry").length, 0);
    } finally {
      await registry.reset();
    }
  });

  it("SQL errors are PermanentErrors with the SQLSTATE; a missing table hints at search_path", async () => {
    const syntax = await db.query("selec 1").catch((e: unknown) => e as ConnectorError);
    assert.ok(syntax instanceof PermanentError);
    assert.equal(syntax.code, "42601");
    const missing = await db.query("select * from no_such_table").catch((e: unknown) => e as ConnectorError);
    assert.ok(missing instanceof PermanentError);
    assert.equal(missing.code, "42P01");
    assert.match(missing.message, /search_path/);
    // The connection is still usable after a statement error.
    assert.equal((await db.query("select 2 as two", [], { fetch: "one" }))?.["two"], 2);
  });

  it("statementTimeout is enforced by the server: TimeoutError, and no query left running", async () => {
    const started = Date.now();
    const error = await db.query("select pg_sleep(30)").catch((e: unknown) => e as ConnectorError);
    assert.ok(error instanceof TimeoutError, inspect(error));
    assert.equal(error.code, "57014");
    assert.match(error.message, /statementTimeout/);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(await runningQueries(server, "pg_sleep(30)"), 0);
  });

  it("a client deadline (timeoutMs) cancels the backend query: TimeoutError, nothing left running", async () => {
    const { registry } = testRegistry(profileEnv(server, "slow", { STATEMENT_TIMEOUT: "0" }));
    try {
      const c = await registry.get("postgres", "slow");
      const started = Date.now();
      const error = await c.query("select pg_sleep(31)", [], { timeoutMs: 300 }).catch((e: unknown) => e as ConnectorError);
      assert.ok(error instanceof TimeoutError, inspect(error));
      assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
      assert.ok(await eventually(async () => (await runningQueries(server, "pg_sleep(31)")) === 0));
    } finally {
      await registry.reset();
    }
  });

  it("an AbortSignal cancels pg_sleep(60) within 1 s: CancelledError, backend query gone", async () => {
    const { registry } = testRegistry(profileEnv(server, "abort", { STATEMENT_TIMEOUT: "0" }));
    try {
      const c = await registry.get("postgres", "abort");
      await c.query("select 1");
      const controller = new AbortController();
      const running = c.query("select pg_sleep(60)", [], { signal: controller.signal });
      assert.ok(await eventually(async () => (await runningQueries(server, "pg_sleep(60)")) === 1), "the query is running");
      const abortedAt = Date.now();
      controller.abort();
      const error = await running.catch((e: unknown) => e as ConnectorError);
      const took = Date.now() - abortedAt;
      assert.ok(error instanceof CancelledError, inspect(error));
      assert.equal(error.retryable, false);
      assert.ok(took <= 1_000, `cancel took ${took} ms`);
      assert.ok(await eventually(async () => (await runningQueries(server, "pg_sleep(60)")) === 0, 1_000), "backend query still running");
      // An already-aborted signal fails fast without touching the server.
      await assert.rejects(c.query("select 1", [], { signal: AbortSignal.abort() }), CancelledError);
      // A cancelled queryIter stops too.
      const iterController = new AbortController();
      const iter = c.queryIter("select pg_sleep(0.01) from generate_series(1, 10000)", [], { signal: iterController.signal, size: 10 });
      let n = 0;
      await assert.rejects(
        (async () => {
          for await (const _ of iter) if (++n === 20) iterController.abort();
        })(),
        CancelledError,
      );
      assert.ok(n >= 20 && n < 40);
    } finally {
      await registry.reset();
    }
  });

  it("a serialization failure is a TransientError", async () => {
    await db.execute("create table acct (id int primary key, v int)");
    await db.execute("insert into acct values (1, 0), (2, 0)");
    const { registry } = testRegistry(profileEnv(server, "ser"));
    try {
      const other = await registry.get("postgres", "ser");
      const error = await db
        .transaction(
          async (tx) => {
            await tx.query("select sum(v) from acct");
            await other.transaction(async (tx2) => {
              await tx2.query("select sum(v) from acct");
              await tx2.execute("update acct set v = v + 1 where id = 2");
            }, { isolation: "serializable" });
            await tx.execute("update acct set v = v + 1 where id = 1");
          },
          { isolation: "serializable" },
        )
        .catch((e: unknown) => e as ConnectorError);
      assert.ok(error instanceof TransientError, inspect(error));
      assert.equal(error.code, "40001");
      assert.equal(error.retryable, true);
    } finally {
      await registry.reset();
    }
  });

  it("a readOnly profile cannot write, enforced by the server", async () => {
    await db.execute("create table ro_target (id int)");
    const { registry } = testRegistry(profileEnv(server, "ro", { READ_ONLY: "true" }));
    try {
      const ro = await registry.get("postgres", "ro");
      assert.equal((await ro.query("select count(*)::int c from ro_target", [], { fetch: "one" }))?.["c"], 0);
      for (const attempt of [
        () => ro.execute("insert into ro_target values (1)"),
        () => ro.copyFrom("ro_target", "1\n"),
        () => ro.transaction((tx) => tx.execute("delete from ro_target")),
        () => ro.execute("create table sneaky (x int)"),
      ]) {
        const error = await attempt().catch((e: unknown) => e as ConnectorError);
        assert.ok(error instanceof PermanentError, inspect(error));
        assert.equal(error.code, "25006");
        assert.match(error.message, /read-only/);
      }
      assert.equal((await ro.test()).details["readOnly"], true);
    } finally {
      await registry.reset();
    }
  });

  it("configuration problems are ConfigErrors before any connection", async () => {
    const { registry } = testRegistry({ ...profileEnv(server, "cfg"), AUTO_WORKFLOW_CONNECTORS_POSTGRES_CFG__SSLMODE: "verify-full", AUTO_WORKFLOW_CONNECTORS_POSTGRES_CFG__SSLROOTCERT: "/nonexistent/ca.pem" });
    const error = await registry.get("postgres", "cfg").catch((e: unknown) => e as ConfigError);
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, "sslrootcert");
    await registry.reset();
  });

  it("prefer falls back to a plain connection when the server offers no TLS", async () => {
    const { registry } = testRegistry(profileEnv(server, "prefer", { SSLMODE: "prefer" }));
    try {
      const c = await registry.get("postgres", "prefer");
      const report = await c.test();
      assert.equal(report.tls.enabled, false);
      assert.equal(report.details["sslmode"], "disable");
      assert.equal((await c.query("select 1 as one", [], { fetch: "one" }))?.["one"], 1);
    } finally {
      await registry.reset();
    }
  });

  it("TLS required by the client but not offered by the server is a ConfigError with a hint", async () => {
    const { registry } = testRegistry(profileEnv(server, "needtls", { SSLMODE: "require" }));
    try {
      const error = await (await registry.get("postgres", "needtls")).test().catch((e: unknown) => e as ConnectorError);
      assert.ok(error instanceof ConfigError, inspect(error));
      assert.match(error.message, /does not offer TLS/);
      assert.match(error.message, /sslmode/);
    } finally {
      await registry.reset();
    }
  });
});
