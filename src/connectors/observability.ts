// One span per operation (`connector.<name>.<op>`), metrics `<name>.<op>.count|errors|latency_ms`,
// and structured events, all through @opentelemetry/api (a no-op until the host installs an SDK) and
// all redacted. Attribute names follow OpenTelemetry's semantic conventions where one exists.
import { context, metrics, trace, SpanStatusCode, type Attributes, type Span, type Counter, type Histogram, type Meter, type Tracer } from "@opentelemetry/api";
import { ConnectorError } from "./errors";
import { type Redactor } from "./redact";

export const INSTRUMENTATION_NAME = "auto-workflow-connectors";

export type EventLevel = "trace" | "debug" | "info" | "warn" | "error";

/** A structured event: what the host's log channel prints. Every field is already redacted. */
export interface ConnectorEvent {
  time: string;
  level: EventLevel;
  /** e.g. `postgres.query.ok`, `postgres.query.retry`, `registry.client.created` */
  event: string;
  connector?: string;
  profile?: string;
  operation?: string;
  durationMs?: number;
  attempts?: number;
  error?: Record<string, unknown>;
  attributes?: Record<string, unknown>;
}

export type EventListener = (event: ConnectorEvent) => void;

export interface TelemetryOptions {
  tracer?: Tracer;
  meter?: Meter;
}

/** Event fan-out shared by a registry and its clients. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: Omit<ConnectorEvent, "time">): void {
    if (this.listeners.size === 0) return;
    const full: ConnectorEvent = { time: new Date().toISOString(), ...event };
    for (const listener of this.listeners) {
      try {
        listener(full);
      } catch {
        // A failing listener must never break an operation.
      }
    }
  }
}

interface Instruments {
  count: Counter;
  errors: Counter;
  latency: Histogram;
}

/** Telemetry bound to one client (connector name, profile, static attributes, redactor). */
export class Telemetry {
  private readonly tracer: Tracer;
  private readonly meter: Meter;
  private readonly instruments = new Map<string, Instruments>();

  constructor(
    readonly connector: string,
    readonly profile: string,
    private readonly baseAttributes: Attributes,
    private readonly redactor: Redactor,
    private readonly events: EventHub,
    options: TelemetryOptions = {},
  ) {
    this.tracer = options.tracer ?? trace.getTracer(INSTRUMENTATION_NAME);
    this.meter = options.meter ?? metrics.getMeter(INSTRUMENTATION_NAME);
  }

  private instrumentsFor(operation: string): Instruments {
    let found = this.instruments.get(operation);
    if (!found) {
      const prefix = `${this.connector}.${operation}`;
      found = {
        count: this.meter.createCounter(`${prefix}.count`, { description: `Calls of ${prefix}` }),
        errors: this.meter.createCounter(`${prefix}.errors`, { description: `Failed calls of ${prefix}` }),
        latency: this.meter.createHistogram(`${prefix}.latency_ms`, { description: `Latency of ${prefix}`, unit: "ms" }),
      };
      this.instruments.set(operation, found);
    }
    return found;
  }

  emit(event: Omit<ConnectorEvent, "time" | "connector" | "profile">): void {
    this.events.emit(this.redactor.redactValue({ connector: this.connector, profile: this.profile, ...event }));
  }

  /**
   * Start one operation: its span, its metrics and its closing event. For operations that are not a
   * single promise (iterators, streams); `operation()` wraps the common case.
   */
  begin(operation: string, attributes: Attributes = {}): OperationScope {
    const span = this.tracer.startSpan(`connector.${this.connector}.${operation}`, {
      attributes: this.redactor.redactValue({
        ...this.baseAttributes,
        "connector.name": this.connector,
        "connector.profile": this.profile,
        "connector.operation": operation,
        ...attributes,
      }) as Attributes,
    });
    const metricAttributes: Attributes = { "connector.profile": this.profile };
    const instruments = this.instrumentsFor(operation);
    const started = performance.now();
    let ended = false;
    return {
      span,
      annotate: (extra) => span.setAttributes(this.redactor.redactValue(extra) as Attributes),
      succeed: (attempts = 1) => {
        if (ended) return;
        ended = true;
        const durationMs = performance.now() - started;
        span.setAttribute("connector.attempts", attempts);
        span.setStatus({ code: SpanStatusCode.OK });
        instruments.count.add(1, { ...metricAttributes, outcome: "ok" });
        instruments.latency.record(durationMs, { ...metricAttributes, outcome: "ok" });
        span.end();
        this.emit({ level: "debug", event: `${this.connector}.${operation}.ok`, operation, durationMs: round(durationMs), attempts });
      },
      fail: (error) => {
        if (ended) return;
        ended = true;
        const durationMs = performance.now() - started;
        const kind = error instanceof ConnectorError ? error.kind : "unknown";
        const message = error instanceof Error ? this.redactor.redact(error.message) : "unknown error";
        span.setAttributes({ "error.type": error instanceof Error ? error.name : "Error", "connector.error.kind": kind });
        if (error instanceof ConnectorError && error.code) span.setAttribute("connector.error.code", error.code);
        span.setStatus({ code: SpanStatusCode.ERROR, message });
        span.recordException({ name: error instanceof Error ? error.name : "Error", message });
        instruments.count.add(1, { ...metricAttributes, outcome: "error" });
        instruments.errors.add(1, { ...metricAttributes, "error.kind": kind });
        instruments.latency.record(durationMs, { ...metricAttributes, outcome: "error" });
        span.end();
        this.emit({
          level: kind === "cancelled" ? "info" : "error",
          event: `${this.connector}.${operation}.error`,
          operation,
          durationMs: round(durationMs),
          error: error instanceof ConnectorError ? error.toJSON() : { message },
        });
      },
    };
  }

  /** Run one operation inside its span (made active, so nested spans are its children). */
  async operation<T>(
    operation: string,
    attributes: Attributes,
    fn: (annotate: (extra: Attributes) => void) => Promise<{ value: T; attempts: number }>,
  ): Promise<T> {
    const scope = this.begin(operation, attributes);
    try {
      const { value, attempts } = await context.with(trace.setSpan(context.active(), scope.span), () => fn(scope.annotate));
      scope.succeed(attempts);
      return value;
    } catch (error) {
      scope.fail(error);
      throw error;
    }
  }
}

export interface OperationScope {
  span: Span;
  annotate(extra: Attributes): void;
  succeed(attempts?: number): void;
  fail(error: unknown): void;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
