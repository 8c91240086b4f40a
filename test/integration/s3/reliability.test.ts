// Failures injected by a loopback fault proxy in front of fauxqs: throttling and resets are retried
// with bounded, jittered backoff; failed multipart uploads are aborted; failed downloads leave no file.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { inspect } from "node:util";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { TransientError, type S3Connector } from "../../../src/connectors/index";
import { startFaultProxy, type FaultProxy } from "../../fixtures/fault-proxy";
import { startFauxqs } from "../../fixtures/fauxqs";
import type { S3Server } from "../../fixtures/s3-server";
import { randomData, s3Registry, uniqueBucket, type S3TestContext } from "./helpers";

const MIB = 1024 * 1024;
const CANARY = "canary-S3-secret-4d1f0b-never-print";

describe("s3 reliability through a fault proxy", () => {
  let server: S3Server;
  let proxy: FaultProxy;
  let t: S3TestContext;
  let s3: S3Connector;
  let tmp: string;
  const bucket = uniqueBucket("faults");

  before(async () => {
    server = await startFauxqs();
    proxy = await startFaultProxy(server.endpoint);
    t = s3Registry({ ...server, endpoint: proxy.endpoint, secretAccessKey: CANARY }, "default", { retry: { attempts: 4, baseDelay: "20ms", maxDelay: "150ms" } });
    s3 = await t.registry.get("s3");
    await s3.createBucket(bucket);
    tmp = await mkdtemp(path.join(os.tmpdir(), "awc-s3-faults-"));
  });
  beforeEach(() => {
    proxy.clear();
    t.events.length = 0;
  });
  after(async () => {
    await t?.registry.reset();
    await proxy?.stop();
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("503 SlowDown twice, then success: retried with bounded, jittered backoff", async () => {
    await s3.putObject(bucket, "throttled.txt", "ok");
    proxy.setRules([{ method: "GET", path: /throttled\.txt/, times: 2, fault: { status: 503, code: "SlowDown" } }]);
    assert.equal((await s3.getObjectBytes(bucket, "throttled.txt")).toString(), "ok");
    assert.deepEqual(proxy.log.filter((e) => e.method === "GET" && e.path.includes("throttled")).map((e) => e.outcome), [503, 503, 200]);
    const retries = t.events.filter((e) => e.event === "s3.getObjectBytes.retry");
    assert.equal(retries.length, 2);
    for (const [i, retry] of retries.entries()) {
      const delay = (retry.attributes as { delayMs: number }).delayMs;
      assert.ok(delay >= 0 && delay <= Math.min(150, 20 * 2 ** i), `delay ${delay} ms outside full-jitter bounds for attempt ${i + 1}`);
      assert.equal((retry.error as { code?: string }).code, "SlowDown");
    }
  });

  it("503 on every attempt: gives up after the configured attempts with a TransientError", async () => {
    proxy.setRules([{ method: "HEAD", fault: { status: 503, code: "SlowDown" } }]);
    const error = await s3.headObject(bucket, "throttled.txt").catch((e: unknown) => e);
    assert.ok(error instanceof TransientError, inspect(error));
    assert.equal(error.retryable, true);
    assert.equal(proxy.log.filter((e) => e.method === "HEAD").length, 4, "exactly retry.attempts requests");
  });

  it("a connection reset is retried", async () => {
    proxy.setRules([{ method: "GET", path: /throttled\.txt/, times: 1, fault: { reset: "before-response" } }]);
    assert.equal((await s3.getObjectBytes(bucket, "throttled.txt")).toString(), "ok");
    assert.deepEqual(proxy.log.filter((e) => e.path.includes("throttled")).map((e) => e.outcome), ["reset", 200]);
  });

  it("a multipart upload failing midway is aborted: no unfinished upload remains", async () => {
    const source = path.join(tmp, "fails.bin");
    await writeFile(source, randomData(40 * MIB));
    proxy.setRules([{ method: "PUT", path: /partNumber=3(&|$)/, fault: { status: 500, code: "InternalError" } }]);
    const error = await s3.uploadFile(source, bucket, "fails.bin").catch((e: unknown) => e);
    assert.ok(error instanceof TransientError, inspect(error));
    assert.ok(proxy.log.some((e) => e.method === "DELETE" && /uploadId=/.test(e.path)), "AbortMultipartUpload was sent");
    proxy.clear();
    assert.deepEqual(await s3.listMultipartUploads(bucket), []);
    assert.equal(await s3.exists(bucket, "fails.bin"), false);
  });

  it("a download cut midway, on every attempt, leaves no file at the destination", async () => {
    await s3.putObject(bucket, "cut.bin", randomData(3 * MIB));
    proxy.setRules([{ method: "GET", path: /cut\.bin/, fault: { reset: "after-bytes", bytes: 64 * 1024 } }]);
    const target = path.join(tmp, "dl", "cut.bin");
    const error = await s3.downloadFile(bucket, "cut.bin", target).catch((e: unknown) => e);
    assert.ok(error instanceof TransientError, inspect(error));
    assert.equal(existsSync(target), false);
    assert.deepEqual(await readdir(path.dirname(target)), [], "no temp file left");
    assert.ok(proxy.log.filter((e) => e.path.includes("cut.bin") && e.method === "GET").length >= 4, "the range was retried");
  });

  it("a download cut once is resumed by retrying the range, and completes", async () => {
    proxy.setRules([{ method: "GET", path: /cut\.bin/, times: 1, fault: { reset: "after-bytes", bytes: 64 * 1024 } }]);
    const target = path.join(tmp, "dl2", "cut.bin");
    const result = await s3.downloadFile(bucket, "cut.bin", target);
    assert.equal(result.size, 3 * MIB);
    assert.equal(existsSync(target), true);
  });

  it("the secret key appears in no error and no event", async () => {
    proxy.setRules([{ fault: { status: 403, code: "SignatureDoesNotMatch" } }]);
    const errors: unknown[] = [];
    for (const call of [() => s3.listBuckets(), () => s3.getObject(bucket, "x"), () => s3.putObject(bucket, "y", "z"), () => s3.test()]) errors.push(await call().catch((e: unknown) => e));
    const text = [...errors.map((e) => inspect(e, { depth: 8 })), JSON.stringify(errors), JSON.stringify(t.events)].join("\n");
    assert.ok(errors.every((e) => (e as Error).name === "AuthError"), errors.map(String).join("; "));
    assert.ok(!text.includes(CANARY));
    assert.equal(t.events.filter((e) => e.event.endsWith(".retry")).length, 0, "auth errors are never retried");
  });
});
