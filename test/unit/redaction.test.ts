// Redaction: a known secret never leaves the library in messages, inspection or JSON; credential-
// shaped text is redacted by pattern even when no secret is known.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "node:test";
import { AuthError, ConfigError, PermanentError, TransientError } from "../../src/connectors/errors";
import { MASK, Redactor, baseRedactor } from "../../src/connectors/redact";
import { classifyPgError } from "../../src/connectors/postgres/errors";

const CANARY = "Canary#Pw@42/%x";
const ENCODED = encodeURIComponent(CANARY);

function assertNoCanary(text: string, what: string): void {
  assert.ok(!text.includes(CANARY), `${what} leaks the secret: ${text}`);
  assert.ok(!text.includes(ENCODED), `${what} leaks the URL-encoded secret: ${text}`);
}

describe("errors built with a redactor that knows the secret", () => {
  const redactor = new Redactor([CANARY]);
  const makers = [
    () => new AuthError(`login failed with ${CANARY}`, { redactor, cause: new Error(`driver said: ${CANARY}`), hint: `not ${CANARY}` }),
    () => new TransientError(`dsn postgresql://app:${ENCODED}@h/db failed`, { redactor, cause: Object.assign(new Error(`reset on postgresql://app:${ENCODED}@h/db`), { code: "ECONNRESET" }) }),
    () => new ConfigError(`bad value ${CANARY}`, { redactor, key: "password", layer: "env", cause: `plain string cause ${CANARY}` }),
    () => classifyPgError(Object.assign(new Error(`password authentication failed (${CANARY})`), { code: "28P01", severity: "FATAL" }), { operation: "connect", profile: "p", redactor, host: "h", port: 5432, database: "d", user: "u" }),
  ];

  makers.forEach((make, i) => {
    it(`#${i + 1}: message, util.inspect (with cause), JSON and stack are clean`, () => {
      const e = make();
      assertNoCanary(e.message, "message");
      assertNoCanary(e.hint ?? "", "hint");
      assertNoCanary(inspect(e, { depth: 10 }), "util.inspect");
      assertNoCanary(inspect(e, { depth: 10, showHidden: true }), "util.inspect showHidden");
      assertNoCanary(JSON.stringify(e), "JSON.stringify");
      assertNoCanary(String(e.stack), "stack");
      assertNoCanary(String(e.cause?.stack), "cause.stack");
      assertNoCanary(String(e), "toString");
      // the mask is there, so something was redacted (not just dropped)
      assert.ok(e.message.includes(MASK) || inspect(e).includes(MASK), e.message);
      // and the inspection does show the (sanitised) cause
      assert.match(inspect(e), /cause: \[CauseSummary/);
    });
  });
});

describe("Redactor", () => {
  it("removes known secrets and their URL-encoded form", () => {
    const r = new Redactor([CANARY]);
    assert.equal(r.redact(`a ${CANARY} b`), `a ${MASK} b`);
    assert.equal(r.redact(`a ${ENCODED} b`), `a ${MASK} b`);
    assert.equal(r.redact(`${CANARY}${CANARY}`), `${MASK}${MASK}`);
  });

  it("ignores values shorter than 4 characters and non-strings", () => {
    const r = new Redactor(["abc", undefined, "abcd"]);
    assert.equal(r.redact("abc abcd"), `abc ${MASK}`);
  });

  it("removes a longer secret whole when it contains a shorter one", () => {
    const r = new Redactor(["secretvalue", "secretvalue-extended"]);
    assert.equal(r.redact("x secretvalue-extended y"), `x ${MASK} y`);
  });

  it("redacts URL userinfo passwords by pattern", () => {
    for (const [input, output] of [
      ["postgresql://app:hunter2@db:5432/x", `postgresql://app:${MASK}@db:5432/x`],
      ["connect to postgres://u:p%40ss@h/db failed", `connect to postgres://u:${MASK}@h/db failed`],
      ["https://user:tok3n@example.com/path", `https://user:${MASK}@example.com/path`],
      ["redis://:onlypass@cache:6379", `redis://:${MASK}@cache:6379`],
    ] as const) {
      assert.equal(baseRedactor.redact(input), output);
    }
    // no password, nothing to hide
    assert.equal(baseRedactor.redact("postgresql://app@db/x"), "postgresql://app@db/x");
  });

  it("redacts password=… and similar pairs by pattern", () => {
    for (const [input, output] of [
      ["host=h password=hunter2 user=u", `host=h password=${MASK} user=u`],
      ["PASSWORD = 'hunter2'", `PASSWORD = '${MASK}'`],
      ['{"password":"hunter2","user":"u"}', `{"password":"${MASK}","user":"u"}`],
      ["AccountKey=abc123==;EndpointSuffix=core.windows.net", `AccountKey=${MASK};EndpointSuffix=core.windows.net`],
      ["https://x.blob.core.windows.net/c?sv=2020&sig=AbC%2Fdef&se=1", `https://x.blob.core.windows.net/c?sv=2020&sig=${MASK}&se=1`],
      ["aws_secret_access_key: wJalrXUtnFEMI", `aws_secret_access_key: ${MASK}`],
      ["client_secret=xyz789", `client_secret=${MASK}`],
    ] as const) {
      assert.equal(baseRedactor.redact(input), output, input);
    }
  });

  it("leaves ordinary text alone", () => {
    const text = "select * from passwords_table where id = 1; connection to db:5432 refused";
    assert.equal(baseRedactor.redact(text), text);
  });

  it("redactValue walks plain objects and arrays, leaving other values", () => {
    const r = new Redactor([CANARY]);
    const date = new Date(0);
    const out = r.redactValue({ a: CANARY, n: 5, nested: { list: [CANARY, "ok", 1] }, date, flag: true });
    assert.deepEqual(out, { a: MASK, n: 5, nested: { list: [MASK, "ok", 1] }, date, flag: true });
    assert.equal(out.date, date);
  });

  it("with() makes a child that knows both sets; the parent is unchanged", () => {
    const parent = new Redactor(["parent-secret"]);
    const child = parent.with(["child-secret"]);
    assert.equal(child.redact("parent-secret child-secret"), `${MASK} ${MASK}`);
    assert.equal(parent.redact("child-secret"), "child-secret");
  });

  it("a ConfigError built by the library does not show a plaintext secret value", () => {
    const e = new PermanentError(`retry with password=${CANARY}`);
    assertNoCanary(e.message, "pattern-only redaction");
  });
});
