// Every method of the PostgreSQL client against a real server.
import assert from "node:assert/strict";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { PermanentError, type PostgresClient } from "../../../src/connectors/index";
import { startPostgres, type PgServer } from "../../fixtures/postgres";
import { profileEnv, testRegistry, type TestRegistry } from "./helpers";

describe("postgres client API", () => {
  let server: PgServer;
  let t: TestRegistry;
  let db: PostgresClient;
  let tmp: string;

  before(async () => {
    server = await startPostgres();
    t = testRegistry(profileEnv(server));
    db = await t.registry.get("postgres");
    tmp = await mkdtemp(path.join(os.tmpdir(), "awc-pg-api-"));
    await db.execute(`create table items (id int primary key, name text not null, price numeric(10,2) default 0, seen timestamptz, ok boolean)`);
  });
  after(async () => {
    await t?.registry.reset();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("query binds parameters and fetches all, one or many rows", async () => {
    const all = await db.query<{ n: number }>("select g as n from generate_series(1, $1::int) g", [25]);
    assert.equal(all.length, 25);
    assert.deepEqual(all[24], { n: 25 });
    const one = await db.query<{ n: number }>("select g as n from generate_series(7, 100) g", [], { fetch: "one" });
    assert.deepEqual(one, { n: 7 });
    const none = await db.query("select 1 where false", [], { fetch: "one" });
    assert.equal(none, undefined);
    const many = await db.query<{ n: number }>("select g as n from generate_series(1, 1000000) g", [], { fetch: "many", size: 3 });
    assert.deepEqual(many, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    // A parameter is data, never SQL.
    const injected = await db.query<{ v: string }>("select $1::text as v", ["'; drop table items; --"]);
    assert.equal(injected[0]?.v, "'; drop table items; --");
    assert.equal((await db.query("select count(*)::int as c from items"))[0]?.["c"], 0);
  });

  it("queryWithFields returns column names and type ids", async () => {
    const r = await db.queryWithFields("select 1::int4 as a, 'x'::text as b");
    assert.deepEqual(r.fields.map((f) => f.name), ["a", "b"]);
    assert.deepEqual(r.fields.map((f) => f.dataTypeID), [23, 25]);
    assert.equal(r.rowCount, 1);
    assert.equal(r.command, "SELECT");
  });

  it("execute reports the command and affected rows", async () => {
    const r = await db.execute("insert into items (id, name) values ($1, $2), ($3, $4)", [1, "a", 2, "b"]);
    assert.deepEqual(r, { rowCount: 2, command: "INSERT" });
    const u = await db.execute("update items set ok = true where id = $1", [1]);
    assert.deepEqual(u, { rowCount: 1, command: "UPDATE" });
    await db.execute("delete from items");
  });

  it("executeMany runs every parameter set, all or nothing", async () => {
    const r = await db.executeMany("insert into items (id, name) values ($1, $2)", [[10, "x"], [11, "y"], [12, "z"]]);
    assert.equal(r.rowCount, 3);
    async function* sets() {
      yield [20, "a"];
      yield [10, "duplicate"]; // violates the primary key
    }
    await assert.rejects(db.executeMany("insert into items (id, name) values ($1, $2)", sets()), PermanentError);
    const ids = (await db.query<{ id: number }>("select id from items order by id")).map((r) => r.id);
    assert.deepEqual(ids, [10, 11, 12], "the failed batch left nothing behind");
    // The prepared statement was deallocated: the pooled connection is clean.
    const prepared = await db.connection(async (s) => s.query("select name from pg_prepared_statements"));
    assert.equal(prepared.length, 0);
    await db.execute("delete from items");
  });

  it("queryIter streams a large result through a server-side cursor", async () => {
    let count = 0;
    let sum = 0;
    for await (const row of db.queryIter<{ g: number }>("select g from generate_series(1, 50000) g", [], { size: 1000 })) {
      count++;
      sum += row.g;
    }
    assert.equal(count, 50000);
    assert.equal(sum, (50000 * 50001) / 2);
  });

  it("queryIter closes its cursor and connection when the consumer stops early", async () => {
    const pool = db.rawPool();
    let seen = 0;
    for await (const _row of db.queryIter("select g from generate_series(1, 100000) g", [], { size: 100 })) {
      if (++seen === 150) break;
    }
    assert.equal(seen, 150);
    assert.equal(pool.totalCount - pool.idleCount, 0, "no connection left checked out");
    const cursors = await db.query("select name from pg_cursors");
    assert.equal(cursors.length, 0);
  });

  it("transaction commits on resolve and rolls back on throw, returning the caller's error", async () => {
    const value = await db.transaction(async (tx) => {
      await tx.execute("insert into items (id, name) values (1, 'kept')");
      return (await tx.query<{ c: number }>("select count(*)::int as c from items"))[0]?.c;
    });
    assert.equal(value, 1);
    class Boom extends Error {}
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.execute("insert into items (id, name) values (2, 'lost')");
        throw new Boom("caller failure");
      }),
      (error: unknown) => error instanceof Boom,
    );
    const names = (await db.query<{ name: string }>("select name from items order by id")).map((r) => r.name);
    assert.deepEqual(names, ["kept"]);
    await db.execute("delete from items");
  });

  it("transaction applies isolation, read-only and deferrable modes", async () => {
    const modes = await db.transaction(
      async (tx) => tx.query<{ iso: string; ro: string; def: string }>("select current_setting('transaction_isolation') iso, current_setting('transaction_read_only') ro, current_setting('transaction_deferrable') def", [], { fetch: "one" }),
      { isolation: "serializable", readOnly: true, deferrable: true },
    );
    assert.deepEqual(modes, { iso: "serializable", ro: "on", def: "on" });
    await assert.rejects(db.transaction((tx) => tx.execute("insert into items (id, name) values (3, 'no')"), { readOnly: true }), /read-only/);
  });

  it("transaction sessions stream with queryIter and copy inside the transaction", async () => {
    await db.transaction(async (tx) => {
      await tx.copyFrom("items", "5,five\n6,six\n", { columns: ["id", "name"] });
      let n = 0;
      for await (const _r of tx.queryIter("select * from items")) n++;
      assert.equal(n, 2);
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on("data", (c: Buffer) => chunks.push(c));
      await tx.copyTo({ query: "select id, name from items order by id" }, sink);
      assert.equal(Buffer.concat(chunks).toString(), "5,five\n6,six\n");
      assert.equal((await tx.reflect({ schema: "public", only: ["items"] }))[0]?.relations.length, 1);
      await tx.executeMany("update items set ok = $1 where id = $2", [[true, 5], [false, 6]]);
      const r = await tx.queryWithFields("select count(*) from items where ok is not null");
      assert.equal(r.rows[0]?.["count"], "2");
    });
    await db.execute("delete from items");
  });

  it("connection keeps session state across statements", async () => {
    const tz = await db.connection(async (s) => {
      await s.execute("set timezone to 'Asia/Tokyo'");
      await s.execute("create temp table scratch (x int)");
      await s.execute("insert into scratch values (1), (2)");
      const count = await s.query<{ c: number }>("select count(*)::int c from scratch", [], { fetch: "one" });
      assert.equal(count?.c, 2);
      return (await s.query<{ tz: string }>("select current_setting('timezone') as tz", [], { fetch: "one" }))?.tz;
    });
    assert.equal(tz, "Asia/Tokyo");
  });

  it("copyFrom loads CSV from a string, a Buffer, an async iterable and a file stream", async () => {
    await db.execute("create table copy_in (id int, name text, price numeric, seen timestamptz, ok boolean)");
    assert.equal((await db.copyFrom("copy_in", "1,a,1.5,2024-01-01T00:00:00Z,true\n")).rowCount, 1);
    assert.equal((await db.copyFrom("public.copy_in", Buffer.from("id;name\n2;b\n"), { delimiter: ";", header: true, columns: ["id", "name"] })).rowCount, 1);
    async function* chunks() {
      yield "3,c,,,";
      yield "\n4,d,2.25,,false\n";
    }
    assert.equal((await db.copyFrom(["public", "copy_in"], chunks())).rowCount, 2);
    const file = path.join(tmp, "in.csv");
    await writeFile(file, Array.from({ length: 1000 }, (_, i) => `${100 + i},n${i},${i}.5,2024-02-01T00:00:00Z,${i % 2 === 0}`).join("\n") + "\n");
    assert.equal((await db.copyFrom({ schema: "public", name: "copy_in" }, createReadStream(file))).rowCount, 1000);
    assert.equal((await db.query<{ c: number }>("select count(*)::int c from copy_in"))[0]?.c, 1004);
    const nulls = await db.query("select price, seen, ok from copy_in where id = 3", [], { fetch: "one" });
    assert.deepEqual(nulls, { price: null, seen: null, ok: null });
  });

  it("copyFrom supports text and binary formats, and copyTo round-trips them", async () => {
    await db.execute("create table fmt (id int, label text)");
    await db.copyFrom("fmt", "1\tone\n2\t\\N\n", { format: "text" });
    const bin: Buffer[] = [];
    await db.copyTo("fmt", new Writable({ write(c: Buffer, _e, cb) { bin.push(c); cb(); } }), { format: "binary" });
    await db.execute("create table fmt2 (id int, label text)");
    await db.copyFrom("fmt2", Buffer.concat(bin), { format: "binary" });
    const rows = await db.query("select * from fmt2 order by id");
    assert.deepEqual(rows, [{ id: 1, label: "one" }, { id: 2, label: null }]);
  });

  it("copyTo writes a table or a query to a stream or file, with a header", async () => {
    await db.execute("create table out_t (id int, \"odd name\" text)");
    await db.execute("insert into out_t values (1, 'a,b'), (2, 'q\"')");
    const file = path.join(tmp, "out.csv");
    const r = await db.copyTo("out_t", createWriteStream(file), { header: true });
    assert.equal(r.rowCount, 2);
    const text = await readFile(file, "utf8");
    assert.equal(text, 'id,odd name\n1,"a,b"\n2,"q"""\n');
    assert.equal(r.bytes, Buffer.byteLength(text));
    const viaQuery: string[] = [];
    await db.copyTo("select id from out_t where id > 1", new Writable({ write(c: Buffer, _e, cb) { viaQuery.push(c.toString()); cb(); } }));
    assert.equal(viaQuery.join(""), "2\n");
    const cols: string[] = [];
    await db.copyTo("out_t", new Writable({ write(c: Buffer, _e, cb) { cols.push(c.toString()); cb(); } }), { columns: ["odd name"], delimiter: "|" });
    assert.equal(cols.join(""), 'a,b\n"q"""\n', "with | as delimiter a comma needs no quoting");
  });

  it("copyFrom quotes identifiers so odd table and column names work and cannot inject", async () => {
    await db.execute(`create table "We ""ird"".name" ("sp ace" int, "Upper" text)`);
    const r = await db.copyFrom({ name: 'We "ird".name' }, "1,x\n", { columns: ["sp ace", "Upper"] });
    assert.equal(r.rowCount, 1);
    await assert.rejects(db.copyFrom('items"; drop table items; --', "1\n"), PermanentError);
    assert.equal((await db.query("select to_regclass('public.items') is not null as present", [], { fetch: "one" }))?.["present"], true);
  });

  it("reflect lists schemas, relations and columns with types, nullability, defaults and keys", async () => {
    await db.execute("create schema sales");
    await db.execute("create table sales.orders (id bigserial primary key, customer varchar(40) not null, total numeric(12,2) default 0, placed timestamptz)");
    await db.execute("comment on table sales.orders is 'All orders'");
    await db.execute("create view sales.big_orders as select * from sales.orders where total > 100");
    await db.execute("create materialized view sales.daily as select date_trunc('day', placed) d, sum(total) s from sales.orders group by 1");
    await db.execute("create table sales.events (id int, at date) partition by range (at)");
    await db.execute("create table sales.events_2024 partition of sales.events for values from ('2024-01-01') to ('2025-01-01')");
    const [sales] = await db.reflect({ schema: "sales" });
    assert.equal(sales?.name, "sales");
    const byName = new Map(sales!.relations.map((r) => [r.name, r]));
    assert.deepEqual([...byName.keys()], ["big_orders", "daily", "events", "orders"], "partitions are folded into their parent");
    assert.equal(byName.get("big_orders")?.kind, "view");
    assert.equal(byName.get("daily")?.kind, "materializedView");
    assert.equal(byName.get("events")?.kind, "partitionedTable");
    const orders = byName.get("orders")!;
    assert.equal(orders.kind, "table");
    assert.equal(orders.comment, "All orders");
    assert.deepEqual(
      orders.columns.map((c) => [c.name, c.type, c.nullable, c.primaryKey]),
      [
        ["id", "bigint", false, true],
        ["customer", "character varying(40)", false, false],
        ["total", "numeric(12,2)", true, false],
        ["placed", "timestamp with time zone", true, false],
      ],
    );
    assert.match(orders.columns[0]!.default ?? "", /nextval/);
    assert.equal(orders.columns[2]!.default, "0");
    const all = await db.reflect();
    assert.ok(all.some((s) => s.name === "public") && all.some((s) => s.name === "sales"));
    assert.ok(!all.some((s) => s.name.startsWith("pg_") || s.name === "information_schema"));
    const only = await db.reflect({ schema: ["sales", "public"], only: ["orders"] });
    assert.deepEqual(only.map((s) => s.relations.map((r) => r.name)), [["orders"], []]);
  });

  it("test reports latency, server version, TLS, user and database", async () => {
    const report = await db.test();
    assert.equal(report.ok, true);
    assert.ok(report.latencyMs >= 0 && report.latencyMs < 5_000);
    assert.match(report.serverVersion ?? "", /^PostgreSQL 1\d\./);
    assert.equal(report.identity, "postgres");
    assert.equal(report.tls.enabled, false);
    assert.equal(report.details["database"], "postgres");
    assert.equal(report.endpoint, `127.0.0.1:${server.port}/postgres`);
  });

  it("rawPool is the pg.Pool the client uses", async () => {
    const pool = db.rawPool();
    assert.ok(pool instanceof pg.Pool);
    const c = await pool.connect();
    try {
      assert.equal((await c.query("select current_setting('application_name') a")).rows[0].a, "auto-workflow-connectors");
    } finally {
      c.release();
    }
  });

  it("applies applicationName and statementTimeout from the profile", async () => {
    const { registry } = testRegistry(profileEnv(server, "tuned", { APPLICATION_NAME: "etl job", STATEMENT_TIMEOUT: "1500ms" }));
    try {
      const c = await registry.get("postgres", "tuned");
      const row = await c.query<{ a: string; s: string }>("select current_setting('application_name') a, current_setting('statement_timeout') s", [], { fetch: "one" });
      assert.deepEqual(row, { a: "etl job", s: "1500ms" });
    } finally {
      await registry.reset();
    }
  });

  it("close ends the pool; a closed client refuses work and the registry hands out a new one", async () => {
    const { registry } = testRegistry(profileEnv(server, "closing"));
    const c = await registry.get("postgres", "closing");
    await c.query("select 1");
    await c.close();
    assert.equal(c.isClosed(), true);
    await assert.rejects(c.query("select 1"), (e: unknown) => e instanceof PermanentError && /closed/.test((e as Error).message));
    assert.throws(() => c.queryIter("select 1"), PermanentError);
    const fresh = await registry.get("postgres", "closing");
    assert.notEqual(fresh, c);
    assert.equal((await fresh.query("select 1 as one", [], { fetch: "one" }))?.["one"], 1);
    await registry.reset();
    assert.equal(fresh.isClosed(), true);
  });

  it("copyFrom from a Readable that errors fails without loading anything", async () => {
    await db.execute("create table partial (id int)");
    const source = new Readable({
      read() {
        this.push("1\n2\n");
        this.destroy(new Error("source broke"));
      },
    });
    await assert.rejects(db.copyFrom("partial", source));
    assert.equal((await db.query<{ c: number }>("select count(*)::int c from partial"))[0]?.c, 0);
  });
});
