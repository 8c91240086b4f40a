// Telemetry with in-memory OpenTelemetry exporters (no globals): one span per operation, metrics
// <name>.<op>.count|errors|latency_ms, structured events — all redacted.
import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import { SpanStatusCode, type Attributes } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { MeterProvider, MetricReader, DataPointType, type MetricData } from "@opentelemetry/sdk-metrics";
import { EventHub, Telemetry, type ConnectorEvent } from "../../src/connectors/observability";
import { Redactor } from "../../src/connectors/redact";
import { CancelledError, ConnectorError, TransientError } from "../../src/connectors/errors";
import { createRegistry } from "../../src/connectors/index";
import { fakeDriver, fakeFields, type FakeClient } from "./helpers";

class TestReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const CANARY = "otel-canary-S3CR3T";

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const tracer = tracerProvider.getTracer("unit");
  const meter = meterProvider.getMeter("unit");
  const hub = new EventHub();
  const events: ConnectorEvent[] = [];
  hub.on((e) => events.push(e));
  const telemetry = new Telemetry("postgres", "default", { "server.address": "db.internal", "db.user": `user-${CANARY}` }, new Redactor([CANARY]), hub, { tracer, meter });
  async function metrics(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await reader.collect();
    assert.deepEqual(errors, []);
    return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  }
  return { exporter, telemetry, events, hub, metrics, tracer, meter, shutdown: () => Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]) };
}

type Setup = ReturnType<typeof setup>;

function metric(all: MetricData[], name: string): MetricData {
  const found = all.find((m) => m.descriptor.name === name);
  assert.ok(found, `metric ${name} among ${all.map((m) => m.descriptor.name).join(", ")}`);
  return found;
}

function sumWhere(m: MetricData, attrs: Attributes): number {
  assert.equal(m.dataPointType, DataPointType.SUM);
  return m.dataPoints.filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)).reduce((n, p) => n + (p.value as number), 0);
}

function onlySpan(s: Setup): ReadableSpan {
  const spans = s.exporter.getFinishedSpans();
  assert.equal(spans.length, 1, spans.map((x) => x.name).join(", "));
  return spans[0]!;
}

describe("Telemetry.operation", () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });
  after(() => s?.shutdown());

  it("success: one span connector.postgres.<op>, status OK, attributes, attempts; the value is returned", async () => {
    const value = await s.telemetry.operation("query", { "db.operation.name": "SELECT" }, async (annotate) => {
      annotate({ "db.response.returned_rows": 3 });
      return { value: [1, 2, 3], attempts: 2 };
    });
    assert.deepEqual(value, [1, 2, 3]);
    const span = onlySpan(s);
    assert.equal(span.name, "connector.postgres.query");
    assert.equal(span.status.code, SpanStatusCode.OK);
    assert.equal(span.attributes["connector.name"], "postgres");
    assert.equal(span.attributes["connector.profile"], "default");
    assert.equal(span.attributes["connector.operation"], "query");
    assert.equal(span.attributes["connector.attempts"], 2);
    assert.equal(span.attributes["db.operation.name"], "SELECT");
    assert.equal(span.attributes["db.response.returned_rows"], 3);
    assert.equal(span.attributes["server.address"], "db.internal");
    assert.equal(span.attributes["error.type"], undefined);
    assert.equal(span.ended, true);
  });

  it("error: status ERROR, error.type, connector.error.kind and code, an exception event; the error is rethrown as is", async () => {
    const thrown = new TransientError("could not serialize access", { code: "40001" });
    await assert.rejects(
      s.telemetry.operation("execute", {}, async () => {
        throw thrown;
      }),
      (e) => e === thrown,
    );
    const span = onlySpan(s);
    assert.equal(span.name, "connector.postgres.execute");
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.ok(span.status.message?.includes("could not serialize access"));
    assert.equal(span.attributes["error.type"], "TransientError");
    assert.equal(span.attributes["connector.error.kind"], "transient");
    assert.equal(span.attributes["connector.error.code"], "40001");
    assert.equal(span.attributes["connector.attempts"], undefined);
    const exception = span.events.find((e) => e.name === "exception");
    assert.ok(exception, "recordException adds an exception event");
    assert.equal(exception.attributes?.["exception.type"], "TransientError");
  });

  it("a raw error is reported with kind unknown", async () => {
    await assert.rejects(
      s.telemetry.operation("query", {}, async () => {
        throw new RangeError("oops");
      }),
      RangeError,
    );
    const span = onlySpan(s);
    assert.equal(span.attributes["error.type"], "RangeError");
    assert.equal(span.attributes["connector.error.kind"], "unknown");
  });

  it("metrics: <name>.<op>.count by outcome, .errors by kind, .latency_ms histogram", async () => {
    const ok = () => s.telemetry.operation("query", {}, async () => ({ value: 1, attempts: 1 }));
    await ok();
    await ok();
    await assert.rejects(
      s.telemetry.operation("query", {}, async () => {
        throw new TransientError("x");
      }),
    );
    await assert.rejects(
      s.telemetry.operation("query", {}, async () => {
        throw new CancelledError("y");
      }),
    );
    const all = await s.metrics();
    const count = metric(all, "postgres.query.count");
    assert.equal(sumWhere(count, { outcome: "ok" }), 2);
    assert.equal(sumWhere(count, { outcome: "error" }), 2);
    assert.equal(sumWhere(count, { "connector.profile": "default" }), 4);
    const errors = metric(all, "postgres.query.errors");
    assert.equal(sumWhere(errors, {}), 2);
    assert.equal(sumWhere(errors, { "error.kind": "transient" }), 1);
    assert.equal(sumWhere(errors, { "error.kind": "cancelled" }), 1);
    const latency = metric(all, "postgres.query.latency_ms");
    assert.equal(latency.dataPointType, DataPointType.HISTOGRAM);
    assert.equal(latency.descriptor.unit, "ms");
    const total = latency.dataPoints.reduce((n, p) => n + (p.value as { count: number }).count, 0);
    assert.equal(total, 4);
    for (const p of latency.dataPoints) assert.ok((p.value as { min?: number }).min! >= 0);
    // another operation has its own instruments
    await s.telemetry.operation("execute", {}, async () => ({ value: 1, attempts: 1 }));
    assert.equal(sumWhere(metric(await s.metrics(), "postgres.execute.count"), {}), 1);
  });

  it("events: <name>.<op>.ok and .error with connector, profile, operation, duration, attempts", async () => {
    await s.telemetry.operation("query", {}, async () => ({ value: 1, attempts: 3 }));
    await assert.rejects(
      s.telemetry.operation("query", {}, async () => {
        throw new TransientError("nope", { connector: "postgres", operation: "query" });
      }),
    );
    await assert.rejects(
      s.telemetry.operation("query", {}, async () => {
        throw new CancelledError("stopped");
      }),
    );
    assert.deepEqual(
      s.events.map((e) => [e.event, e.level]),
      [
        ["postgres.query.ok", "debug"],
        ["postgres.query.error", "error"],
        ["postgres.query.error", "info"],
      ],
    );
    const [ok, error] = s.events;
    assert.equal(ok!.connector, "postgres");
    assert.equal(ok!.profile, "default");
    assert.equal(ok!.operation, "query");
    assert.equal(ok!.attempts, 3);
    assert.equal(typeof ok!.durationMs, "number");
    assert.ok(!Number.isNaN(Date.parse(ok!.time)));
    assert.equal(error!.error?.["kind"], "transient");
    assert.equal(error!.error?.["message"], "nope");
    assert.equal(error!.error?.["retryable"], true);
  });

  it("begin(): a scope ends once, whatever is called after", async () => {
    const scope = s.telemetry.begin("copyTo", { "db.operation.name": "COPY" });
    scope.annotate({ "connector.bytes": 10 });
    scope.succeed(1);
    scope.succeed(1);
    scope.fail(new Error("late"));
    const span = onlySpan(s);
    assert.equal(span.status.code, SpanStatusCode.OK);
    assert.equal(span.attributes["connector.bytes"], 10);
    assert.equal(sumWhere(metric(await s.metrics(), "postgres.copyTo.count"), {}), 1);
    assert.equal(s.events.length, 1);
  });

  it("a throwing event listener does not break the operation", async () => {
    s.hub.on(() => {
      throw new Error("bad listener");
    });
    assert.equal(await s.telemetry.operation("query", {}, async () => ({ value: "fine", attempts: 1 })), "fine");
    assert.equal(s.events.length, 1);
  });

  it("a known secret is redacted from span attributes, status, exception events, events and metrics", async () => {
    await s.telemetry.operation("query", { "db.query.summary": `SELECT ${CANARY}`, "url.full": "postgresql://u:plainpw123@h/db" }, async (annotate) => {
      annotate({ note: `annotated ${CANARY}` });
      return { value: 1, attempts: 1 };
    });
    await assert.rejects(
      s.telemetry.operation("query", { "db.query.summary": CANARY }, async () => {
        throw new Error(`driver failed for password ${CANARY}`);
      }),
    );
    await assert.rejects(
      s.telemetry.operation("query", {}, async () => {
        throw new ConnectorError(`connector failed with ${CANARY}`, { code: "XX000" });
      }),
    );
    const spans = s.exporter.getFinishedSpans();
    assert.equal(spans.length, 3);
    const spanText = JSON.stringify(spans.map((x) => ({ name: x.name, attributes: x.attributes, status: x.status, events: x.events })));
    assert.ok(!spanText.includes(CANARY), spanText);
    assert.ok(!spanText.includes("plainpw123"), spanText);
    assert.ok(spanText.includes("********"), "redacted, not dropped");
    assert.equal(spans[0]!.attributes["db.user"], "user-********");
    assert.equal(spans[0]!.attributes["note"], "annotated ********");
    const eventText = JSON.stringify(s.events);
    assert.ok(!eventText.includes(CANARY), eventText);
    assert.equal(s.events.length, 3);
    const metricText = JSON.stringify(await s.metrics());
    assert.ok(!metricText.includes(CANARY), metricText);
  });

  it("emit(): events carry connector and profile and are redacted", () => {
    s.telemetry.emit({ level: "warn", event: "postgres.pool.idle_error", error: { message: `idle ${CANARY}` }, attributes: { list: [CANARY] } });
    assert.equal(s.events.length, 1);
    const e = s.events[0]!;
    assert.equal(e.connector, "postgres");
    assert.equal(e.profile, "default");
    assert.equal(e.level, "warn");
    assert.deepEqual(e.error, { message: "idle ********" });
    assert.deepEqual(e.attributes, { list: ["********"] });
  });
});

describe("telemetry through the registry", () => {
  it("createRegistry({ telemetry }) hands the tracer and meter to drivers", async () => {
    const s = setup();
    try {
      const fake = fakeDriver("fake", "mem", fakeFields);
      const reg = createRegistry({ env: {}, telemetry: { tracer: s.tracer, meter: s.meter } });
      reg.register("fake", "mem", fake);
      const client = (await reg.get("fake")) as FakeClient;
      assert.equal(client.context.telemetry.tracer, s.tracer);
      assert.equal(client.context.telemetry.meter, s.meter);
    } finally {
      await s.shutdown();
    }
  });

  it("a postgres call that cannot connect yields one redacted error span and metrics (nothing listens on port 1)", async () => {
    const s = setup();
    const events: ConnectorEvent[] = [];
    const reg = createRegistry({ env: { PG_PW: CANARY }, telemetry: { tracer: s.tracer, meter: s.meter }, onEvent: (e) => events.push(e) });
    try {
      const client = await reg.get("postgres", "default", {
        dsn: "postgresql://app:secret://env/PG_PW@127.0.0.1:1/sales",
        sslmode: "disable",
        connectTimeout: "2s",
        retry: { attempts: 1 },
      });
      const error = await client.query("select 1").then(
        () => assert.fail("connected to port 1?"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof TransientError, String(error));
      assert.equal(error.code, "ECONNREFUSED");
      assert.match(error.message, /127\.0\.0\.1:1 refused/);
      assert.ok(!JSON.stringify(error).includes(CANARY));
      const span = onlySpan(s);
      assert.equal(span.name, "connector.postgres.query");
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes["db.system.name"], "postgresql");
      assert.equal(span.attributes["server.address"], "127.0.0.1");
      assert.equal(span.attributes["server.port"], 1);
      assert.equal(span.attributes["db.namespace"], "sales");
      assert.equal(span.attributes["connector.error.kind"], "transient");
      assert.equal(span.attributes["connector.error.code"], "ECONNREFUSED");
      const all = await s.metrics();
      assert.equal(sumWhere(metric(all, "postgres.query.errors"), {}), 1);
      const text = JSON.stringify({ span: { a: span.attributes, s: span.status, e: span.events }, events, all });
      assert.ok(!text.includes(CANARY) && !text.includes(encodeURIComponent(CANARY)), text);
      assert.ok(events.some((e) => e.event === "postgres.query.error"));
    } finally {
      await reg.reset();
      await s.shutdown();
    }
  });
});
