// S3 profiles through the registry: defaults, env coercion of sizes, validation errors naming key
// and layer, and the S3Connector constructor's credential checks and SDK settings. Building an
// S3Client touches no network, so no server is needed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, S3Connector, createRegistry } from "../../src/connectors/library";
import { rejection } from "./helpers";

const S3_ENV = "AUTO_WORKFLOW_CONNECTORS_S3_DEFAULT__";
const MiB = 1024 * 1024;

function env(values: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${S3_ENV}${k}`, v]));
}

function nested(values: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = values[key];
  assert.ok(v && typeof v === "object", `${key} is an object`);
  return v as Record<string, unknown>;
}

/** An SDK config value that may be a plain value or a (possibly async) provider function. */
async function settle(value: unknown): Promise<unknown> {
  return typeof value === "function" ? await (value as () => unknown)() : value;
}

describe("s3 configuration: defaults and coercion", () => {
  it("defaults: region, retry, transfer sizes, concurrency and checksum", async () => {
    const reg = createRegistry({ env: {} });
    const view = await reg.resolveConfig("s3");
    assert.equal(view.driver, "aws-sdk");
    assert.equal(view.values["region"], "us-east-1");
    assert.equal(view.values["checksum"], "when_supported");
    assert.equal(view.values["useDefaultCredentials"], true);
    assert.equal(view.values["anonymous"], false);
    assert.equal(nested(view.values, "retry")["attempts"], 5);
    assert.equal(nested(view.values, "retry")["mode"], "standard");
    const transfer = nested(view.values, "transfer");
    assert.equal(transfer["threshold"], 8388608);
    assert.equal(transfer["partSize"], 8388608);
    assert.equal(transfer["concurrency"], 10);
    assert.equal(view.origins["transfer.partSize"]?.layer, "default");
    assert.equal(view.origins["region"]?.layer, "default");
    assert.equal(view.values["endpointUrl"], undefined);
    assert.deepEqual(view.warnings, []);
  });

  it("env values are coerced: sizes with units, integers, enums, booleans", async () => {
    const reg = createRegistry({
      env: env({ REGION: "eu-west-3", TRANSFER__PART_SIZE: "16MiB", TRANSFER__THRESHOLD: "64MB", TRANSFER__CONCURRENCY: "4", RETRY__ATTEMPTS: "7", CHECKSUM: "WHEN_REQUIRED", ANONYMOUS: "yes" }),
    });
    const view = await reg.resolveConfig("s3");
    const transfer = nested(view.values, "transfer");
    assert.equal(transfer["partSize"], 16 * MiB);
    assert.equal(transfer["partSize"], 16777216);
    assert.equal(transfer["threshold"], 64_000_000);
    assert.equal(transfer["concurrency"], 4);
    assert.equal(nested(view.values, "retry")["attempts"], 7);
    assert.equal(view.values["checksum"], "when_required");
    assert.equal(view.values["anonymous"], true);
    assert.equal(view.values["region"], "eu-west-3");
    assert.equal(view.origins["transfer.partSize"]?.layer, "env");
    assert.equal(view.origins["transfer.partSize"]?.source, `${S3_ENV}TRANSFER__PART_SIZE`);
  });

  it("a partSize below 5 MiB is a ConfigError naming transfer.partSize and the env layer", async () => {
    const reg = createRegistry({ env: env({ TRANSFER__PART_SIZE: "4MiB" }) });
    const error = await rejection(() => reg.resolveConfig("s3"));
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.key, "transfer.partSize");
    assert.equal(error.layer, "env");
    assert.equal(error.profile, "default");
    assert.match(error.message, /"transfer\.partSize"/);
    assert.match(error.message, new RegExp(`${S3_ENV}TRANSFER__PART_SIZE`));
    // get() fails the same way and caches nothing.
    const viaGet = await rejection(() => reg.get("s3"));
    assert.ok(viaGet instanceof ConfigError);
    assert.equal(viaGet.key, "transfer.partSize");
    assert.deepEqual(reg.list(), []);
  });

  it("exactly 5 MiB is accepted; an unparsable size is refused", async () => {
    const ok = await createRegistry({ env: env({ TRANSFER__PART_SIZE: "5MiB" }) }).resolveConfig("s3");
    assert.equal(nested(ok.values, "transfer")["partSize"], 5 * MiB);
    const error = await rejection(() => createRegistry({ env: env({ TRANSFER__THRESHOLD: "lots" }) }).resolveConfig("s3"));
    assert.ok(error instanceof ConfigError);
    assert.equal(error.key, "transfer.threshold");
    assert.match(error.message, /must be a size/);
  });

  it("concurrency outside 1..64 is refused", async () => {
    for (const value of ["0", "65"]) {
      const error = await rejection(() => createRegistry({ env: env({ TRANSFER__CONCURRENCY: value }) }).resolveConfig("s3"));
      assert.ok(error instanceof ConfigError, value);
      assert.equal(error.key, "transfer.concurrency");
    }
  });
});

describe("s3 connector construction: credentials (no network)", () => {
  async function expectConfigError(values: Record<string, string>, key: string): Promise<ConfigError> {
    const reg = createRegistry({ env: env(values) });
    try {
      const error = await rejection(() => reg.get("s3"));
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.equal(error.key, key);
      assert.equal(error.connector, "s3");
      assert.equal(error.profile, "default");
      assert.deepEqual(reg.list(), [], "nothing is cached");
      return error;
    } finally {
      await reg.reset();
    }
  }

  it("accessKeyId without secretAccessKey → ConfigError on secretAccessKey", async () => {
    const error = await expectConfigError({ ACCESS_KEY_ID: "AKIAEXAMPLE0001" }, "secretAccessKey");
    assert.match(error.message, /secretAccessKey is not/);
  });

  it("secretAccessKey without accessKeyId → ConfigError on accessKeyId, and the secret is not echoed", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecret";
    const error = await expectConfigError({ SECRET_ACCESS_KEY: secret }, "accessKeyId");
    assert.ok(!error.message.includes(secret));
    assert.ok(!JSON.stringify(error).includes(secret));
  });

  it("useDefaultCredentials false without keys and not anonymous → ConfigError on useDefaultCredentials", async () => {
    const error = await expectConfigError({ USE_DEFAULT_CREDENTIALS: "false" }, "useDefaultCredentials");
    assert.match(error.message, /no credentials/);
  });

  it("anonymous works without any credentials", async () => {
    const reg = createRegistry({ env: env({ USE_DEFAULT_CREDENTIALS: "false", ANONYMOUS: "true" }) });
    try {
      const client = await reg.get("s3");
      assert.ok(client instanceof S3Connector);
      assert.equal(client.isClosed(), false);
      assert.equal(client.driver, "aws-sdk");
    } finally {
      await reg.reset();
    }
  });

  it("static keys and the default chain both construct", async () => {
    const reg = createRegistry({ env: env({ ACCESS_KEY_ID: "AKIAEXAMPLE0001", SECRET_ACCESS_KEY: "secret-secret-secret" }) });
    const chain = createRegistry({ env: {} });
    try {
      const client = await reg.get("s3");
      assert.ok(client instanceof S3Connector);
      const creds = await settle(client.nativeClient().config.credentials);
      assert.equal((creds as { accessKeyId?: string }).accessKeyId, "AKIAEXAMPLE0001");
      assert.ok((await chain.get("s3")) instanceof S3Connector);
    } finally {
      await reg.reset();
      await chain.reset();
    }
  });

  it("forcePathStyle is true with endpointUrl, false without, and an explicit value wins", async () => {
    const anon = { USE_DEFAULT_CREDENTIALS: "false", ANONYMOUS: "true" };
    const withEndpoint = createRegistry({ env: env({ ...anon, ENDPOINT_URL: "http://127.0.0.1:9000" }) });
    const without = createRegistry({ env: env(anon) });
    const explicit = createRegistry({ env: env({ ...anon, ENDPOINT_URL: "http://127.0.0.1:9000", FORCE_PATH_STYLE: "false" }) });
    try {
      assert.equal(await settle((await withEndpoint.get("s3")).nativeClient().config.forcePathStyle), true);
      assert.equal(await settle((await without.get("s3")).nativeClient().config.forcePathStyle), false);
      assert.equal(await settle((await explicit.get("s3")).nativeClient().config.forcePathStyle), false);
    } finally {
      await Promise.all([withEndpoint.reset(), without.reset(), explicit.reset()]);
    }
  });

  it("checksum when_required → the SDK's requestChecksumCalculation WHEN_REQUIRED; the default WHEN_SUPPORTED", async () => {
    const anon = { USE_DEFAULT_CREDENTIALS: "false", ANONYMOUS: "true" };
    const required = createRegistry({ env: env({ ...anon, CHECKSUM: "when_required" }) });
    const supported = createRegistry({ env: env(anon) });
    try {
      const r = (await required.get("s3")).nativeClient().config;
      assert.equal(await settle(r.requestChecksumCalculation), "WHEN_REQUIRED");
      assert.equal(await settle(r.responseChecksumValidation), "WHEN_REQUIRED");
      const s = (await supported.get("s3")).nativeClient().config;
      assert.equal(await settle(s.requestChecksumCalculation), "WHEN_SUPPORTED");
    } finally {
      await Promise.all([required.reset(), supported.reset()]);
    }
  });

  it("the configured region reaches the SDK client; reset() closes the connector", async () => {
    const reg = createRegistry({ env: env({ USE_DEFAULT_CREDENTIALS: "false", ANONYMOUS: "true", REGION: "ap-southeast-2" }) });
    const client = await reg.get("s3");
    assert.equal(await settle(client.nativeClient().config.region), "ap-southeast-2");
    await reg.reset();
    assert.equal(client.isClosed(), true);
    assert.deepEqual(reg.list(), []);
  });
});
