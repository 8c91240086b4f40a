// secret:// references: env scope from the registry's env, other scopes through the pluggable
// resolver, references embedded in DSNs (URL-encoded), masking, plaintext and unknown-key warnings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRegistry, MASK } from "../../src/connectors/index";
import { ConfigError } from "../../src/connectors/errors";
import { findEmbeddedReferences, parseSecretReference, type SecretReference } from "../../src/connectors/config/secrets";
import type { ConnectorEvent } from "../../src/connectors/observability";
import { poolConfig } from "../../src/connectors/postgres/config";
import { FakeSource, captureDriver, pgConfigOf, rejection, tempWorkspace } from "./helpers";

const CANARY = "p@ss/w%rd-CANARY-7f3a";
const ENCODED = encodeURIComponent(CANARY);

describe("secret reference parsing", () => {
  it("parses whole references with nested keys", () => {
    assert.deepEqual(parseSecretReference("secret://env/PG_PW"), { raw: "secret://env/PG_PW", scope: "env", key: "PG_PW" });
    assert.deepEqual(parseSecretReference(" secret://store/team/pg/password "), { raw: "secret://store/team/pg/password", scope: "store", key: "team/pg/password" });
    assert.equal(parseSecretReference("secret://"), undefined);
    assert.equal(parseSecretReference("secret://env/"), undefined);
    assert.equal(parseSecretReference("hunter2"), undefined);
  });

  it("finds a reference embedded in a DSN, stopping at the host part", () => {
    assert.deepEqual(findEmbeddedReferences("postgresql://u:secret://env/PG_PW@h/db"), [{ raw: "secret://env/PG_PW", scope: "env", key: "PG_PW" }]);
    const two = findEmbeddedReferences("x secret://a/b y secret://c/d");
    assert.deepEqual(
      two.map((r) => r.raw),
      ["secret://a/b", "secret://c/d"],
    );
  });
});

describe("secret resolution through the registry", () => {
  it("secret://env/NAME reads the registry's env, not process.env", async () => {
    assert.equal(process.env["AWC_UNIT_PG_PW"], undefined);
    const capture = captureDriver();
    const reg = createRegistry({ env: { AWC_UNIT_PG_PW: CANARY }, drivers: [capture] });
    await reg.get("postgres", "default", { driver: "capture", password: "secret://env/AWC_UNIT_PG_PW" });
    assert.equal(pgConfigOf(capture.created[0]!).password, CANARY);
  });

  it("other scopes go through the secrets resolver (sync or async) with scope and key", async () => {
    const asked: SecretReference[] = [];
    const capture = captureDriver();
    const reg = createRegistry({
      env: {},
      drivers: [capture],
      secrets: async (ref) => {
        asked.push(ref);
        await new Promise((r) => setImmediate(r));
        return ref.key === "team/pg/password" ? CANARY : ref.key === "user" ? "svc_user" : undefined;
      },
    });
    await reg.get("postgres", "default", { driver: "capture", password: "secret://store/team/pg/password", user: "secret://vault/user" });
    const c = pgConfigOf(capture.created[0]!);
    assert.equal(c.password, CANARY);
    assert.equal(c.user, "svc_user");
    assert.deepEqual(
      asked.map((r) => [r.scope, r.key]).sort(),
      [
        ["store", "team/pg/password"],
        ["vault", "user"],
      ],
    );
  });

  it("secret://env never goes to the resolver", async () => {
    let calls = 0;
    const reg = createRegistry({ env: { X_PW: "abcdef" }, secrets: () => (calls++, "wrong") });
    await reg.resolveConfig("postgres", "default", { password: "secret://env/X_PW" });
    assert.equal(calls, 0);
  });

  it("a reference inside a DSN is substituted URL-encoded, and pg gets the original password", async () => {
    const capture = captureDriver();
    const reg = createRegistry({ env: { PG_PW: CANARY }, drivers: [capture] });
    await reg.get("postgres", "default", { driver: "capture", dsn: "postgresql://app:secret://env/PG_PW@db.example:6432/sales" });
    const config = pgConfigOf(capture.created[0]!);
    assert.equal(config.dsn, `postgresql://app:${ENCODED}@db.example:6432/sales`);
    assert.ok(!config.dsn!.includes(CANARY), "raw @ / % would break the URI");
    const { pool, target } = poolConfig(config, "default");
    assert.equal(pool.password, CANARY);
    assert.equal(target.user, "app");
    assert.equal(target.host, "db.example");
    assert.equal(target.port, 6432);
    assert.equal(target.database, "sales");
  });

  it("the client's redactor knows every resolved secret, raw and URL-encoded", async () => {
    const capture = captureDriver();
    const reg = createRegistry({ env: { PG_PW: CANARY }, secrets: () => "store-secret-value", drivers: [capture] });
    await reg.get("postgres", "default", { driver: "capture", dsn: "postgresql://app:secret://env/PG_PW@h/db", sslkey: "secret://store/key" });
    const redactor = capture.created[0]!.context.redactor;
    const text = redactor.redact(`a ${CANARY} b ${ENCODED} c store-secret-value`);
    assert.equal(text, `a ${MASK} b ${MASK} c ${MASK}`);
  });

  it("resolveConfig masks secrets: a reference is shown, a plaintext value never", async () => {
    const reg = createRegistry({ env: { PG_PW: CANARY } });
    const byRef = await reg.resolveConfig("postgres", "default", { password: "secret://env/PG_PW" });
    assert.equal(byRef.values["password"], "secret://env/PG_PW");
    assert.ok(!JSON.stringify(byRef).includes(CANARY));

    const plain = await reg.resolveConfig("postgres", "default", { password: CANARY });
    assert.equal(plain.values["password"], MASK);
    assert.ok(!JSON.stringify(plain).includes(CANARY));
    assert.ok(!JSON.stringify(plain).includes(ENCODED));
  });

  it("resolveConfig never shows a DSN's password, inline or referenced", async () => {
    const reg = createRegistry({ env: { PG_PW: CANARY } });
    const ref = await reg.resolveConfig("postgres", "default", { dsn: "postgresql://app:secret://env/PG_PW@h/db" });
    const shown = String(ref.values["dsn"]);
    assert.ok(!shown.includes(CANARY) && !shown.includes(ENCODED), shown);
    assert.ok(shown.includes("secret://env/PG_PW") || shown.includes(MASK), shown);

    const inline = await reg.resolveConfig("postgres", "default", { dsn: `postgresql://app:${ENCODED}@h/db` });
    const text = JSON.stringify(inline);
    assert.ok(!text.includes(ENCODED) && !text.includes(CANARY), text);
    assert.equal(inline.values["dsn"], `postgresql://app:${MASK}@h/db`);
  });

  it("a secret://env value that is also written elsewhere in plain view is masked there too", async () => {
    const reg = createRegistry({ env: { PG_PW: "s3cr3t-value-xyz" } });
    const view = await reg.resolveConfig("postgres", "default", { password: "secret://env/PG_PW", applicationName: "app-s3cr3t-value-xyz" });
    assert.equal(view.values["applicationName"], `app-${MASK}`);
  });

  it("no event emitted by get() carries a secret", async () => {
    const events: ConnectorEvent[] = [];
    const capture = captureDriver();
    const source = new FakeSource("settings.user", { postgres: { default: { password: CANARY, nonsense: 1 } } });
    const reg = createRegistry({ env: {}, sources: [source], drivers: [capture], onEvent: (e) => events.push(e) });
    await reg.get("postgres", "default", { driver: "capture" });
    assert.ok(events.some((e) => e.event === "config.warning"));
    assert.ok(events.some((e) => e.event === "registry.client.created"));
    assert.ok(!JSON.stringify(events).includes(CANARY));
  });
});

describe("warnings", () => {
  it("a plaintext password in a settings layer is flagged, naming key and layer", async () => {
    const source = new FakeSource("settings.user", { postgres: { default: { password: "hunter2-plain" } } });
    const view = await createRegistry({ env: {}, sources: [source] }).resolveConfig("postgres");
    assert.equal(view.warnings.length, 1, view.warnings.join("\n"));
    const w = view.warnings[0]!;
    assert.ok(w.includes('"password"') && w.includes("settings.user") && w.includes("secret://"), w);
    assert.ok(!w.includes("hunter2-plain"), w);
  });

  it("a plaintext password inside a DSN in settings is flagged too", async () => {
    const source = new FakeSource("settings.workspace", { postgres: { default: { dsn: "postgresql://u:hunter2-plain@h/db" } } });
    const view = await createRegistry({ env: {}, sources: [source] }).resolveConfig("postgres");
    assert.equal(view.warnings.length, 1);
    assert.ok(view.warnings[0]!.includes('"dsn"') && view.warnings[0]!.includes("settings.workspace"));
  });

  it("a plaintext password in pyproject.toml is flagged", async () => {
    const ws = tempWorkspace(`[tool.auto_workflow.connectors.postgres.default]\npassword = "in-the-repo"\n`);
    try {
      const view = await createRegistry({ env: {}, workspaceRoot: ws.root }).resolveConfig("postgres");
      assert.equal(view.warnings.length, 1);
      assert.ok(view.warnings[0]!.includes("pyproject"));
    } finally {
      ws.dispose();
    }
  });

  it("a secret:// reference in settings is not flagged", async () => {
    const source = new FakeSource("settings.user", { postgres: { default: { password: "secret://store/pg" } } });
    const view = await createRegistry({ env: {}, sources: [source], secrets: () => "resolved!" }).resolveConfig("postgres");
    assert.deepEqual(view.warnings, []);
  });

  it("an unknown key is reported with its layer and ignored (top level and nested)", async () => {
    const source = new FakeSource("settings.workspace", { postgres: { default: { hots: "typo", pool: { maximum: 3 } } } });
    const capture = captureDriver();
    const reg = createRegistry({ env: {}, sources: [source], drivers: [capture] });
    const view = await reg.resolveConfig("postgres");
    assert.equal(view.warnings.length, 2, view.warnings.join("\n"));
    const hots = view.warnings.find((w) => w.includes('"hots"'));
    const nested = view.warnings.find((w) => w.includes('"pool.maximum"'));
    assert.ok(hots?.includes("settings.workspace"), hots);
    assert.ok(nested?.includes("settings.workspace"), nested);
    await reg.get("postgres", "default", { driver: "capture" });
    const config = pgConfigOf(capture.created[0]!) as unknown as Record<string, unknown>;
    assert.equal(config["hots"], undefined);
    assert.equal((config["pool"] as Record<string, unknown>)["maximum"], undefined);
  });
});

describe("unresolvable and failing secrets", () => {
  it("a missing env secret is a ConfigError naming key, layer and the variable to set", async () => {
    const source = new FakeSource("settings.workspace", { postgres: { default: { password: "secret://env/AWC_UNIT_MISSING_PW" } } });
    const error = await rejection(() => createRegistry({ env: {}, sources: [source] }).get("postgres"));
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, "password");
    assert.equal(error.layer, "settings.workspace");
    assert.ok(error.message.includes("AWC_UNIT_MISSING_PW"), error.message);
  });

  it("a store secret without a resolver is a ConfigError", async () => {
    const error = await rejection(() => createRegistry({ env: {} }).resolveConfig("postgres", "default", { password: "secret://store/pg" }));
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, "password");
    assert.equal(error.layer, "call");
  });

  it("a resolver that throws becomes a ConfigError naming key and layer (raw errors never cross the boundary)", async () => {
    const reg = createRegistry({
      env: {},
      secrets: () => {
        throw new Error(`SecretStorage unavailable (token=${CANARY})`);
      },
    });
    const error = await rejection(() => reg.get("postgres", "default", { password: "secret://store/pg" }));
    assert.ok(error instanceof ConfigError, `got ${String(error)}`);
    assert.equal(error.key, "password");
    assert.equal(error.layer, "call");
    assert.ok(!error.message.includes(CANARY));
    await reg.reset();
  });

  it("a resolved secret that fails validation is not echoed in the error message", async () => {
    const reg = createRegistry({ env: { PG_PORT_SECRET: CANARY } });
    const error = await rejection(() => reg.get("postgres", "default", { port: "secret://env/PG_PORT_SECRET" }));
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, "port");
    assert.ok(!error.message.includes(CANARY), error.message);
    assert.ok(!JSON.stringify(error).includes(CANARY));
  });
});
