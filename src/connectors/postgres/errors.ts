// Classifies errors from `pg`, the network and TLS into the connector error kinds, with a hint a
// person can act on. SQLSTATE reference: https://www.postgresql.org/docs/current/errcodes-appendix.html
import { AuthError, ConfigError, ConnectorError, NotFoundError, PermanentError, TimeoutError, TransientError } from "../errors";
import type { Redactor } from "../redact";

export interface ClassifyContext {
  operation: string;
  profile: string;
  redactor: Redactor;
  host: string;
  port: number;
  database: string;
  user: string;
}

const TRANSIENT_NET = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ECONNABORTED"]);
const TLS_VERIFY = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_SIGNATURE_FAILURE",
]);

type Kind = new (message: string, options: ConstructorParameters<typeof ConnectorError>[1]) => ConnectorError;

function sqlstateKind(code: string, message: string): { kind: Kind; hint?: string } {
  if (code === "57014") {
    return message.includes("statement timeout")
      ? { kind: TimeoutError, hint: "the statement ran past statementTimeout; raise it for this profile or pass a larger timeoutMs" }
      : { kind: TimeoutError };
  }
  if (code === "28P01") return { kind: AuthError, hint: "check the user and password of this profile" };
  if (code.startsWith("28")) {
    return message.includes("no encryption")
      ? { kind: AuthError, hint: "the server requires TLS for this connection: set sslmode to require or verify-full" }
      : { kind: AuthError, hint: "the server's pg_hba.conf does not let this user connect to this database from here" };
  }
  if (code === "3D000") return { kind: NotFoundError, hint: "check the database name of this profile" };
  if (code === "25006") return { kind: PermanentError, hint: "this profile is read-only (readOnly: true): writes are refused by the server" };
  if (code === "42P01") return { kind: PermanentError, hint: "check the table name and the schema search_path" };
  if (code === "42501") return { kind: PermanentError, hint: "the role lacks a privilege for this statement" };
  if (code === "40001" || code === "40P01") return { kind: TransientError };
  if (code === "55P03" || code === "53300" || code.startsWith("08") || code.startsWith("57P") || code.startsWith("53")) {
    return { kind: TransientError, hint: code === "53300" ? "the server has no free connection slots; lower pool.max or raise max_connections" : undefined };
  }
  return { kind: PermanentError };
}

export function classifyPgError(error: unknown, ctx: ClassifyContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const rawCode = (err as { code?: unknown }).code;
  const code = typeof rawCode === "string" ? rawCode : undefined;
  const base = { connector: "postgres", operation: ctx.operation, cause: err, redactor: ctx.redactor, code };
  const where = `${ctx.host}:${ctx.port}`;
  const message = err.message;

  if (code && /^[0-9A-Z]{5}$/.test(code) && (err as { severity?: unknown }).severity !== undefined) {
    const { kind, hint } = sqlstateKind(code, message);
    return new kind(`${message} (SQLSTATE ${code})`, { ...base, hint });
  }
  if (code === "ECONNREFUSED") {
    return new TransientError(`connection to ${where} refused`, { ...base, hint: "check host and port, and that the server is running" });
  }
  if (code === "ENOTFOUND") {
    return new PermanentError(`host ${ctx.host} not found`, { ...base, hint: "check the host name of this profile" });
  }
  if (code && TLS_VERIFY.has(code)) {
    return new AuthError(`the server certificate of ${where} could not be verified: ${message}`, {
      ...base,
      hint: "check sslrootcert (the CA that signed the server certificate) and that host matches the certificate; sslmode=require encrypts without verification",
    });
  }
  if (/does not support SSL/i.test(message)) {
    return new ConfigError(`the server at ${where} does not offer TLS`, { ...base, hint: "set sslmode to disable or prefer for this server" });
  }
  if (/timeout expired|connection timeout/i.test(message)) {
    return new TimeoutError(`connecting to ${where} timed out`, { ...base, hint: "the server did not answer within connectTimeout; check host, port and firewalls" });
  }
  if ((code && TRANSIENT_NET.has(code)) || /Connection terminated|terminating connection|server closed the connection|Client has encountered a connection error|not queryable/i.test(message)) {
    return new TransientError(`connection to ${where} lost: ${message}`, base);
  }
  return new PermanentError(message, base);
}

/** Errors after which the connection itself must not be reused. */
export function isConnectionBroken(error: ConnectorError): boolean {
  return error instanceof TransientError && !error.code?.startsWith("40") && error.code !== "55P03";
}
