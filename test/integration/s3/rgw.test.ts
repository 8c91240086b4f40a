// The S3 API against Ceph RGW, a real S3 implementation that verifies SigV4 signatures:
// also wrong secrets, unknown keys and tampered presigned URLs.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { it } from "node:test";
import { AuthError } from "../../../src/connectors/index";
import { ensureRgwBinaries, startRgw } from "../../fixtures/rgw";
import { s3Registry, uniqueBucket } from "./helpers";
import { describeS3 } from "./suite";

const CANARY = "rgw-Canary-Secret-93kd0-never-shown";

describeS3(
  "Ceph RGW",
  async () => {
    await ensureRgwBinaries();
    return startRgw();
  },
  (get) => {
    it("a wrong secret key is an AuthError (SignatureDoesNotMatch) with a hint, never retried, secret not shown", async () => {
      const { server } = get();
      const { registry, events } = s3Registry({ ...server, secretAccessKey: CANARY }, "wrong");
      try {
        const s3 = await registry.get("s3", "wrong");
        const error = await s3.listBuckets().catch((e: unknown) => e);
        assert.ok(error instanceof AuthError, inspect(error));
        assert.equal(error.code, "SignatureDoesNotMatch");
        assert.match(error.message, /secret access key does not match/);
        assert.equal(events.filter((e) => e.event.endsWith(".retry")).length, 0);
        const text = [inspect(error, { depth: 8 }), JSON.stringify(error), JSON.stringify(events)].join("\n");
        assert.ok(!text.includes(CANARY), "the secret leaked");
      } finally {
        await registry.reset();
      }
    });

    it("an unknown access key is an AuthError (InvalidAccessKeyId)", async () => {
      const { server } = get();
      const { registry } = s3Registry({ ...server, accessKeyId: "AKIANOTAREALKEY00000" }, "unknown");
      try {
        const error = await (await registry.get("s3", "unknown")).test().catch((e: unknown) => e);
        assert.ok(error instanceof AuthError, inspect(error));
        assert.equal(error.code, "InvalidAccessKeyId");
      } finally {
        await registry.reset();
      }
    });

    it("a tampered presigned URL is refused with 403", async () => {
      const { s3 } = get();
      const bucket = uniqueBucket("presign");
      await s3.createBucket(bucket);
      await s3.putObject(bucket, "secret.txt", "classified");
      const url = new URL(await s3.presignGetUrl(bucket, "secret.txt", { expiresInS: 60 }));
      assert.equal((await fetch(url)).status, 200);
      const signature = url.searchParams.get("X-Amz-Signature")!;
      url.searchParams.set("X-Amz-Signature", `${signature[0] === "a" ? "b" : "a"}${signature.slice(1)}`);
      const tampered = await fetch(url);
      assert.equal(tampered.status, 403);
      assert.match(await tampered.text(), /SignatureDoesNotMatch/);
      const otherKey = new URL(await s3.presignGetUrl(bucket, "secret.txt", { expiresInS: 60 }));
      otherKey.pathname = otherKey.pathname.replace("secret.txt", "other.txt");
      assert.equal((await fetch(otherKey)).status, 403, "a URL signed for one key opens no other");
      await s3.deletePrefix(bucket, "");
    });
  },
);
