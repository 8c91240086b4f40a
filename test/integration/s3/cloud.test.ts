// Opt-in: the S3 connector against real AWS. Runs only when AWC_TEST_S3_BUCKET names a bucket you may
// write to (credentials from the SDK's default chain, or AWC_TEST_S3_PROFILE as a shared-config profile);
// otherwise it is reported as skipped with this reason, never as passed.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createRegistry, type Registry, type S3Connector } from "../../../src/connectors/index";

const bucket = process.env["AWC_TEST_S3_BUCKET"];
const reason = "set AWC_TEST_S3_BUCKET (and AWS credentials, AWC_TEST_S3_REGION, optionally AWC_TEST_S3_PROFILE) to run against AWS";

describe("s3 connector against AWS (opt-in)", { skip: bucket ? false : reason }, () => {
  let registry: Registry;
  let s3: S3Connector;
  const prefix = `awc-test/${randomBytes(6).toString("hex")}/`;

  before(async () => {
    registry = createRegistry({
      env: {
        ...process.env,
        AUTO_WORKFLOW_CONNECTORS_S3_CLOUD__JSON: JSON.stringify({
          region: process.env["AWC_TEST_S3_REGION"] ?? "us-east-1",
          bucket,
          ...(process.env["AWC_TEST_S3_PROFILE"] ? { sharedConfigProfile: process.env["AWC_TEST_S3_PROFILE"] } : {}),
        }),
      },
    });
    s3 = await registry.get("s3", "cloud");
  });
  after(async () => {
    if (s3) await s3.deletePrefix(bucket!, prefix).catch(() => undefined);
    await registry?.reset();
  });

  it("tests the connection with HeadBucket", async () => {
    const report = await s3.test();
    assert.equal(report.tls.enabled, true);
    assert.equal(report.details["bucket"], bucket);
  });

  it("writes, lists, reads, presigns and deletes under a scratch prefix", async () => {
    const data = randomBytes(16 * 1024 * 1024 + 5);
    await s3.putObject(bucket!, `${prefix}small.txt`, "hello");
    await s3.putObject(bucket!, `${prefix}big.bin`, data);
    const keys: string[] = [];
    for await (const entry of s3.listObjects(bucket!, prefix)) keys.push(entry.key);
    assert.deepEqual(keys.sort(), [`${prefix}big.bin`, `${prefix}small.txt`]);
    assert.ok((await s3.getObjectBytes(bucket!, `${prefix}big.bin`)).equals(data));
    const response = await fetch(await s3.presignGetUrl(bucket!, `${prefix}small.txt`, { expiresInS: 60 }));
    assert.equal(await response.text(), "hello");
    assert.equal(await s3.deletePrefix(bucket!, prefix), 2);
  });
});
