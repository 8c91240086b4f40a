// classifyAdlsError: Azure RestError / identity / network errors (fabricated, SDK-shaped) → connector
// error kinds with hints; messages name the container/path and never echo a known secret.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyAdlsError, type AdlsClassifyContext } from "../../src/connectors/adls2/errors";
import { AuthError, CauseSummary, ConfigError, type ConnectorError, type ErrorKind, NotFoundError, PermanentError, TimeoutError, TransientError } from "../../src/connectors/errors";
import { Redactor } from "../../src/connectors/redact";

const CANARY = "CANARY+Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq==";

function ctx(over: Partial<AdlsClassifyContext> = {}): AdlsClassifyContext {
  return { operation: "readFile", redactor: new Redactor([CANARY]), account: "acct", container: "data", path: "dir/file.csv", ...over };
}

/** What @azure/core-rest-pipeline throws: a RestError with statusCode, code and the service's errorCode in details. */
function restError(statusCode: number | undefined, errorCode: string | undefined, message = `${errorCode ?? "error"} message`, code?: string): Error {
  return Object.assign(new Error(message), { name: "RestError", statusCode, code: code ?? errorCode, ...(errorCode !== undefined ? { details: { errorCode } } : {}) });
}

function expectKind<T extends ConnectorError>(error: ConnectorError, Kind: abstract new (...args: never[]) => T): T {
  assert.ok(error instanceof Kind, `expected ${Kind.name}, got ${error.name}: ${error.message}`);
  return error as T;
}

describe("classifyAdlsError: auth", () => {
  for (const status of [401, 403]) {
    it(`${status} AuthenticationFailed → AuthError: the key or SAS does not match`, () => {
      const e = expectKind(classifyAdlsError(restError(status, "AuthenticationFailed", "Server failed to authenticate the request."), ctx()), AuthError);
      assert.match(e.hint ?? "", /key or SAS does not match/);
      assert.match(e.message, /access to data\/dir\/file\.csv denied/);
      assert.match(e.message, /\(AuthenticationFailed\)/);
      assert.equal(e.code, "AuthenticationFailed");
      assert.equal(e.connector, "adls2");
      assert.equal(e.operation, "readFile");
      assert.equal(e.retryable, false);
    });
  }

  it("403 AuthorizationFailure whose message says it failed to authenticate → the key/SAS hint", () => {
    const e = expectKind(
      classifyAdlsError(restError(403, "AuthorizationFailure", "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature."), ctx()),
      AuthError,
    );
    assert.match(e.hint ?? "", /key or SAS does not match/);
    assert.doesNotMatch(e.hint ?? "", /data-plane role/);
  });

  it("403 AuthorizationPermissionMismatch → the data-plane role hint", () => {
    const e = expectKind(classifyAdlsError(restError(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission."), ctx()), AuthError);
    assert.match(e.hint ?? "", /data-plane role/);
    assert.match(e.hint ?? "", /Storage Blob Data Contributor/);
  });

  it("another 403 → AuthError with the generic credentials / network rules hint", () => {
    const e = expectKind(classifyAdlsError(restError(403, "InsufficientAccountPermissions", "The account being accessed does not have sufficient permissions."), ctx()), AuthError);
    assert.match(e.hint ?? "", /network rules/);
  });

  for (const name of ["CredentialUnavailableError", "AggregateAuthenticationError", "AuthenticationError"]) {
    it(`${name} → AuthError with the az login hint`, () => {
      const error = Object.assign(new Error("DefaultAzureCredential failed to retrieve a token from the included credentials."), { name });
      const e = expectKind(classifyAdlsError(error, ctx()), AuthError);
      assert.match(e.message, /could not get an Azure token/);
      assert.match(e.hint ?? "", /az login/);
    });
  }
});

describe("classifyAdlsError: not found, time-outs, transient", () => {
  it("404 ContainerNotFound → NotFoundError with the container hint", () => {
    const e = expectKind(classifyAdlsError(restError(404, "ContainerNotFound", "The specified container does not exist."), ctx({ path: undefined })), NotFoundError);
    assert.match(e.message, /container data not found \(ContainerNotFound\)/);
    assert.match(e.hint ?? "", /container \(file system\) name/);
    assert.equal(e.code, "ContainerNotFound");
  });

  it("404 FilesystemNotFound → the container hint too; 404 PathNotFound → no container hint", () => {
    const fs = expectKind(classifyAdlsError(restError(404, "FilesystemNotFound"), ctx()), NotFoundError);
    assert.match(fs.hint ?? "", /container/);
    const p = expectKind(classifyAdlsError(restError(404, "PathNotFound", "The specified path does not exist."), ctx()), NotFoundError);
    assert.equal(p.hint, undefined);
    assert.match(p.message, /data\/dir\/file\.csv not found \(PathNotFound\)/);
  });

  it("408, OperationTimedOut (even as a 500) and a TimeoutError name → TimeoutError", () => {
    for (const error of [restError(408, "RequestTimeout"), restError(500, "OperationTimedOut", "Operation could not be completed within the specified time."), Object.assign(new Error("timed out"), { name: "TimeoutError" })]) {
      const e = expectKind(classifyAdlsError(error, ctx()), TimeoutError);
      assert.equal(e.retryable, false);
      assert.match(e.message, /readFile on data\/dir\/file\.csv timed out/);
      assert.match(e.hint ?? "", /timeouts\.request/);
    }
  });

  const transient: Array<[string, unknown]> = [
    ["429", restError(429, "TooManyRequests")],
    ["500 InternalError", restError(500, "InternalError")],
    ["503 ServerBusy", restError(503, "ServerBusy", "The server is busy.")],
    ["ECONNRESET (RestError keeps the socket code)", restError(undefined, undefined, "read ECONNRESET", "ECONNRESET")],
    ["a plain ECONNRESET", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["REQUEST_SEND_ERROR", restError(undefined, undefined, "socket hang up", "REQUEST_SEND_ERROR")],
  ];
  for (const [label, error] of transient) {
    it(`${label} → TransientError, retryable`, () => {
      const e = expectKind(classifyAdlsError(error, ctx()), TransientError);
      assert.equal(e.retryable, true);
      assert.match(e.message, /readFile on data\/dir\/file\.csv failed/);
    });
  }

  it("ECONNREFUSED → TransientError with the endpoint hint", () => {
    const e = expectKind(classifyAdlsError(restError(undefined, undefined, "connect ECONNREFUSED 127.0.0.1:10000", "ECONNREFUSED"), ctx()), TransientError);
    assert.match(e.hint ?? "", /check the endpoint/);
  });
});

describe("classifyAdlsError: configuration and permanent failures", () => {
  it("ENOTFOUND → ConfigError naming the account, with the endpoint hint", () => {
    const e = expectKind(classifyAdlsError(restError(undefined, undefined, "getaddrinfo ENOTFOUND acct.dfs.core.windows.net", "ENOTFOUND"), ctx()), ConfigError);
    assert.match(e.message, /account acct not found/);
    assert.match(e.hint ?? "", /accountName/);
    assert.equal(e.retryable, false);
  });

  it("409 PathAlreadyExists → PermanentError with the code in the message", () => {
    const e = expectKind(classifyAdlsError(restError(409, "PathAlreadyExists", "The specified path already exists."), ctx({ operation: "createDirectory" })), PermanentError);
    assert.equal(e.constructor, PermanentError);
    assert.match(e.message, /data\/dir\/file\.csv: The specified path already exists\. \(PathAlreadyExists\)/);
    assert.equal(e.code, "PathAlreadyExists");
    assert.equal(e.retryable, false);
  });

  it("details.errorCode wins over the RestError code", () => {
    const e = classifyAdlsError(Object.assign(new Error("exists"), { name: "RestError", statusCode: 409, code: "SomethingGeneric", details: { errorCode: "PathAlreadyExists" } }), ctx());
    assert.equal(e.code, "PathAlreadyExists");
  });

  it("anything else → PermanentError naming operation, target and status; only the first line of the message", () => {
    const e = classifyAdlsError(restError(400, "InvalidQueryParameterValue", "Value for one of the query parameters is not valid.\nRequestId:0f3c\nTime:2024-01-01T00:00:00Z"), ctx({ container: undefined, path: undefined, operation: "list" }));
    assert.equal(e.constructor, PermanentError);
    assert.match(e.message, /list on account acct failed: Value for one of the query parameters is not valid\. \(400\)/);
    assert.doesNotMatch(e.message, /RequestId/);
  });

  it("non-Error values are classified without throwing", () => {
    for (const value of [undefined, null, "text", 7, {}]) assert.equal(classifyAdlsError(value, ctx()).constructor, PermanentError, String(value));
  });
});

describe("classifyAdlsError: redaction", () => {
  const carriers: Array<[string, ErrorKind, unknown]> = [
    ["403", "auth", restError(403, "AuthenticationFailed", `Server failed to authenticate the request with key ${CANARY}`)],
    ["identity", "auth", Object.assign(new Error(`ClientSecretCredential: secret ${CANARY} rejected`), { name: "AggregateAuthenticationError" })],
    ["503", "transient", restError(503, "ServerBusy", `busy ${CANARY}`)],
    ["408", "timeout", restError(408, "RequestTimeout", `slow ${CANARY}`)],
    ["409", "permanent", restError(409, "PathAlreadyExists", `exists ${CANARY}`)],
  ];
  for (const [label, kind, error] of carriers) {
    it(`a secret the redactor knows never reaches the ${label} (${kind}) error, its cause or its JSON`, () => {
      const e = classifyAdlsError(error, ctx());
      assert.equal(e.kind, kind);
      assert.ok(!e.message.includes(CANARY), e.message);
      assert.ok(e.message.includes("********"), e.message);
      assert.ok(!JSON.stringify(e).includes(CANARY));
      assert.ok(e.cause instanceof CauseSummary);
      assert.ok(!e.cause.message.includes(CANARY), e.cause.message);
    });
  }

  it("control: without the secret in the redactor the canary is kept (the redaction is the context's doing)", () => {
    const e = classifyAdlsError(restError(409, "PathAlreadyExists", `exists ${CANARY}`), ctx({ redactor: new Redactor() }));
    assert.ok(e.message.includes(CANARY));
  });
});
