// Spans, metrics and events of every PostgreSQL operation, on the happy and the error path,
// recorded by real OpenTelemetry SDK exporters; no secret in any attribute or event.
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import { SpanStatusCode } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { PostgresClient } from "../../../src/connectors/index";
import { startPostgres, type PgServer } from "../../fixtures/postgres";
import { profileEnv, testRegistry, type TestRegistry } from "./helpers";

const CANARY = "obs-Canary-5ecret-913";

describe("postgres observability", () => {
  let server: PgServer;
  let t: TestRegistry;
  let db: PostgresClient;
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });

  before(async () => {
    server = await startPostgres();
    await server.psql(`alter role app password '${CANARY}'`);
    server.appPassword = CANARY;
    t = testRegistry(profileEnv(server, "default", {}, "app"), {
      telemetry: { tracer: tracerProvider.getTracer("test"), meter: meterProvider.getMeter("test") },
    });
    db = await t.registry.get("postgres");
    await db.execute("create table obs (id int primary key)");
  });
  after(async () => {
    await t?.registry.reset();
    await server?.stop();
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });

  const operations: Array<[string, (c: PostgresClient) => Promise<unknown>, (c: PostgresClient) => Promise<unknown>]> = [
    ["query", (c) => c.query("select 1"), (c) => c.query("select * from missing_table")],
    ["execute", (c) => c.execute("insert into obs values (1) on conflict do nothing"), (c) => c.execute("insert into obs values ('x')")],
    ["executeMany", (c) => c.executeMany("insert into obs values ($1) on conflict do nothing", [[2], [3]]), (c) => c.executeMany("insert into nope values ($1)", [[1]])],
    ["copyFrom", (c) => c.copyFrom("obs", "10\n11\n"), (c) => c.copyFrom("obs", "not-a-number\n")],
    ["copyTo", (c) => c.copyTo("obs", new PassThrough().resume()), (c) => c.copyTo("missing_table", new PassThrough().resume())],
    ["queryIter", async (c) => { for await (const _ of c.queryIter("select 1")) void _; }, async (c) => { for await (const _ of c.queryIter("select 1/0")) void _; }],
    ["transaction", (c) => c.transaction((tx) => tx.query("select 1")), (c) => c.transaction((tx) => tx.query("select 1/0"))],
    ["connection", (c) => c.connection((s) => s.query("select 1")), (c) => c.connection((s) => s.query("select 1/0"))],
    ["reflect", (c) => c.reflect({ schema: "public" }), (c) => c.reflect({ schema: "public", signal: AbortSignal.abort() })],
    ["test", (c) => c.test(), (c) => c.test({ signal: AbortSignal.abort() })],
  ];

  for (const [operation, happy, failing] of operations) {
    it(`${operation}: a span, metrics and an event on success and on failure, all redacted`, async () => {
      spans.reset();
      t.events.length = 0;
      await happy(db);
      await assert.rejects(failing(db));
      const ours = spans.getFinishedSpans().filter((s) => s.name === `connector.postgres.${operation}`);
      assert.equal(ours.length, 2, `spans: ${spans.getFinishedSpans().map((s) => s.name).join(", ")}`);
      const [ok, bad] = ours;
      assert.equal(ok!.status.code, SpanStatusCode.OK);
      assert.equal(bad!.status.code, SpanStatusCode.ERROR);
      for (const span of ours) {
        assert.equal(span.attributes["connector.name"], "postgres");
        assert.equal(span.attributes["connector.profile"], "default");
        assert.equal(span.attributes["connector.operation"], operation);
        assert.equal(span.attributes["db.system.name"], "postgresql");
        assert.equal(span.attributes["server.address"], "127.0.0.1");
        assert.equal(span.attributes["server.port"], server.port);
        assert.equal(span.attributes["db.namespace"], "postgres");
      }
      assert.equal(ok!.attributes["connector.attempts"], 1);
      assert.ok(typeof bad!.attributes["error.type"] === "string");
      assert.ok(typeof bad!.attributes["connector.error.kind"] === "string");
      assert.ok(bad!.events.some((e) => e.name === "exception"));
      assert.ok(t.events.some((e) => e.event === `postgres.${operation}.ok` && typeof e.durationMs === "number"));
      const errorEvent = t.events.find((e) => e.event === `postgres.${operation}.error`);
      assert.ok(errorEvent?.error?.["kind"], "error event carries the error kind");
      const everything = JSON.stringify([ours.map((s) => [s.attributes, s.events, s.status]), t.events]);
      assert.ok(!everything.includes(CANARY));
    });
  }

  it("metrics count calls, errors and latency per operation", async () => {
    await reader.forceFlush();
    const exported = metricExporter.getMetrics();
    const latest = exported[exported.length - 1]!;
    const byName = new Map(latest.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    for (const operation of ["query", "execute", "copyFrom", "copyTo", "reflect", "test", "transaction", "queryIter"]) {
      assert.ok(byName.has(`postgres.${operation}.count`), `missing postgres.${operation}.count`);
      assert.ok(byName.has(`postgres.${operation}.errors`), `missing postgres.${operation}.errors`);
      assert.ok(byName.has(`postgres.${operation}.latency_ms`), `missing postgres.${operation}.latency_ms`);
    }
    const count = byName.get("postgres.execute.count")!;
    const total = count.dataPoints.reduce((sum, p) => sum + (p.value as number), 0);
    assert.ok(total >= 2);
    const errors = byName.get("postgres.execute.errors")!;
    assert.ok(errors.dataPoints.some((p) => p.attributes["error.kind"] === "permanent"));
    assert.ok(!JSON.stringify(exported).includes(CANARY));
  });

  it("a failed login emits events and spans without the password", async () => {
    spans.reset();
    const env = { ...profileEnv(server, "bad", {}, "app"), PG_TEST_PW_BAD: `${CANARY}-wrong` };
    const bad = testRegistry(env, { telemetry: { tracer: tracerProvider.getTracer("test"), meter: meterProvider.getMeter("test") } });
    try {
      await assert.rejects((await bad.registry.get("postgres", "bad")).query("select 1"));
      const text = JSON.stringify([spans.getFinishedSpans().map((s) => [s.attributes, s.events, s.status]), bad.events]);
      assert.ok(text.includes("28P01"), "the error code is recorded");
      assert.ok(!text.includes(CANARY));
    } finally {
      await bad.registry.reset();
    }
  });
});
