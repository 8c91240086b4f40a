// postgres/config.ts: DSN + explicit keys → connection target, pg pool options and TLS per sslmode.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { ConnectionOptions } from "node:tls";
import { defaultsOf } from "../../src/connectors/config/schema";
import { ConfigError } from "../../src/connectors/errors";
import { connectionTarget, poolConfig, postgresFields, tlsOptions, type PostgresConfig } from "../../src/connectors/postgres/config";
import { tempWorkspace } from "./helpers";

const files = tempWorkspace(undefined);
const CA = path.join(files.root, "ca.pem");
const CERT = path.join(files.root, "client.pem");
const KEY = path.join(files.root, "client.key");
writeFileSync(CA, "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
writeFileSync(CERT, "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n");
writeFileSync(KEY, "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n");
const MISSING = path.join(files.root, "missing.pem");

/** A validated config as the resolver produces it: declared defaults plus `values`. */
function cfg(values: Partial<PostgresConfig> = {}): PostgresConfig {
  return { ...(defaultsOf(postgresFields) as unknown as PostgresConfig), ...values };
}

function tls(config: PostgresConfig): false | ConnectionOptions {
  return poolConfig(config, "p").pool.ssl as false | ConnectionOptions;
}

describe("poolConfig / tlsOptions: sslmode", () => {
  after(() => files.dispose());

  it("disable → ssl false", () => {
    assert.equal(tls(cfg({ host: "h", user: "u", sslmode: "disable" })), false);
  });

  it("no sslmode anywhere → require (encrypt, no verification)", () => {
    const { pool, target } = poolConfig(cfg({ host: "h", user: "u" }), "p");
    assert.equal(target.sslmode, "require");
    assert.deepEqual(pool.ssl, { rejectUnauthorized: false });
  });

  it("prefer and require → rejectUnauthorized false", () => {
    assert.deepEqual(tls(cfg({ host: "h", user: "u", sslmode: "prefer" })), { rejectUnauthorized: false });
    assert.deepEqual(tls(cfg({ host: "h", user: "u", sslmode: "require" })), { rejectUnauthorized: false });
  });

  it("require with sslrootcert verifies the CA but not the host name (as libpq)", () => {
    const t = tls(cfg({ host: "h", user: "u", sslmode: "require", sslrootcert: CA }));
    assert.ok(t);
    assert.equal(t.rejectUnauthorized, true);
    assert.match(String(t.ca), /BEGIN CERTIFICATE/);
    assert.equal(typeof t.checkServerIdentity, "function");
    assert.equal(t.checkServerIdentity!("other-host", {} as never), undefined);
  });

  it("verify-ca → rejectUnauthorized true, CA loaded, no host-name check", () => {
    const t = tls(cfg({ host: "db.example", user: "u", sslmode: "verify-ca", sslrootcert: CA }));
    assert.ok(t);
    assert.equal(t.rejectUnauthorized, true);
    assert.match(String(t.ca), /\nCA\n/);
    assert.equal(typeof t.checkServerIdentity, "function");
    assert.equal(t.checkServerIdentity!("db.example", {} as never), undefined);
    assert.equal(t.servername, undefined);
  });

  it("verify-full → rejectUnauthorized true, servername = host, default identity check", () => {
    const t = tls(cfg({ host: "db.example", user: "u", sslmode: "verify-full", sslrootcert: CA }));
    assert.ok(t);
    assert.equal(t.rejectUnauthorized, true);
    assert.equal(t.servername, "db.example");
    assert.equal(t.checkServerIdentity, undefined);
    assert.match(String(t.ca), /BEGIN CERTIFICATE/);
  });

  it("verify-full without sslrootcert uses the system CAs", () => {
    const t = tls(cfg({ host: "db.example", user: "u", sslmode: "verify-full" }));
    assert.ok(t);
    assert.equal(t.ca, undefined);
    assert.equal(t.rejectUnauthorized, true);
  });

  it("verify-full to a Unix socket directory sets no servername", () => {
    const t = tls(cfg({ host: "/var/run/postgresql", user: "u", sslmode: "verify-full" }));
    assert.ok(t);
    assert.equal(t.servername, undefined);
  });

  it("client certificate and key are read for every TLS mode", () => {
    for (const sslmode of ["prefer", "require", "verify-ca", "verify-full"] as const) {
      const t = tls(cfg({ host: "h", user: "u", sslmode, sslcert: CERT, sslkey: KEY }));
      assert.ok(t, sslmode);
      assert.match(String(t.cert), /CLIENT/, sslmode);
      assert.match(String(t.key), /PRIVATE KEY/, sslmode);
    }
  });

  it("the mode argument overrides the configured one (prefer → disable fallback)", () => {
    const config = cfg({ host: "h", user: "u", sslmode: "prefer" });
    assert.equal(poolConfig(config, "p", "disable").pool.ssl, false);
    const target = connectionTarget(config, "p");
    assert.equal(tlsOptions(target, "p", "disable"), false);
  });

  for (const key of ["sslrootcert", "sslcert", "sslkey"] as const) {
    it(`an unreadable ${key} → ConfigError with key "${key}"`, () => {
      assert.throws(
        () => poolConfig(cfg({ host: "h", user: "u", sslmode: "verify-full", [key]: MISSING }), "prod"),
        (e: unknown) => e instanceof ConfigError && e.key === key && e.profile === "prod" && e.message.includes(MISSING) && e.message.includes("ENOENT"),
      );
    });
  }

  it("an unreadable sslrootcert given in the DSN → ConfigError with key sslrootcert", () => {
    assert.throws(
      () => poolConfig(cfg({ dsn: `postgresql://u@h/db?sslmode=verify-full&sslrootcert=${encodeURIComponent(MISSING)}` }), "p"),
      (e: unknown) => e instanceof ConfigError && e.key === "sslrootcert",
    );
  });

  it("sslrootcert, sslcert and sslkey given in the DSN are used", () => {
    const q = (p: string) => encodeURIComponent(p);
    const t = tls(cfg({ dsn: `postgresql://u@h/db?sslmode=verify-full&sslrootcert=${q(CA)}&sslcert=${q(CERT)}&sslkey=${q(KEY)}` }));
    assert.ok(t);
    assert.match(String(t.ca), /\nCA\n/);
    assert.match(String(t.cert), /CLIENT/, "DSN sslcert");
    assert.match(String(t.key), /PRIVATE KEY/, "DSN sslkey");
  });

  it("sslrootcert is not read when sslmode is disable", () => {
    assert.equal(tls(cfg({ host: "h", user: "u", sslmode: "disable", sslrootcert: MISSING })), false);
  });
});

describe("poolConfig: DSN and explicit keys", () => {
  it("takes every part from the DSN", () => {
    const { pool, target } = poolConfig(cfg({ dsn: "postgresql://alice:pw%40x@db.example:6432/sales?sslmode=verify-full&application_name=etl" }), "p");
    assert.equal(pool.host, "db.example");
    assert.equal(pool.port, 6432);
    assert.equal(pool.database, "sales");
    assert.equal(pool.user, "alice");
    assert.equal(pool.password, "pw@x");
    assert.equal(target.sslmode, "verify-full");
    assert.equal(pool.application_name, "etl");
    assert.equal((pool.ssl as ConnectionOptions).servername, "db.example");
  });

  it("explicit keys override the DSN's parts", () => {
    const { pool, target } = poolConfig(
      cfg({
        dsn: "postgresql://alice:dsnpw@dsn-host:6432/dsn_db?sslmode=verify-full&application_name=dsn-app",
        host: "key-host",
        port: 7000,
        database: "key_db",
        user: "bob",
        password: "keypw",
        sslmode: "disable",
        applicationName: "key-app",
      }),
      "p",
    );
    assert.deepEqual(
      [pool.host, pool.port, pool.database, pool.user, pool.password, target.sslmode, pool.ssl, pool.application_name],
      ["key-host", 7000, "key_db", "bob", "keypw", "disable", false, "key-app"],
    );
  });

  it("the DSN's sslmode is used when no explicit one is given; no-verify means require", () => {
    assert.equal(connectionTarget(cfg({ dsn: "postgresql://u@h/db?sslmode=disable" }), "p").sslmode, "disable");
    assert.equal(connectionTarget(cfg({ dsn: "postgresql://u@h/db?sslmode=verify-ca" }), "p").sslmode, "verify-ca");
    assert.equal(connectionTarget(cfg({ dsn: "postgresql://u@h/db?sslmode=no-verify" }), "p").sslmode, "require");
    assert.equal(connectionTarget(cfg({ dsn: "postgresql://u@h/db" }), "p").sslmode, "require");
  });

  it("an unknown sslmode in the DSN → ConfigError with key dsn", () => {
    assert.throws(
      () => poolConfig(cfg({ dsn: "postgresql://u@h/db?sslmode=sometimes" }), "p"),
      (e: unknown) => e instanceof ConfigError && e.key === "dsn" && e.message.includes("sometimes"),
    );
  });

  it("a DSN with a bad port → ConfigError with key dsn", () => {
    assert.throws(
      () => poolConfig(cfg({ dsn: "postgresql://h:notaport/db" }), "p"),
      (e: unknown) => e instanceof ConfigError && e.key === "dsn",
    );
  });

  it("a DSN that is not a postgres URI → ConfigError with key dsn", () => {
    for (const dsn of ["not a url at all", "mysql://u@h/db"]) {
      assert.throws(
        () => poolConfig(cfg({ dsn }), "p"),
        (e: unknown) => e instanceof ConfigError && e.key === "dsn",
        dsn,
      );
    }
  });

  it("defaults: localhost:5432, database = user, application name", () => {
    const target = connectionTarget(cfg({ user: "carol" }), "p");
    assert.equal(target.host, "localhost");
    assert.equal(target.port, 5432);
    assert.equal(target.database, "carol");
    assert.equal(target.applicationName, "auto-workflow-connectors");
    assert.equal(target.password, undefined);
    assert.equal("password" in poolConfig(cfg({ user: "carol" }), "p").pool, false, "no password key when none is configured");
  });

  it("pool sizes, time-outs and statement_timeout are passed to pg", () => {
    const { pool } = poolConfig(cfg({ host: "h", user: "u", pool: { min: 2, max: 7, idleTimeout: 5_000, maxLifetime: 90_500 }, connectTimeout: 3_000, statementTimeout: 12_000 }), "p");
    assert.equal(pool.min, 2);
    assert.equal(pool.max, 7);
    assert.equal(pool.idleTimeoutMillis, 5_000);
    assert.equal(pool.maxLifetimeSeconds, 91);
    assert.equal(pool.connectionTimeoutMillis, 3_000);
    assert.equal(pool.statement_timeout, 12_000);
    assert.equal(pool.options, undefined);
  });

  it("statementTimeout 0 disables statement_timeout", () => {
    const { pool } = poolConfig(cfg({ host: "h", user: "u", statementTimeout: 0 }), "p");
    assert.equal("statement_timeout" in pool, false);
  });

  it("readOnly adds -c default_transaction_read_only=on to the options, after the DSN's options", () => {
    assert.equal(poolConfig(cfg({ host: "h", user: "u", readOnly: true }), "p").pool.options, "-c default_transaction_read_only=on");
    const withDsn = poolConfig(cfg({ dsn: "postgresql://u@h/db?options=-c%20search_path%3Dapp", readOnly: true }), "p").pool.options;
    assert.equal(withDsn, "-c search_path=app -c default_transaction_read_only=on");
    assert.equal(poolConfig(cfg({ dsn: "postgresql://u@h/db?options=-c%20search_path%3Dapp" }), "p").pool.options, "-c search_path=app");
  });
});
