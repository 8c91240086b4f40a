// The error model: hierarchy, retryable, serialisation, sanitised causes; classification of
// PostgreSQL / network / TLS errors into kinds with actionable hints.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AuthError,
  CancelledError,
  CauseSummary,
  ConfigError,
  ConnectorError,
  NotFoundError,
  PermanentError,
  TimeoutError,
  TransientError,
  isConnectorError,
  summarizeCause,
} from "../../src/connectors/errors";
import { Redactor } from "../../src/connectors/redact";
import { classifyPgError, isConnectionBroken, type ClassifyContext } from "../../src/connectors/postgres/errors";
import { createRegistry } from "../../src/connectors/index";
import { rejection } from "./helpers";

const KINDS = [
  [TransientError, "transient", true],
  [PermanentError, "permanent", false],
  [AuthError, "auth", false],
  [TimeoutError, "timeout", false],
  [ConfigError, "config", false],
  [NotFoundError, "notFound", false],
  [CancelledError, "cancelled", false],
] as const;

describe("error hierarchy", () => {
  it("every kind is a ConnectorError and an Error; only TransientError is retryable", () => {
    for (const [Kind, kind, retryable] of KINDS) {
      const e = new Kind("boom", { connector: "postgres", operation: "query", code: "X1" });
      assert.ok(e instanceof ConnectorError, Kind.name);
      assert.ok(e instanceof Error, Kind.name);
      assert.ok(isConnectorError(e));
      assert.equal(e.name, Kind.name);
      assert.equal(e.kind, kind);
      assert.equal(e.retryable, retryable, Kind.name);
      assert.equal(e.connector, "postgres");
      assert.equal(e.operation, "query");
      assert.equal(e.code, "X1");
      for (const [Other] of KINDS) if (Other !== Kind) assert.ok(!(e instanceof Other), `${Kind.name} is not a ${Other.name}`);
    }
    assert.equal(new ConnectorError("x").retryable, false);
    assert.equal(isConnectorError(new Error("x")), false);
    assert.equal(isConnectorError({ kind: "transient", retryable: true }), false);
  });

  it("the hint is appended to the message once", () => {
    const e = new AuthError("password authentication failed", { hint: "check the user and password" });
    assert.equal(e.message, "password authentication failed — check the user and password");
    assert.equal(e.hint, "check the user and password");
    const again = new AuthError("failed: check the user and password", { hint: "check the user and password" });
    assert.equal(again.message, "failed: check the user and password");
  });

  it("toJSON is plain and carries no cause or stack", () => {
    const e = new ConfigError("bad port", { connector: "postgres", operation: "config", key: "port", layer: "env", profile: "p", cause: new Error("inner"), hint: "fix it" });
    const json = e.toJSON();
    assert.deepEqual(Object.keys(json).sort(), ["code", "connector", "hint", "key", "kind", "layer", "message", "name", "operation", "profile", "retryable"]);
    assert.equal(json["key"], "port");
    assert.equal(json["layer"], "env");
    assert.equal(json["kind"], "config");
    const text = JSON.stringify(e);
    assert.ok(!text.includes("inner"), text);
    assert.ok(!text.includes("stack"), text);
    assert.equal(JSON.parse(text).message, e.message);
  });

  it("cause is a sanitised summary, never the original object", () => {
    const original = Object.assign(new Error("connect to postgres://u:hunter2@db/x failed"), { code: "ECONNRESET", client: { password: "hunter2" }, config: { secret: "hunter2" } });
    const e = new TransientError("lost", { cause: original });
    assert.ok(e.cause instanceof CauseSummary);
    assert.notEqual(e.cause, original);
    assert.equal(e.cause.name, "Error");
    assert.equal((e.cause as CauseSummary).code, "ECONNRESET");
    assert.ok(!e.cause.message.includes("hunter2"), e.cause.message);
    assert.ok(e.cause.message.includes("postgres://u:********@db/x"), e.cause.message);
    assert.equal((e.cause as unknown as Record<string, unknown>)["client"], undefined);
    assert.equal((e.cause as unknown as Record<string, unknown>)["config"], undefined);
    assert.ok(!String(e.cause.stack).includes("hunter2"));
  });

  it("summarizeCause keeps connector errors, wraps non-errors and ignores nothing", () => {
    const inner = new TimeoutError("t");
    assert.equal(summarizeCause(inner), inner);
    assert.equal(summarizeCause(undefined), undefined);
    assert.equal(summarizeCause(null), undefined);
    const s = summarizeCause("password=abc123 text");
    assert.ok(s instanceof CauseSummary);
    assert.equal(s.message, "password=******** text");
    const numeric = summarizeCause(Object.assign(new Error("x"), { code: 42 })) as CauseSummary;
    assert.equal(numeric.code, undefined, "only string codes are kept");
  });

  it("a closed postgres client refuses work with a PermanentError (no server needed)", async () => {
    const reg = createRegistry({ env: {} });
    const client = await reg.get("postgres", "default", { host: "127.0.0.1", port: 1 });
    await client.close();
    const error = await rejection(() => client.query("select 1"));
    assert.ok(error instanceof PermanentError);
    assert.equal(error.operation, "query");
    assert.ok(error.message.includes("closed"));
  });
});

const redactor = new Redactor(["pg-canary-pw"]);
const ctx: ClassifyContext = { operation: "query", profile: "default", redactor, host: "db.internal", port: 6543, database: "sales", user: "app" };

/** A server error as `pg` raises it: SQLSTATE code plus a severity. */
const serverError = (code: string, message: string): Error => Object.assign(new Error(message), { code, severity: "ERROR" });
const netError = (code: string, message = `connect ${code} 10.0.0.1:6543`): Error => Object.assign(new Error(message), { code, errno: -1, syscall: "connect" });

describe("classifyPgError", () => {
  const table: Array<{ title: string; error: Error; kind: new (...args: never[]) => ConnectorError; hint?: RegExp; message?: RegExp }> = [
    { title: "28P01 bad password", error: serverError("28P01", 'password authentication failed for user "app"'), kind: AuthError, hint: /user and password/ },
    { title: "28000 no encryption", error: serverError("28000", 'no pg_hba.conf entry for host "1.2.3.4", user "app", database "sales", no encryption'), kind: AuthError, hint: /TLS|sslmode/ },
    { title: "28000 pg_hba", error: serverError("28000", 'no pg_hba.conf entry for host "1.2.3.4", user "app", database "sales", SSL encryption'), kind: AuthError, hint: /pg_hba/ },
    { title: "3D000 unknown database", error: serverError("3D000", 'database "nope" does not exist'), kind: NotFoundError, hint: /database name/ },
    { title: "57014 statement timeout", error: serverError("57014", "canceling statement due to statement timeout"), kind: TimeoutError, hint: /statementTimeout/ },
    { title: "57014 user cancel", error: serverError("57014", "canceling statement due to user request"), kind: TimeoutError },
    { title: "40001 serialization", error: serverError("40001", "could not serialize access due to concurrent update"), kind: TransientError },
    { title: "40P01 deadlock", error: serverError("40P01", "deadlock detected"), kind: TransientError },
    { title: "08006 connection failure", error: serverError("08006", "connection failure"), kind: TransientError },
    { title: "57P01 admin shutdown", error: serverError("57P01", "terminating connection due to administrator command"), kind: TransientError },
    { title: "53300 too many connections", error: serverError("53300", "sorry, too many clients already"), kind: TransientError, hint: /connection slots|pool\.max/ },
    { title: "55P03 lock not available", error: serverError("55P03", "could not obtain lock"), kind: TransientError },
    { title: "42P01 undefined table", error: serverError("42P01", 'relation "nope" does not exist'), kind: PermanentError, hint: /table name/ },
    { title: "42601 syntax error", error: serverError("42601", 'syntax error at or near "SELEC"'), kind: PermanentError },
    { title: "42501 privilege", error: serverError("42501", "permission denied for table t"), kind: PermanentError, hint: /privilege/ },
    { title: "25006 read-only transaction", error: serverError("25006", "cannot execute INSERT in a read-only transaction"), kind: PermanentError, hint: /read-only/ },
    { title: "23505 unique violation", error: serverError("23505", "duplicate key value violates unique constraint"), kind: PermanentError },
    { title: "ECONNREFUSED", error: netError("ECONNREFUSED"), kind: TransientError, hint: /host and port/, message: /db\.internal:6543/ },
    { title: "ECONNRESET", error: netError("ECONNRESET", "read ECONNRESET"), kind: TransientError },
    { title: "ETIMEDOUT", error: netError("ETIMEDOUT"), kind: TransientError },
    { title: "ENOTFOUND", error: netError("ENOTFOUND", "getaddrinfo ENOTFOUND db.internal"), kind: PermanentError, hint: /host name/, message: /db\.internal/ },
    { title: "SELF_SIGNED_CERT_IN_CHAIN", error: netError("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"), kind: AuthError, hint: /sslrootcert/ },
    { title: "ERR_TLS_CERT_ALTNAME_INVALID", error: netError("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames"), kind: AuthError, hint: /host matches the certificate/ },
    { title: "CERT_HAS_EXPIRED", error: netError("CERT_HAS_EXPIRED", "certificate has expired"), kind: AuthError },
    { title: "server without TLS", error: new Error("The server does not support SSL connections"), kind: ConfigError, hint: /disable or prefer/ },
    { title: "connect timeout", error: new Error("timeout expired"), kind: TimeoutError, hint: /connectTimeout/ },
    { title: "Connection terminated", error: new Error("Connection terminated unexpectedly"), kind: TransientError },
    { title: "anything else", error: new Error("weird"), kind: PermanentError },
  ];

  for (const row of table) {
    it(`${row.title} → ${row.kind.name}`, () => {
      const e = classifyPgError(row.error, ctx);
      assert.equal(e.constructor, row.kind, `${row.title}: got ${e.name}: ${e.message}`);
      assert.equal(e.connector, "postgres");
      assert.equal(e.operation, "query");
      assert.equal(e.retryable, row.kind === TransientError);
      if (row.hint) assert.match(e.hint ?? "", row.hint);
      if (row.message) assert.match(e.message, row.message);
      assert.ok(e.cause instanceof CauseSummary);
      assert.notEqual(e.cause, row.error);
      const code = (row.error as { code?: string }).code;
      if (code) assert.equal(e.code, code);
      if (code && /^[0-9A-Z]{5}$/.test(code)) assert.ok(e.message.includes(`SQLSTATE ${code}`), e.message);
    });
  }

  it("a SQLSTATE-shaped code without severity is not taken for a server error", () => {
    const e = classifyPgError(Object.assign(new Error("x"), { code: "28P01" }), ctx);
    assert.equal(e.constructor, PermanentError);
  });

  it("connector errors pass through unchanged; non-errors are wrapped", () => {
    const already = new TimeoutError("t");
    assert.equal(classifyPgError(already, ctx), already);
    const e = classifyPgError("a string was thrown", ctx);
    assert.equal(e.constructor, PermanentError);
    assert.equal(e.message, "a string was thrown");
  });

  it("the client's redactor scrubs classified messages and causes", () => {
    const e = classifyPgError(serverError("28P01", 'password authentication failed for user "app" using pg-canary-pw'), ctx);
    assert.ok(!e.message.includes("pg-canary-pw"), e.message);
    assert.ok(!e.cause?.message.includes("pg-canary-pw"));
    assert.ok(!JSON.stringify(e).includes("pg-canary-pw"));
  });

  it("isConnectionBroken: connection-level transient errors only", () => {
    assert.equal(isConnectionBroken(classifyPgError(netError("ECONNRESET"), ctx)), true);
    assert.equal(isConnectionBroken(classifyPgError(serverError("57P01", "terminating"), ctx)), true);
    assert.equal(isConnectionBroken(classifyPgError(serverError("40001", "serialize"), ctx)), false);
    assert.equal(isConnectionBroken(classifyPgError(serverError("40P01", "deadlock"), ctx)), false);
    assert.equal(isConnectionBroken(classifyPgError(serverError("55P03", "lock"), ctx)), false);
    assert.equal(isConnectionBroken(classifyPgError(serverError("42601", "syntax"), ctx)), false);
  });
});
