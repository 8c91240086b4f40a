// Reliability under real failure: a server restart mid-load, pool saturation, bounded memory.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { TransientError, type PostgresClient } from "../../../src/connectors/index";
import { startPostgres, type PgServer } from "../../fixtures/postgres";
import { eventually, ourBackends, profileEnv, testRegistry, type TestRegistry } from "./helpers";

async function canConnect(server: PgServer): Promise<boolean> {
  const client = new pg.Client({ connectionString: server.url(), connectionTimeoutMillis: 500 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe("postgres reliability", () => {
  let server: PgServer;
  let t: TestRegistry;
  let db: PostgresClient;

  before(async () => {
    server = await startPostgres();
    t = testRegistry(profileEnv(server, "default", { POOL__MAX: "10", RETRY__ATTEMPTS: "6", RETRY__BASE_DELAY: "100ms", RETRY__MAX_DELAY: "1s", STATEMENT_TIMEOUT: "0" }));
    db = await t.registry.get("postgres");
  });
  after(async () => {
    await t?.registry.reset();
    await server?.stop();
  });

  it("200 concurrent queries through a pool of 10 all complete, never more than 10 backends", async () => {
    let peak = 0;
    const watcher = setInterval(() => {
      const pool = db.rawPool();
      peak = Math.max(peak, pool.totalCount);
    }, 5);
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => db.query<{ i: number }>("select $1::int as i, pg_sleep(0.01)", [i], { fetch: "one" })));
      assert.deepEqual(results.map((r) => r?.i), Array.from({ length: 200 }, (_, i) => i));
    } finally {
      clearInterval(watcher);
    }
    assert.ok(peak <= 10, `pool grew to ${peak}`);
    assert.ok(peak >= 2, "the pool was used concurrently");
    assert.ok((await ourBackends(server)) <= 10);
  });

  it("a restart mid-load fails in-flight calls with TransientError; the pool recovers; no backend leaks", async () => {
    const inFlight = Array.from({ length: 20 }, () => db.query("select pg_sleep(5)", [], { retry: false }).then(() => "ok", (e: unknown) => e));
    assert.ok(await eventually(async () => (await ourBackends(server)) >= 10), "load is running");
    await server.restart();
    const outcomes = await Promise.all(inFlight);
    assert.equal(outcomes.filter((o) => o === "ok").length, 0, "nothing survived a restart");
    for (const outcome of outcomes) assert.ok(outcome instanceof TransientError, inspect(outcome));
    // Later calls succeed (stale idle connections are discarded, retries cover the first reconnect).
    const after = await Promise.all(Array.from({ length: 30 }, (_, i) => db.query<{ i: number }>("select $1::int as i", [i], { fetch: "one" })));
    assert.equal(after.length, 30);
    assert.ok((await ourBackends(server)) <= 10, "more backends than the pool allows");
    const pool = db.rawPool();
    assert.equal(pool.waitingCount, 0);
    assert.equal(pool.totalCount - pool.idleCount, 0, "a connection is still checked out");
  });

  it("an idempotent query issued while the server is down is retried until it is back", async () => {
    await db.query("select 1");
    t.events.length = 0;
    const restarting = server.restart();
    const down = await eventually(async () => !(await canConnect(server)), 5_000, 5);
    assert.ok(down, "the server never went down");
    const result = await db.query<{ v: number }>("select 41 + 1 as v", [], { fetch: "one" });
    await restarting;
    assert.equal(result?.v, 42);
    const retries = t.events.filter((e) => e.event === "postgres.query.retry");
    assert.ok(retries.length >= 1, "the query was not retried");
    for (const retry of retries) assert.equal((retry.error as { kind?: string } | undefined)?.kind, "transient");
  });

  it("after close, none of the client's backends remain", async () => {
    const { registry } = testRegistry(profileEnv(server, "leak", { APPLICATION_NAME: "leak-check", POOL__MAX: "5" }));
    const c = await registry.get("postgres", "leak");
    await Promise.all(Array.from({ length: 20 }, () => c.query("select pg_sleep(0.02)")));
    assert.ok((await ourBackends(server, "leak-check")) > 0);
    await registry.reset();
    assert.ok(await eventually(async () => (await ourBackends(server, "leak-check")) === 0), "backends left after close");
  });

  it("queryIter keeps memory bounded over a result far larger than its batch", async () => {
    // Measure what stays reachable (after a full GC), not garbage awaiting collection.
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let rows = 0;
    for await (const row of db.queryIter<{ payload: string }>("select g, repeat('x', 200) as payload from generate_series(1, 400000) g", [], { size: 2000 })) {
      rows++;
      if (row.payload.length !== 200) assert.fail("bad row");
      if (rows % 50000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
    }
    assert.equal(rows, 400000);
    // Buffered, 400k rows of ~250 bytes would keep well over 100 MB reachable.
    assert.ok(peak < 20 * 1024 * 1024, `${(peak / 1048576).toFixed(1)} MB stayed reachable while iterating`);
  });
});
