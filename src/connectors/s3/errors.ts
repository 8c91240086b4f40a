// Classifies AWS SDK and network errors into the connector error kinds, with actionable hints.
import { AuthError, ConfigError, type ConnectorError, NotFoundError, PermanentError, TimeoutError, TransientError } from "../errors";
import type { Redactor } from "../redact";

export interface S3ClassifyContext {
  operation: string;
  redactor: Redactor;
  endpoint: string;
  bucket?: string;
  key?: string;
}

const AUTH = new Set(["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled", "InvalidClientTokenId", "UnrecognizedClientException", "AccountProblem"]);
const NOT_FOUND = new Set(["NoSuchKey", "NoSuchBucket", "NotFound", "NoSuchUpload", "NoSuchVersion"]);
const THROTTLE = new Set(["SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException", "ProvisionedThroughputExceededException", "RequestThrottled", "BandwidthLimitExceeded", "ServiceUnavailable", "InternalError", "RequestTimeout", "ServiceUnavailableException"]);
const NET = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: "client" | "server";
  $retryable?: unknown;
}

export function classifyS3Error(error: unknown, ctx: S3ClassifyContext): ConnectorError {
  const e = (error ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const code = e.Code ?? (typeof e.code === "string" ? e.code : undefined) ?? e.name ?? "Error";
  const what = ctx.key !== undefined ? `s3://${ctx.bucket}/${ctx.key}` : ctx.bucket !== undefined ? `s3://${ctx.bucket}` : ctx.endpoint;
  const base = { connector: "s3", operation: ctx.operation, cause: error, redactor: ctx.redactor, code };
  const message = e.message && e.message !== "UnknownError" ? e.message : code;

  if (NOT_FOUND.has(code) || status === 404) {
    const hint = code === "NoSuchBucket" ? "check the bucket name and region" : ctx.key !== undefined ? "check the key (object names are case-sensitive)" : undefined;
    return new NotFoundError(`${what} not found (${code})`, { ...base, hint });
  }
  if (AUTH.has(code) || status === 401 || status === 403) {
    const hint =
      code === "SignatureDoesNotMatch"
        ? "the secret access key does not match the access key id"
        : code === "InvalidAccessKeyId"
          ? "the access key id is unknown to this endpoint"
          : code === "ExpiredToken" || code === "TokenRefreshRequired"
            ? "the session credentials expired: refresh them (aws sso login, or new keys)"
            : "check the credentials and the bucket policy / IAM permissions";
    return new AuthError(`access to ${what} denied: ${message} (${code})`, { ...base, hint });
  }
  if (e.name === "CredentialsProviderError" || /Could not load credentials|Unable to load credentials/i.test(message)) {
    return new AuthError(`no AWS credentials found: ${message}`, { ...base, hint: "set accessKeyId/secretAccessKey, or configure the default chain (AWS_PROFILE, aws sso login)" });
  }
  // The SDK names socket failures "TimeoutError" too; a reset connection is transient, not a time-out.
  const netCode = typeof e.code === "string" && NET.has(e.code) ? e.code : undefined;
  if (!netCode && (e.name === "TimeoutError" || code === "TimeoutError" || (status === undefined && /timed? ?out/i.test(message)))) {
    return new TimeoutError(`${ctx.operation} on ${what} timed out: ${message}`, { ...base, hint: "the endpoint did not answer within timeouts.connect / timeouts.read" });
  }
  if (THROTTLE.has(code) || (status !== undefined && status >= 500) || status === 429 || (e.code !== undefined && NET.has(e.code)) || /socket hang up|ECONNRESET|EPIPE|premature close|aborted/i.test(message)) {
    const hint = code === "ECONNREFUSED" ? "check endpointUrl and that the server is running" : undefined;
    return new TransientError(`${ctx.operation} on ${what} failed: ${message} (${status ?? code})`, { ...base, hint });
  }
  if (code === "ENOTFOUND") {
    return new ConfigError(`endpoint host of ${ctx.endpoint} not found`, { ...base, hint: "check endpointUrl and region; S3-compatible stores need forcePathStyle" });
  }
  if (code === "PermanentRedirect" || code === "AuthorizationHeaderMalformed" || code === "IllegalLocationConstraintException") {
    return new ConfigError(`${what}: ${message} (${code})`, { ...base, hint: "the bucket lives in another region: set region for this profile" });
  }
  if (code === "BucketAlreadyExists" || code === "BucketAlreadyOwnedByYou" || status === 409 || status === 412) {
    return new PermanentError(`${what}: ${message} (${code})`, base);
  }
  if (status === 411 || code === "MissingContentLength") {
    return new PermanentError(`${what}: ${message} (${code})`, { ...base, hint: "this store rejects the SDK's default checksums on streamed uploads: set checksum to when_required" });
  }
  return new PermanentError(`${ctx.operation} on ${what} failed: ${message} (${status ?? code})`, base);
}
