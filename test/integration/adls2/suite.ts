// The ADLS Gen2 connector's whole API against one account; run for a flat namespace (bare Azurite)
// and a hierarchical one (Azurite behind the dfs gateway).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { DataLakeServiceClient } from "@azure/storage-file-datalake";
import { AuthError, createRegistry, NotFoundError, PermanentError, type Adls2Connector, type ConnectorEvent, type Registry, type TransferProgress } from "../../../src/connectors/index";
import { randomData, sha256File } from "../s3/helpers";

const MIB = 1024 * 1024;

export interface AdlsTarget {
  namespace: "flat" | "hierarchical";
  /** Profile keys (accountKey given separately). */
  profile: Record<string, unknown>;
  accountKey: string;
  /** GET a URL the way a browser would reach this account (through the gateway's proxy for dfs hosts). */
  get(url: string): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

export function registryFor(target: AdlsTarget, key = target.accountKey, profile = "default"): { registry: Registry; events: ConnectorEvent[] } {
  const events: ConnectorEvent[] = [];
  const seg = profile.toUpperCase();
  const registry = createRegistry({
    env: {
      [`ADLS_TEST_KEY_${seg}`]: key,
      [`AUTO_WORKFLOW_CONNECTORS_ADLS2_${seg}__JSON`]: JSON.stringify({ ...target.profile, accountKey: `secret://env/ADLS_TEST_KEY_${seg}`, retry: { baseDelay: "10ms", maxDelay: "200ms" } }),
    },
    onEvent: (e) => events.push(e),
  });
  return { registry, events };
}

/** GET through an HTTP forward proxy (absolute-URI request), as the SDK does with proxyOptions. */
export function getViaProxy(proxyPort: number) {
  return (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const target = new URL(url);
      const req = http.request({ host: "127.0.0.1", port: proxyPort, method: "GET", path: url, headers: { host: target.host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      req.end();
    });
}

export async function getDirect(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

export function describeAdls2(label: string, start: () => Promise<AdlsTarget>): void {
  describe(`adls2 connector against ${label}`, () => {
    let target: AdlsTarget;
    let registry: Registry;
    let adls: Adls2Connector;
    let tmp: string;
    const fs = `fs${Date.now().toString(36)}`;

    before(async () => {
      target = await start();
      ({ registry } = registryFor(target));
      adls = await registry.get("adls2");
      tmp = await mkdtemp(path.join(os.tmpdir(), "awc-adls-"));
      await adls.createContainer(fs);
    });
    after(async () => {
      await registry?.reset();
      await target?.stop();
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    it("detects the namespace from the account", async () => {
      assert.equal(await adls.namespace(), target.namespace);
      const report = await adls.test();
      assert.equal(report.details["namespace"], target.namespace);
      assert.match(report.identity ?? "", /devstoreaccount1 \(shared key\)/);
    });

    it("creates and lists containers; existOk accepts an existing one", async () => {
      await adls.createContainer(fs, { existOk: true });
      await assert.rejects(adls.createContainer(fs), PermanentError);
      assert.ok((await adls.listContainers()).some((c) => c.name === fs));
    });

    it("uploads bytes with content type and metadata, reads them whole and ranged", async () => {
      const { etag } = await adls.uploadBytes(fs, "raw/events.json", '{"a":1}\n{"a":2}\n', { contentType: "application/json", metadata: { source: "test" } });
      assert.ok(etag.length > 0);
      const props = await adls.getProperties(fs, "raw/events.json");
      assert.equal(props.isDirectory, false);
      assert.equal(props.size, 16);
      assert.equal(props.contentType, "application/json");
      assert.equal(props.metadata["source"], "test");
      assert.equal((await adls.downloadBytes(fs, "raw/events.json")).toString(), '{"a":1}\n{"a":2}\n');
      assert.equal((await adls.downloadBytes(fs, "raw/events.json", { start: 8, end: 14 })).toString(), '{"a":2}');
      assert.equal(await adls.exists(fs, "raw/events.json"), true);
      assert.equal(await adls.exists(fs, "raw/missing.json"), false);
      await assert.rejects(adls.uploadBytes(fs, "raw/events.json", "x", { overwrite: false }), PermanentError);
      await adls.uploadBytes(fs, "raw/events.json", "replaced");
      assert.equal((await adls.downloadBytes(fs, "raw/events.json")).toString(), "replaced");
    });

    it("uploads a 20 MiB file in chunks and downloads it byte-identical, streamed and to a file", async () => {
      const source = path.join(tmp, "big.bin");
      await writeFile(source, randomData(20 * MIB + 17));
      const progress: TransferProgress[] = [];
      const up = await adls.uploadFile(source, fs, "big/20mib.bin", { onProgress: (p) => progress.push(p) });
      assert.equal(up.size, 20 * MIB + 17);
      assert.equal(progress[progress.length - 1]?.bytes, up.size);
      const file = path.join(tmp, "out", "20mib.bin");
      assert.equal((await adls.downloadFile(fs, "big/20mib.bin", file)).size, up.size);
      assert.equal(await sha256File(file), await sha256File(source));
      assert.deepEqual((await readdir(path.dirname(file))).filter((n) => n.endsWith(".part")), []);
      const stream = await adls.downloadStream(fs, "big/20mib.bin");
      let bytes = 0;
      for await (const chunk of stream) bytes += chunk.length;
      assert.equal(bytes, up.size);
    });

    it("makes nested directories; existOk false refuses an existing one", async () => {
      await adls.makeDirs(fs, "lake/bronze/2024");
      for (const dir of ["lake", "lake/bronze", "lake/bronze/2024"]) assert.equal((await adls.getProperties(fs, dir)).isDirectory, true, dir);
      await adls.makeDirs(fs, "lake/bronze/2024");
      await assert.rejects(adls.makeDirs(fs, "lake/bronze/2024", { existOk: false }), PermanentError);
    });

    it("lists paths recursively and one level at a time, across pages", async () => {
      await Promise.all(Array.from({ length: 30 }, (_, i) => adls.uploadBytes(fs, `list/d${i % 3}/f${String(i).padStart(2, "0")}.txt`, `${i}`)));
      const all: string[] = [];
      for await (const p of adls.listPaths(fs, "list", { pageSize: 7 })) if (!p.isDirectory) all.push(p.name);
      assert.equal(all.length, 30);
      assert.ok(all.every((n) => n.startsWith("list/d")));
      const level = await adls.listPage(fs, "list", { recursive: false });
      assert.deepEqual(level.paths.map((p) => [p.name, p.isDirectory]), [["list/d0", true], ["list/d1", true], ["list/d2", true]]);
      const page = await adls.listPage(fs, "list/d0", { pageSize: 4 });
      assert.equal(page.paths.length, 4);
      assert.ok(page.nextToken, "a continuation token for the next page");
      const next = await adls.listPage(fs, "list/d0", { pageSize: 4, continuationToken: page.nextToken! });
      assert.ok(next.paths.length > 0);
      assert.ok(!next.paths.some((p) => page.paths.some((q) => q.name === p.name)), "pages do not overlap");
    });

    it("renames a file and a whole directory", async () => {
      await adls.uploadBytes(fs, "mv/a.txt", "A");
      await adls.rename(fs, "mv/a.txt", "mv/b.txt");
      assert.equal(await adls.exists(fs, "mv/a.txt"), false);
      assert.equal((await adls.downloadBytes(fs, "mv/b.txt")).toString(), "A");
      await adls.uploadBytes(fs, "mv/dir/x/1.txt", "1");
      await adls.uploadBytes(fs, "mv/dir/2.txt", "2");
      await adls.rename(fs, "mv/dir", "mv/renamed");
      assert.equal(await adls.exists(fs, "mv/dir/2.txt"), false);
      assert.equal((await adls.downloadBytes(fs, "mv/renamed/x/1.txt")).toString(), "1");
      assert.equal((await adls.downloadBytes(fs, "mv/renamed/2.txt")).toString(), "2");
      await assert.rejects(adls.rename(fs, "mv/nope", "mv/other"), NotFoundError);
    });

    it("deletes files and directories; a non-empty directory needs recursive", async () => {
      await adls.uploadBytes(fs, "del/keep/1.txt", "1");
      await adls.uploadBytes(fs, "del/keep/sub/2.txt", "2");
      await assert.rejects(adls.deletePath(fs, "del/keep"), (e: unknown) => e instanceof PermanentError && /DirectoryNotEmpty/.test((e as PermanentError).code ?? ""));
      await adls.deletePath(fs, "del/keep/1.txt");
      assert.equal(await adls.exists(fs, "del/keep/1.txt"), false);
      await adls.deletePath(fs, "del/keep", { recursive: true });
      assert.equal(await adls.exists(fs, "del/keep/sub/2.txt"), false);
      assert.equal(await adls.exists(fs, "del/keep"), false);
      await assert.rejects(adls.deletePath(fs, "del/never"), NotFoundError);
    });

    it("uploads a directory and downloads the prefix back, layout intact", async () => {
      const source = path.join(tmp, "tree");
      await mkdir(path.join(source, "a", "b"), { recursive: true });
      await writeFile(path.join(source, "top.txt"), "top");
      await writeFile(path.join(source, "a", "b", "deep.bin"), randomData(6 * MIB));
      const up = await adls.uploadDirectory(source, fs, "tree");
      assert.deepEqual(up, { files: 2, bytes: 6 * MIB + 3 });
      const back = path.join(tmp, "tree-back");
      const down = await adls.downloadPrefix(fs, "tree", back);
      assert.deepEqual(down, { files: 2, bytes: 6 * MIB + 3 });
      assert.equal(await readFile(path.join(back, "top.txt"), "utf8"), "top");
      assert.equal(await sha256File(path.join(back, "a", "b", "deep.bin")), await sha256File(path.join(source, "a", "b", "deep.bin")));
      assert.equal(existsSync(path.join(back, "tree")), false, "the prefix itself is not repeated");
    });

    it("makes a read-only SAS URL that works without the key", async () => {
      await adls.uploadBytes(fs, "share/out.csv", "x,y\n");
      const url = await adls.sasUrl(fs, "share/out.csv", { expiresInS: 300 });
      assert.match(url, /sig=/);
      const response = await target.get(url);
      assert.equal(response.status, 200);
      assert.equal(response.body, "x,y\n");
    });

    it("a wrong account key is an AuthError that names the problem, never retried", async () => {
      const wrong = Buffer.from("not-the-key-".repeat(6)).toString("base64");
      const { registry: bad, events } = registryFor(target, wrong, "wrong");
      try {
        const client = await bad.get("adls2", "wrong");
        const error = await client.listContainers().catch((e: unknown) => e);
        assert.ok(error instanceof AuthError, String(error));
        assert.match((error as Error).message, /key or SAS does not match/);
        assert.equal(events.filter((e) => e.event.endsWith(".retry")).length, 0);
        assert.ok(!JSON.stringify(events).includes(wrong) && !String(error).includes(wrong));
      } finally {
        await bad.reset();
      }
    });

    it("exposes the SDK clients", () => {
      assert.ok(adls.serviceClient() instanceof DataLakeServiceClient);
      assert.equal(adls.fileSystemClient(fs).name, fs);
    });
  });
}
