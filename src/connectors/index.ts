// Public API of the connectors library: the same object the extension returns from activate() and
// that dist/connectors.js exports for plain Node.
import { Registry, type RegistryOptions } from "./registry";
import { postgresDriver } from "./postgres/index";
import { s3Driver } from "./s3/index";
import { adls2Driver } from "./adls2/index";
import type { DriverDefinition } from "./types";

export const version = "0.1.0";

/** The drivers every registry starts with. */
export const builtinDrivers: readonly DriverDefinition[] = [postgresDriver as unknown as DriverDefinition, s3Driver as unknown as DriverDefinition, adls2Driver as unknown as DriverDefinition];

/** A registry with the built-in drivers (plus `options.drivers`). */
export function createRegistry(options: RegistryOptions = {}): Registry {
  return new Registry({ ...options, drivers: [...builtinDrivers, ...(options.drivers ?? [])] });
}

let shared: Registry | undefined;

/** The process-wide default registry (process.env, no workspace files). */
export function defaultRegistry(): Registry {
  shared ??= createRegistry();
  return shared;
}

export { Registry } from "./registry";
export type { RegistryOptions, GetOptions, ClientInfo, ConnectorTypes } from "./registry";
export * from "./errors";
export { Redactor, MASK } from "./redact";
export { DEFAULT_RETRY, backoffDelay, runWithPolicy, createDeadline } from "./retry";
export type { CallOptions, RetryPolicy } from "./retry";
export { EventHub, Telemetry, INSTRUMENTATION_NAME } from "./observability";
export type { ConnectorEvent, EventLevel, EventListener, TelemetryOptions } from "./observability";
export type { Connector, DriverContext, DriverDefinition, TestReport } from "./types";
export { ENV_PREFIX, envSegment, parsePyproject } from "./config/layers";
export type { ConfigSource, LayerValues } from "./config/layers";
export type { ResolvedConfigView } from "./config/resolver";
export { parseDuration, parseBytes, toJsonSchema, defaultsOf, secretPaths } from "./config/schema";
export type { Field, Fields, Origin, Origins } from "./config/schema";
export { parseSecretReference } from "./config/secrets";
export type { SecretReference, SecretResolver } from "./config/secrets";
export * from "./postgres/index";
export * from "./s3/index";
export * from "./adls2/index";
export { localPathFor, forEachConcurrent } from "./transfer";
export type { TransferProgress, ProgressListener, TransferResult } from "./transfer";
