// Classifies Azure SDK (RestError), identity and network errors into the connector error kinds.
import { AuthError, ConfigError, type ConnectorError, NotFoundError, PermanentError, TimeoutError, TransientError } from "../errors";
import type { Redactor } from "../redact";

export interface AdlsClassifyContext {
  operation: string;
  redactor: Redactor;
  account: string;
  container?: string;
  path?: string;
}

const NET = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ECONNABORTED", "REQUEST_SEND_ERROR", "ERR_STREAM_PREMATURE_CLOSE"]);

interface AzureErrorShape {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { errorCode?: string };
}

export function classifyAdlsError(error: unknown, ctx: AdlsClassifyContext): ConnectorError {
  const e = (error ?? {}) as AzureErrorShape;
  const status = e.statusCode;
  const code = e.details?.errorCode ?? e.code ?? e.name ?? "Error";
  const what = ctx.path !== undefined ? `${ctx.container}/${ctx.path}` : ctx.container !== undefined ? `container ${ctx.container}` : `account ${ctx.account}`;
  const base = { connector: "adls2", operation: ctx.operation, cause: error, redactor: ctx.redactor, code };
  const message = (e.message ?? code).split("\n")[0]!;

  if (e.name === "CredentialUnavailableError" || e.name === "AuthenticationError" || e.name === "AggregateAuthenticationError") {
    return new AuthError(`could not get an Azure token: ${message}`, { ...base, hint: "sign in (az login), or set accountKey, sasToken, connectionString or clientSecret for this profile" });
  }
  if (status === 401 || status === 403) {
    const hint =
      code === "AuthenticationFailed" || /failed to authenticate|signature/i.test(message)
        ? "the key or SAS does not match the account (or the SAS expired)"
        : code === "AuthorizationPermissionMismatch" || code === "AuthorizationFailure"
          ? "the identity lacks a data-plane role such as Storage Blob Data Contributor"
          : "check the credentials and the account's network rules";
    return new AuthError(`access to ${what} denied: ${message} (${code})`, { ...base, hint });
  }
  if (status === 404) {
    const hint = /Container|Filesystem/i.test(code) ? "check the container (file system) name" : undefined;
    return new NotFoundError(`${what} not found (${code})`, { ...base, hint });
  }
  if (status === 408 || e.name === "TimeoutError" || code === "OperationTimedOut") {
    return new TimeoutError(`${ctx.operation} on ${what} timed out: ${message}`, { ...base, hint: "raise timeouts.request for this profile" });
  }
  if (status === 429 || (status !== undefined && status >= 500) || NET.has(code) || /socket hang up|ECONNRESET|premature close/i.test(message)) {
    const hint = code === "ECONNREFUSED" ? "check the endpoint and that the service is reachable" : undefined;
    return new TransientError(`${ctx.operation} on ${what} failed: ${message} (${status ?? code})`, { ...base, hint });
  }
  if (code === "ENOTFOUND") {
    return new ConfigError(`endpoint host for account ${ctx.account} not found`, { ...base, hint: "check accountName, dfsEndpoint/blobEndpoint and endpointSuffix" });
  }
  if (status === 409 || status === 412) {
    return new PermanentError(`${what}: ${message} (${code})`, base);
  }
  return new PermanentError(`${ctx.operation} on ${what} failed: ${message} (${status ?? code})`, base);
}
