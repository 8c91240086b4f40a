// The S3 connector's whole API against one server; run against Ceph RGW and fauxqs.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { S3Client } from "@aws-sdk/client-s3";
import { NotFoundError, PermanentError, type S3Connector, type TransferProgress } from "../../../src/connectors/index";
import type { S3Server } from "../../fixtures/s3-server";
import { randomData, s3Registry, sha256, sha256File, uniqueBucket, type S3TestContext, type ServerStarter } from "./helpers";

const MIB = 1024 * 1024;

export function describeS3(label: string, start: ServerStarter, more?: (get: () => { server: S3Server; s3: S3Connector; t: S3TestContext; tmp: string }) => void): void {
  describe(`s3 connector against ${label}`, () => {
    let server: S3Server;
    let t: S3TestContext;
    let s3: S3Connector;
    let tmp: string;
    const bucket = uniqueBucket("awc");

    before(async () => {
      server = await start();
      t = s3Registry(server);
      s3 = await t.registry.get("s3");
      tmp = await mkdtemp(path.join(os.tmpdir(), "awc-s3-"));
      await s3.createBucket(bucket);
    });
    after(async () => {
      await t?.registry.reset();
      await server?.stop();
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    it("creates and lists buckets; creating one you own again is fine with existOk", async () => {
      const names = (await s3.listBuckets()).map((b) => b.name);
      assert.ok(names.includes(bucket), names.join(","));
      await s3.createBucket(bucket, { existOk: true });
    });

    it("puts strings and buffers with content type and metadata; heads, checks existence, reads back", async () => {
      const { etag } = await s3.putObject(bucket, "docs/hello.txt", "hello, world", { contentType: "text/plain", metadata: { owner: "etl" } });
      assert.match(etag, /^"?[0-9a-f]{32}"?$/);
      const head = await s3.headObject(bucket, "docs/hello.txt");
      assert.equal(head.size, 12);
      assert.equal(head.contentType, "text/plain");
      assert.equal(head.metadata["owner"], "etl");
      assert.equal(await s3.exists(bucket, "docs/hello.txt"), true);
      assert.equal(await s3.exists(bucket, "docs/missing.txt"), false);
      const body = await s3.getObject(bucket, "docs/hello.txt");
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      assert.equal(Buffer.concat(chunks).toString(), "hello, world");
      assert.equal(body.contentType, "text/plain");
      const binary = randomData(1000);
      await s3.putObject(bucket, "docs/bin", binary);
      assert.ok((await s3.getObjectBytes(bucket, "docs/bin")).equals(binary));
    });

    it("reads ranges: start-end, open-ended, and suffix", async () => {
      const data = Buffer.from("0123456789abcdefghij");
      await s3.putObject(bucket, "ranges/r.txt", data);
      assert.equal((await s3.getObjectBytes(bucket, "ranges/r.txt", { range: { start: 2, end: 5 } })).toString(), "2345");
      assert.equal((await s3.getObjectBytes(bucket, "ranges/r.txt", { range: { start: 15 } })).toString(), "fghij");
      assert.equal((await s3.getObjectBytes(bucket, "ranges/r.txt", { range: { suffix: 4 } })).toString(), "ghij");
      const ranged = await s3.getObject(bucket, "ranges/r.txt", { range: { suffix: 4 } });
      assert.equal(ranged.contentLength, 4);
      assert.equal(ranged.size, 20);
      assert.match(ranged.contentRange ?? "", /^bytes 16-19\/20$/);
      ranged.close();
    });

    it("streams bodies of unknown length through multipart", async () => {
      const data = randomData(12 * MIB + 123);
      const { etag } = await s3.putObject(bucket, "stream/unknown.bin", Readable.from([data.subarray(0, 5 * MIB), data.subarray(5 * MIB)]));
      assert.ok(etag.length > 0, "an ETag even where the store answers the completion with none");
      assert.equal(sha256(await s3.getObjectBytes(bucket, "stream/unknown.bin")), sha256(data));
    });

    it("uploads a 64 MiB file in parts and downloads it with ranged GETs, byte-identical, with progress", async () => {
      const source = path.join(tmp, "big.bin");
      await writeFile(source, randomData(64 * MIB + 4321));
      const up: TransferProgress[] = [];
      const uploaded = await s3.uploadFile(source, bucket, "big/64mib.bin", { onProgress: (p) => up.push(p) });
      assert.equal(uploaded.size, 64 * MIB + 4321);
      assert.ok(up.length > 1 && up[up.length - 1]!.bytes === uploaded.size, "upload progress ends at the file size");
      assert.ok(up.every((p, i) => i === 0 || p.bytes >= up[i - 1]!.bytes), "upload progress never goes back");
      const head = await s3.headObject(bucket, "big/64mib.bin");
      assert.equal(head.size, uploaded.size);
      const target = path.join(tmp, "down", "big.bin");
      const down: TransferProgress[] = [];
      const result = await s3.downloadFile(bucket, "big/64mib.bin", target, { onProgress: (p) => down.push(p) });
      assert.equal(result.size, uploaded.size);
      assert.equal(await sha256File(target), await sha256File(source));
      assert.equal(down[down.length - 1]?.bytes, uploaded.size);
      assert.deepEqual((await readdir(path.dirname(target))).filter((n) => n.endsWith(".part")), [], "no temp file left");
      assert.deepEqual(await s3.listMultipartUploads(bucket), [], "no unfinished multipart upload");
    });

    it("uploads a small file in one request and downloads a zero-byte object", async () => {
      const small = path.join(tmp, "small.txt");
      await writeFile(small, "tiny");
      assert.equal((await s3.uploadFile(small, bucket, "small/tiny.txt")).size, 4);
      await s3.putObject(bucket, "small/empty", Buffer.alloc(0));
      const target = path.join(tmp, "empty.out");
      assert.equal((await s3.downloadFile(bucket, "small/empty", target)).size, 0);
      assert.equal((await readFile(target)).length, 0);
    });

    it("lists 2,500 keys across pages, recursively and one level at a time", async () => {
      const keys = Array.from({ length: 2500 }, (_, i) => `many/d${i % 5}/k${String(i).padStart(5, "0")}`);
      const queue = [...keys];
      await Promise.all(Array.from({ length: 32 }, async () => {
        for (let key = queue.pop(); key !== undefined; key = queue.pop()) await s3.putObject(bucket, key, key);
      }));
      const all: string[] = [];
      for await (const entry of s3.listObjects(bucket, "many/")) {
        assert.equal(entry.type, "object");
        all.push(entry.key);
      }
      assert.equal(all.length, 2500);
      assert.deepEqual(all, [...keys].sort());
      const pages = t.events.filter((e) => e.event === "s3.listObjects.ok").length;
      assert.ok(pages >= 3, `2,500 keys came in ${pages} page(s)`);
      const level: string[] = [];
      for await (const entry of s3.listObjects(bucket, "many/", { recursive: false })) level.push(`${entry.type}:${entry.key}`);
      assert.deepEqual(level, ["prefix:many/d0/", "prefix:many/d1/", "prefix:many/d2/", "prefix:many/d3/", "prefix:many/d4/"]);
      const first = await s3.listPage(bucket, "many/d1/", { pageSize: 100 });
      assert.equal(first.entries.length, 100);
      assert.ok(first.nextToken);
      const second = await s3.listPage(bucket, "many/d1/", { pageSize: 100, continuationToken: first.nextToken! });
      assert.ok(second.entries[0]!.key > first.entries[99]!.key);
      const limited: string[] = [];
      for await (const entry of s3.listObjects(bucket, "many/", { maxKeys: 1234 })) limited.push(entry.key);
      assert.equal(limited.length, 1234);
    });

    it("deletes a prefix of 1,000+ keys in batches and reports the count", async () => {
      const progress: TransferProgress[] = [];
      const count = await s3.deletePrefix(bucket, "many/", { onProgress: (p) => progress.push(p) });
      assert.equal(count, 2500);
      assert.equal(progress[progress.length - 1]?.files, 2500);
      let left = 0;
      for await (const _ of s3.listObjects(bucket, "many/")) left++;
      assert.equal(left, 0);
      assert.equal(await s3.deletePrefix(bucket, "many/"), 0);
    });

    it("deletes an object; missing keys and buckets are NotFoundErrors", async () => {
      await s3.putObject(bucket, "gone/x", "x");
      await s3.deleteObject(bucket, "gone/x");
      assert.equal(await s3.exists(bucket, "gone/x"), false);
      await assert.rejects(s3.getObject(bucket, "gone/x"), (e: unknown) => e instanceof NotFoundError && /s3:\/\//.test((e as Error).message));
      await assert.rejects(s3.headObject(bucket, "gone/x"), NotFoundError);
      await assert.rejects(s3.listPage("no-such-bucket-awc-test", ""), NotFoundError);
    });

    it("presigns a GET URL that works without credentials", async () => {
      await s3.putObject(bucket, "share/report.csv", "a,b\n1,2\n");
      const url = await s3.presignGetUrl(bucket, "share/report.csv", { expiresInS: 300 });
      assert.match(url, /X-Amz-Signature=/);
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "a,b\n1,2\n");
    });

    it("uploads a directory and downloads the prefix back, layout intact", async () => {
      const source = path.join(tmp, "tree");
      await mkdir(path.join(source, "a", "b"), { recursive: true });
      await writeFile(path.join(source, "root.txt"), "root");
      await writeFile(path.join(source, "a", "one.txt"), "one");
      await writeFile(path.join(source, "a", "b", "two.bin"), randomData(9 * MIB));
      const progress: TransferProgress[] = [];
      const up = await s3.uploadDirectory(source, bucket, "tree", { onProgress: (p) => progress.push(p) });
      assert.deepEqual(up, { files: 3, bytes: 9 * MIB + 7 });
      assert.equal(progress[progress.length - 1]?.totalFiles, 3);
      const target = path.join(tmp, "tree-back");
      const down = await s3.downloadPrefix(bucket, "tree/", target);
      assert.deepEqual(down, { files: 3, bytes: 9 * MIB + 7 });
      assert.equal(await readFile(path.join(target, "a", "one.txt"), "utf8"), "one");
      assert.equal(await sha256File(path.join(target, "a", "b", "two.bin")), await sha256File(path.join(source, "a", "b", "two.bin")));
    });

    it("refuses keys that would land outside the destination, writing nothing", async () => {
      const outside = path.join(tmp, "outside");
      const target = path.join(tmp, "jail", "inner");
      for (const key of ["evil/../escape.txt", "evil/a/../../../outside/x.txt"]) {
        await s3.putObject(bucket, key, "pwned");
      }
      const error = await s3.downloadPrefix(bucket, "evil/", target).catch((e: unknown) => e);
      assert.ok(error instanceof PermanentError, String(error));
      assert.match((error as Error).message, /refusing to download/);
      assert.equal(existsSync(outside), false, "a file was written outside the destination");
      assert.equal(existsSync(path.join(tmp, "jail", "escape.txt")), false);
      assert.equal(existsSync(target), false, "nothing is written when any key is refused");
      await s3.deletePrefix(bucket, "evil/");
    });

    it("reports a connection test with latency, endpoint and identity", async () => {
      const report = await s3.test();
      assert.equal(report.ok, true);
      assert.equal(report.endpoint, server.endpoint);
      assert.equal(report.tls.enabled, false);
      assert.ok(report.latencyMs >= 0);
      assert.ok(report.identity && report.identity.length > 0);
      assert.equal(report.details["addressing"], "path-style");
    });

    it("exposes the SDK client", () => {
      assert.ok(s3.nativeClient() instanceof S3Client);
    });

    more?.(() => ({ server, s3, t, tmp }));
  });
}
