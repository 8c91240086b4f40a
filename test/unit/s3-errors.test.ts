// classifyS3Error: AWS SDK v3 / Node network errors (fabricated, SDK-shaped) → connector error kinds
// with hints; messages name s3://bucket/key and never echo a secret the redactor knows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthError, CauseSummary, ConfigError, type ConnectorError, type ErrorKind, NotFoundError, PermanentError, TimeoutError, TransientError } from "../../src/connectors/errors";
import { Redactor } from "../../src/connectors/redact";
import { classifyS3Error, type S3ClassifyContext } from "../../src/connectors/s3/errors";

const CANARY = "CANARY-wJalrXUtnFEMI-K7MDENG-bPxRfiCY";
const ENDPOINT = "https://s3.us-east-1.amazonaws.com";

function ctx(over: Partial<S3ClassifyContext> = {}): S3ClassifyContext {
  return { operation: "getObject", redactor: new Redactor([CANARY]), endpoint: ENDPOINT, bucket: "my-bucket", key: "dir/file.txt", ...over };
}

/** What the SDK throws for a service error: an Error subclass with name, Code and $metadata. */
function sdkError(name: string, status: number | undefined, message = `${name} message`, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, Code: name, $fault: status !== undefined && status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status, requestId: "REQ1" }, ...extra });
}

/** A Node socket error: `code` is the errno string. */
function netError(code: string, message: string, name = "Error"): Error {
  return Object.assign(new Error(message), { name, code });
}

function expectKind<T extends ConnectorError>(error: ConnectorError, Kind: abstract new (...args: never[]) => T): T {
  assert.ok(error instanceof Kind, `expected ${Kind.name}, got ${error.name}: ${error.message}`);
  return error as T;
}

describe("classifyS3Error: not found", () => {
  it("NoSuchKey → NotFoundError naming s3://bucket/key with the key hint", () => {
    const e = expectKind(classifyS3Error(sdkError("NoSuchKey", 404, "The specified key does not exist."), ctx()), NotFoundError);
    assert.match(e.message, /s3:\/\/my-bucket\/dir\/file\.txt not found \(NoSuchKey\)/);
    assert.match(e.hint ?? "", /check the key/);
    assert.equal(e.code, "NoSuchKey");
    assert.equal(e.connector, "s3");
    assert.equal(e.operation, "getObject");
    assert.equal(e.retryable, false);
  });

  it("NoSuchBucket → NotFoundError with the bucket hint (not the key hint)", () => {
    const e = expectKind(classifyS3Error(sdkError("NoSuchBucket", 404), ctx({ key: undefined, operation: "list" })), NotFoundError);
    assert.match(e.message, /s3:\/\/my-bucket not found/);
    assert.doesNotMatch(e.message, /file\.txt/);
    assert.match(e.hint ?? "", /bucket name and region/);
    const withKey = expectKind(classifyS3Error(sdkError("NoSuchBucket", 404), ctx()), NotFoundError);
    assert.match(withKey.hint ?? "", /bucket name and region/);
  });

  it("a bare 404 (HeadObject: name NotFound, no Code) → NotFoundError", () => {
    const head = Object.assign(new Error("UnknownError"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });
    const e = expectKind(classifyS3Error(head, ctx({ operation: "headObject" })), NotFoundError);
    assert.equal(e.code, "NotFound");
    assert.match(e.message, /s3:\/\/my-bucket\/dir\/file\.txt/);
    const odd = expectKind(classifyS3Error(sdkError("SomethingElse", 404), ctx()), NotFoundError);
    assert.equal(odd.code, "SomethingElse");
  });
});

describe("classifyS3Error: auth", () => {
  const cases: Array<[string, number, RegExp]> = [
    ["AccessDenied", 403, /bucket policy \/ IAM permissions/],
    ["InvalidAccessKeyId", 403, /access key id is unknown/],
    ["SignatureDoesNotMatch", 403, /secret access key does not match the access key id/],
    ["ExpiredToken", 400, /session credentials expired/],
    ["TokenRefreshRequired", 400, /session credentials expired/],
  ];
  for (const [code, status, hint] of cases) {
    it(`${code} → AuthError with its specific hint`, () => {
      const e = expectKind(classifyS3Error(sdkError(code, status, `${code} happened`), ctx()), AuthError);
      assert.match(e.hint ?? "", hint);
      assert.match(e.message, /access to s3:\/\/my-bucket\/dir\/file\.txt denied/);
      assert.match(e.message, new RegExp(`${code} happened`));
      assert.equal(e.code, code);
      assert.equal(e.retryable, false);
    });
  }

  it("a bare 403 (no body: 'UnknownError') → AuthError whose message shows the code, not 'UnknownError'", () => {
    const e = expectKind(classifyS3Error(Object.assign(new Error("UnknownError"), { name: "Forbidden", $metadata: { httpStatusCode: 403 } }), ctx()), AuthError);
    assert.match(e.message, /denied: Forbidden \(Forbidden\)/);
    assert.match(e.hint ?? "", /bucket policy/);
  });

  it("a 401 → AuthError", () => {
    expectKind(classifyS3Error(sdkError("Unauthorized", 401), ctx()), AuthError);
  });

  it("CredentialsProviderError (no credentials in the chain) → AuthError with the setup hint", () => {
    const chain = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError", tryNextLink: false });
    const e = expectKind(classifyS3Error(chain, ctx()), AuthError);
    assert.match(e.message, /no AWS credentials found/);
    assert.match(e.hint ?? "", /accessKeyId\/secretAccessKey/);
    // The same message from a differently named error is recognised too.
    expectKind(classifyS3Error(new Error("Unable to load credentials from the environment"), ctx()), AuthError);
  });
});

describe("classifyS3Error: transient, time-outs", () => {
  const transient: Array<[string, unknown]> = [
    ["SlowDown 503", sdkError("SlowDown", 503, "Please reduce your request rate.")],
    ["ServiceUnavailable 503", sdkError("ServiceUnavailable", 503)],
    ["InternalError 500", sdkError("InternalError", 500, "We encountered an internal error. Please try again.")],
    ["InternalError without a status", sdkError("InternalError", undefined)],
    ["an unnamed 500", sdkError("UnknownError", 500, "UnknownError")],
    ["502 Bad Gateway", sdkError("BadGateway", 502)],
    ["429 Too Many Requests", sdkError("TooManyRequests", 429)],
    ["ECONNRESET", netError("ECONNRESET", "read ECONNRESET")],
    ["EPIPE", netError("EPIPE", "write EPIPE")],
    ["socket hang up", new Error("socket hang up")],
    ["TimeoutError named, ECONNRESET coded (the SDK's socket error)", netError("ECONNRESET", "socket hang up", "TimeoutError")],
    ["TimeoutError named, EPIPE coded", netError("EPIPE", "write EPIPE", "TimeoutError")],
  ];
  for (const [label, error] of transient) {
    it(`${label} → TransientError, retryable`, () => {
      const e = expectKind(classifyS3Error(error, ctx()), TransientError);
      assert.equal(e.retryable, true);
      assert.equal(e.kind, "transient");
      assert.match(e.message, /getObject on s3:\/\/my-bucket\/dir\/file\.txt failed/);
    });
  }

  it("the ECONNRESET-coded TimeoutError is not a TimeoutError", () => {
    const e = classifyS3Error(netError("ECONNRESET", "Connection reset", "TimeoutError"), ctx());
    assert.ok(!(e instanceof TimeoutError));
    assert.equal(e.code, "ECONNRESET");
  });

  it("ECONNREFUSED → TransientError with the endpoint hint", () => {
    const e = expectKind(classifyS3Error(netError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9000"), ctx()), TransientError);
    assert.match(e.hint ?? "", /endpointUrl/);
  });

  it("a TimeoutError without a socket code → TimeoutError (not retryable) with the timeouts hint", () => {
    const e = expectKind(classifyS3Error(Object.assign(new Error("Connection timed out after 10000 ms"), { name: "TimeoutError" }), ctx()), TimeoutError);
    assert.equal(e.retryable, false);
    assert.match(e.message, /getObject on s3:\/\/my-bucket\/dir\/file\.txt timed out/);
    assert.match(e.hint ?? "", /timeouts\.connect/);
  });

  it("a status-less 'timed out' message → TimeoutError", () => {
    expectKind(classifyS3Error(new Error("Request timed out"), ctx()), TimeoutError);
  });
});

describe("classifyS3Error: configuration and permanent failures", () => {
  it("ENOTFOUND → ConfigError naming the endpoint, with the endpointUrl/region hint", () => {
    const e = expectKind(classifyS3Error(netError("ENOTFOUND", "getaddrinfo ENOTFOUND my-bucket.s3.example.invalid"), ctx({ endpoint: "https://s3.example.invalid" })), ConfigError);
    assert.match(e.message, /https:\/\/s3\.example\.invalid/);
    assert.match(e.hint ?? "", /endpointUrl and region/);
    assert.equal(e.retryable, false);
  });

  it("PermanentRedirect → ConfigError with the region hint", () => {
    const e = expectKind(classifyS3Error(sdkError("PermanentRedirect", 301, "The bucket you are attempting to access must be addressed using the specified endpoint."), ctx()), ConfigError);
    assert.match(e.hint ?? "", /another region: set region/);
    assert.match(e.message, /s3:\/\/my-bucket\/dir\/file\.txt/);
    assert.equal(e.code, "PermanentRedirect");
  });

  it("AuthorizationHeaderMalformed (wrong region in the signature) → ConfigError with the region hint", () => {
    const e = expectKind(classifyS3Error(sdkError("AuthorizationHeaderMalformed", 400), ctx()), ConfigError);
    assert.match(e.hint ?? "", /set region/);
  });

  it("409 BucketAlreadyExists → PermanentError with the code in the message", () => {
    const e = expectKind(classifyS3Error(sdkError("BucketAlreadyExists", 409, "The requested bucket name is not available."), ctx({ key: undefined, operation: "createBucket" })), PermanentError);
    assert.match(e.message, /s3:\/\/my-bucket: The requested bucket name is not available\. \(BucketAlreadyExists\)/);
    assert.equal(e.retryable, false);
  });

  it("412 PreconditionFailed → PermanentError", () => {
    expectKind(classifyS3Error(sdkError("PreconditionFailed", 412), ctx()), PermanentError);
  });

  it("411 (MissingContentLength) → PermanentError with the checksum hint", () => {
    const e = expectKind(classifyS3Error(sdkError("MissingContentLength", 411, "You must provide the Content-Length HTTP header."), ctx({ operation: "upload" })), PermanentError);
    assert.match(e.hint ?? "", /checksum to when_required/);
    const bare = expectKind(classifyS3Error(Object.assign(new Error("UnknownError"), { name: "UnknownError", $metadata: { httpStatusCode: 411 } }), ctx()), PermanentError);
    assert.match(bare.hint ?? "", /when_required/);
  });

  it("anything else → PermanentError naming the operation, the object and the status", () => {
    const e = expectKind(classifyS3Error(sdkError("InvalidArgument", 400, "Invalid argument."), ctx({ operation: "putObject" })), PermanentError);
    assert.equal(e.constructor, PermanentError);
    assert.match(e.message, /putObject on s3:\/\/my-bucket\/dir\/file\.txt failed: Invalid argument\. \(400\)/);
    assert.equal(e.retryable, false);
  });

  it("non-Error values are classified too, without throwing", () => {
    for (const value of [undefined, null, "a string", 42, {}]) {
      const e = classifyS3Error(value, ctx());
      assert.equal(e.constructor, PermanentError, String(value));
    }
  });

  it("without bucket and key the message names the endpoint", () => {
    const e = classifyS3Error(sdkError("InvalidArgument", 400), ctx({ bucket: undefined, key: undefined, operation: "listBuckets" }));
    assert.match(e.message, /listBuckets on https:\/\/s3\.us-east-1\.amazonaws\.com failed/);
  });
});

describe("classifyS3Error: redaction and causes", () => {
  const carriers: Array<[string, ErrorKind, Error]> = [
    ["SignatureDoesNotMatch", "auth", sdkError("SignatureDoesNotMatch", 403, `The request signature we calculated does not match; secret ${CANARY}`)],
    ["SlowDown", "transient", sdkError("SlowDown", 503, `slow down ${CANARY}`)],
    ["TimeoutError", "timeout", Object.assign(new Error(`timed out talking with ${CANARY}`), { name: "TimeoutError" })],
    ["PermanentRedirect", "config", sdkError("PermanentRedirect", 301, `redirect for ${CANARY}`)],
    ["InvalidArgument", "permanent", sdkError("InvalidArgument", 400, `bad argument ${CANARY}`)],
    ["CredentialsProviderError", "auth", Object.assign(new Error(`Could not load credentials: ${CANARY}`), { name: "CredentialsProviderError" })],
  ];
  for (const [label, kind, error] of carriers) {
    it(`a secret the redactor knows never reaches the ${label} (${kind}) error, its cause or its JSON`, () => {
      const e = classifyS3Error(error, ctx());
      assert.equal(e.kind, kind);
      assert.ok(!e.message.includes(CANARY), e.message);
      assert.ok(e.message.includes("********"), e.message);
      assert.ok(!JSON.stringify(e).includes(CANARY));
      assert.ok(e.cause instanceof CauseSummary);
      assert.ok(!e.cause.message.includes(CANARY), e.cause.message);
      assert.ok(!(e.cause.stack ?? "").includes(CANARY));
    });
  }

  it("the cause is a sanitised summary keeping name and code, never the SDK object", () => {
    const original = sdkError("AccessDenied", 403, "Access Denied");
    const e = classifyS3Error(original, ctx());
    assert.notEqual(e.cause, original);
    assert.ok(e.cause instanceof CauseSummary);
    assert.equal(e.cause.name, "AccessDenied");
    assert.ok(!("$metadata" in e.cause));
  });

  it("control: a redactor that does not know the secret lets it through (the redaction above is the context's doing)", () => {
    const e = classifyS3Error(sdkError("InvalidArgument", 400, `bad argument ${CANARY}`), ctx({ redactor: new Redactor() }));
    assert.ok(e.message.includes(CANARY));
  });
});
