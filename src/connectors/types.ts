// Contracts between the registry and the drivers it creates clients with.
import type { Fields } from "./config/schema";
import type { EventHub, TelemetryOptions } from "./observability";
import type { Redactor } from "./redact";
import type { CallOptions } from "./retry";

/** What a connection test reports; every backend fills what it can. */
export interface TestReport {
  ok: true;
  latencyMs: number;
  /** e.g. `PostgreSQL 15.18`, an S3 endpoint, an Azure API version */
  serverVersion?: string;
  endpoint: string;
  tls: { enabled: boolean; protocol?: string; cipher?: string };
  /** The identity the server sees: database user, IAM ARN, account name. */
  identity?: string;
  details: Record<string, string | number | boolean>;
}

/** Every client a registry hands out. */
export interface Connector {
  readonly name: string;
  readonly profile: string;
  readonly driver: string;
  test(options?: CallOptions): Promise<TestReport>;
  close(): Promise<void>;
  isClosed(): boolean;
}

export interface DriverContext<C> {
  name: string;
  profile: string;
  driver: string;
  /** Validated configuration with secrets resolved. Never log it. */
  config: C;
  /** Knows this profile's secret values. */
  redactor: Redactor;
  events: EventHub;
  telemetry: TelemetryOptions;
}

export interface DriverDefinition<C = unknown, T extends Connector = Connector> {
  /** Connector kind, e.g. `postgres`; also the default config name. */
  kind: string;
  /** Implementation name, e.g. `pg`; a profile picks one with its `driver` key. */
  driver: string;
  description: string;
  fields: Fields;
  /** Make a client; or give `load` instead, which imports the implementation on first use. */
  create?(context: DriverContext<C>): T;
  /** Import the implementation lazily (heavy SDKs): resolves to the client factory. */
  load?(): Promise<(context: DriverContext<C>) => T>;
}
