// The error model shared by every connector. Raw driver/SDK errors never cross the public
// boundary: they are classified into one of these kinds, their message redacted, and kept only as a
// sanitised `cause` (name, code and redacted message; no driver objects, no request/response dumps).
import { type Redactor, baseRedactor } from "./redact";

export type ErrorKind = "transient" | "permanent" | "auth" | "timeout" | "config" | "notFound" | "cancelled";

export interface ConnectorErrorOptions {
  connector?: string;
  operation?: string;
  cause?: unknown;
  /** An actionable sentence for a person: what to check or change. */
  hint?: string;
  /** The backend's own code: SQLSTATE, S3 error code, Azure error code, Node errno. */
  code?: string;
  redactor?: Redactor;
}

/** The sanitised form of a driver error kept as `cause`. */
export class CauseSummary extends Error {
  readonly code: string | undefined;
  constructor(name: string, message: string, code: string | undefined) {
    super(message);
    this.name = name;
    this.code = code;
    this.stack = `${name}: ${message}`;
  }
}

export function summarizeCause(cause: unknown, redactor: Redactor = baseRedactor): Error | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof ConnectorError || cause instanceof CauseSummary) return cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return new CauseSummary(cause.name, redactor.redact(cause.message), typeof code === "string" ? code : undefined);
  }
  return new CauseSummary("Error", redactor.redact(String(cause)), undefined);
}

export class ConnectorError extends Error {
  readonly kind: ErrorKind = "permanent";
  readonly retryable: boolean = false;
  readonly connector: string | undefined;
  readonly operation: string | undefined;
  readonly hint: string | undefined;
  readonly code: string | undefined;
  override readonly cause: Error | undefined;

  constructor(message: string, options: ConnectorErrorOptions = {}) {
    const redactor = options.redactor ?? baseRedactor;
    const hint = options.hint ? redactor.redact(options.hint) : undefined;
    const text = redactor.redact(message);
    super(hint && !text.includes(hint) ? `${text} — ${hint}` : text);
    this.name = new.target.name;
    this.connector = options.connector;
    this.operation = options.operation;
    this.hint = hint;
    this.code = options.code;
    this.cause = summarizeCause(options.cause, redactor);
  }

  /** A plain, serialisable, secret-free view (for logs, webviews, telemetry). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      connector: this.connector,
      operation: this.operation,
      code: this.code,
      hint: this.hint,
    };
  }
}

export class TransientError extends ConnectorError {
  override readonly kind = "transient";
  override readonly retryable = true;
}
export class PermanentError extends ConnectorError {
  override readonly kind = "permanent";
}
export class AuthError extends ConnectorError {
  override readonly kind = "auth";
}
export class TimeoutError extends ConnectorError {
  override readonly kind = "timeout";
}
export class NotFoundError extends ConnectorError {
  override readonly kind = "notFound";
}
/** The caller aborted the operation through its AbortSignal. Never retried. */
export class CancelledError extends ConnectorError {
  override readonly kind = "cancelled";
}

export interface ConfigErrorOptions extends ConnectorErrorOptions {
  /** The offending key as a dotted path, e.g. `pool.max`. */
  key?: string;
  /** The layer the value came from, e.g. `env (AUTO_WORKFLOW_CONNECTORS_POSTGRES_DEFAULT__PORT)`. */
  layer?: string;
  profile?: string;
}

export class ConfigError extends ConnectorError {
  override readonly kind = "config";
  readonly key: string | undefined;
  readonly layer: string | undefined;
  readonly profile: string | undefined;
  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(message, options);
    this.key = options.key;
    this.layer = options.layer;
    this.profile = options.profile;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key, layer: this.layer, profile: this.profile };
  }
}

export function isConnectorError(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}
