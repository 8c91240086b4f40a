// TLS modes against a server with a self-signed CA: encryption, verification, wrong CA, TLS-only.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, describe, it } from "node:test";
import { AuthError, type ConnectorError } from "../../../src/connectors/index";
import { startPostgres, type PgServer } from "../../fixtures/postgres";
import { profileEnv, testRegistry } from "./helpers";

describe("postgres TLS", () => {
  let server: PgServer;
  let tlsOnly: PgServer;

  before(async () => {
    [server, tlsOnly] = await Promise.all([startPostgres({ tls: true }), startPostgres({ tls: true, tlsOnly: true })]);
  });
  after(async () => {
    await Promise.all([server?.stop(), tlsOnly?.stop()]);
  });

  async function testWith(target: PgServer, keys: Record<string, string>) {
    const { registry } = testRegistry(profileEnv(target, "tls", keys));
    try {
      return await (await registry.get("postgres", "tls")).test();
    } finally {
      await registry.reset();
    }
  }

  it("require encrypts without verifying the certificate", async () => {
    const report = await testWith(server, { SSLMODE: "require" });
    assert.equal(report.tls.enabled, true);
    assert.match(report.tls.protocol ?? "", /^TLSv1\.[23]$/);
    assert.ok(report.tls.cipher);
  });

  it("verify-full with the right CA connects and encrypts", async () => {
    const report = await testWith(server, { SSLMODE: "verify-full", SSLROOTCERT: server.caPath! });
    assert.equal(report.tls.enabled, true);
    assert.equal(report.details["sslmode"], "verify-full");
  });

  it("verify-ca with the right CA connects", async () => {
    assert.equal((await testWith(server, { SSLMODE: "verify-ca", SSLROOTCERT: server.caPath! })).tls.enabled, true);
  });

  it("verify-full with a wrong CA fails with an AuthError that points at sslrootcert", async () => {
    const error = await testWith(server, { SSLMODE: "verify-full", SSLROOTCERT: server.wrongCaPath! }).catch((e: unknown) => e as ConnectorError);
    assert.ok(error instanceof AuthError, inspect(error));
    assert.match(error.message, /certificate/);
    assert.match(error.message, /sslrootcert/);
    assert.equal(error.retryable, false);
  });

  it("verify-full matches the host name against the certificate (localhost is in its subjectAltName)", async () => {
    const env = { ...profileEnv(server, "tls", { SSLMODE: "verify-full", SSLROOTCERT: server.caPath! }), AUTO_WORKFLOW_CONNECTORS_POSTGRES_TLS__HOST: "localhost" };
    const { registry } = testRegistry(env);
    try {
      const report = await (await registry.get("postgres", "tls")).test();
      assert.equal(report.tls.enabled, true);
      assert.match(report.endpoint, /^localhost:/);
    } finally {
      await registry.reset();
    }
  });

  it("prefer uses TLS when offered", async () => {
    assert.equal((await testWith(server, { SSLMODE: "prefer" })).tls.enabled, true);
  });

  it("disable against a TLS-only server is an AuthError that says TLS is required", async () => {
    const error = await testWith(tlsOnly, { SSLMODE: "disable" }).catch((e: unknown) => e as ConnectorError);
    assert.ok(error instanceof AuthError, inspect(error));
    assert.match(error.message, /requires TLS/);
  });

  it("disable against a server that allows plain connections does not encrypt", async () => {
    assert.equal((await testWith(server, { SSLMODE: "disable" })).tls.enabled, false);
  });
});
