// The file systems' stores over in-memory fakes of the connectors: stat (objects, folder markers,
// virtual folders), one-level listings across pages, size-limited reads, writes, folders, deletes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { S3Entry } from "../../src/connectors/s3/client";
import type { AdlsPath } from "../../src/connectors/adls2/store";
import { FsFailure } from "../../src/host/fs/decisions";
import { AdlsStore, contentTypeFor, S3Store, type AdlsApi, type S3Api, type WriteOptions } from "../../src/host/fs/stores";

const notFound = (what: string) => Object.assign(new Error(`${what} not found`), { kind: "notFound" });

interface Obj {
  data: Buffer;
  etag: string;
  lastModified: Date;
  contentType?: string;
  metadata: Record<string, string>;
}

/** S3 in memory, with the connector's listing semantics and a small page size to force paging. */
class FakeS3 implements S3Api {
  readonly buckets = new Map<string, Map<string, Obj>>();
  readonly calls: string[] = [];
  pageSize = 2;
  private version = 0;
  breakNextStream = false;

  bucket(name: string): Map<string, Obj> {
    const b = this.buckets.get(name);
    if (!b) throw notFound(`bucket ${name}`);
    return b;
  }

  put(bucket: string, key: string, data: string | Buffer, extra: Partial<Obj> = {}): Obj {
    const obj: Obj = { data: Buffer.from(data), etag: `"v${++this.version}"`, lastModified: new Date(1_700_000_000_000 + this.version * 1000), metadata: {}, ...extra };
    this.bucket(bucket).set(key, obj);
    return obj;
  }

  async listBuckets() {
    return [...this.buckets.keys()].map((name) => ({ name }));
  }

  async listPage(bucket: string, prefix: string, options: { recursive?: boolean; pageSize?: number; continuationToken?: string }) {
    this.calls.push(`list ${bucket} ${prefix} ${options.recursive === false ? "delim" : "rec"} ${options.continuationToken ?? ""}`);
    const keys = [...this.bucket(bucket).keys()].filter((k) => k.startsWith(prefix)).sort();
    const entries: S3Entry[] = [];
    const prefixes = new Set<string>();
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (options.recursive === false && slash >= 0) {
        const p = prefix + rest.slice(0, slash + 1);
        if (!prefixes.has(p)) {
          prefixes.add(p);
          entries.push({ type: "prefix", key: p });
        }
        continue;
      }
      if (options.recursive === false && key === prefix && prefix.endsWith("/")) continue;
      const o = this.bucket(bucket).get(key)!;
      entries.push({ type: "object", key, size: o.data.length, etag: o.etag, lastModified: o.lastModified });
    }
    const start = Number(options.continuationToken ?? 0);
    const size = Math.min(options.pageSize ?? this.pageSize, this.pageSize);
    const page = entries.slice(start, start + size);
    return { entries: page, ...(start + size < entries.length ? { nextToken: String(start + size) } : {}) };
  }

  async headObject(bucket: string, key: string) {
    this.calls.push(`head ${bucket} ${key}`);
    const o = this.bucket(bucket).get(key);
    if (!o) throw notFound(`${bucket}/${key}`);
    return { size: o.data.length, etag: o.etag, lastModified: o.lastModified, ...(o.contentType ? { contentType: o.contentType } : {}), metadata: o.metadata };
  }

  async getObject(bucket: string, key: string) {
    this.calls.push(`get ${bucket} ${key}`);
    const o = this.bucket(bucket).get(key);
    if (!o) throw notFound(`${bucket}/${key}`);
    const broken = this.breakNextStream;
    this.breakNextStream = false;
    let closed = false;
    return {
      size: o.data.length,
      etag: o.etag,
      close: () => void (closed = true),
      get closed() {
        return closed;
      },
      async *[Symbol.asyncIterator]() {
        yield o.data.subarray(0, 1);
        if (broken) throw Object.assign(new Error("premature close"), { code: "ERR_STREAM_PREMATURE_CLOSE" });
        yield o.data.subarray(1);
      },
    };
  }

  async putObject(bucket: string, key: string, body: Uint8Array, options: WriteOptions) {
    this.calls.push(`put ${bucket} ${key}`);
    const o = this.put(bucket, key, Buffer.from(body), { ...(options.contentType ? { contentType: options.contentType } : {}), metadata: options.metadata ?? {} });
    return { etag: o.etag };
  }

  async deleteObject(bucket: string, key: string) {
    this.calls.push(`delete ${bucket} ${key}`);
    this.bucket(bucket).delete(key);
  }

  async deletePrefix(bucket: string, prefix: string) {
    this.calls.push(`deletePrefix ${bucket} ${prefix}`);
    let n = 0;
    for (const key of [...this.bucket(bucket).keys()]) if (key.startsWith(prefix) && this.bucket(bucket).delete(key)) n++;
    return n;
  }
}

function s3Fixture(): { fake: FakeS3; store: S3Store } {
  const fake = new FakeS3();
  fake.buckets.set("b", new Map());
  fake.buckets.set("other", new Map());
  fake.put("b", "top.txt", "hello");
  fake.put("b", "dir/a.txt", "a");
  fake.put("b", "dir/b.txt", "bb");
  fake.put("b", "dir/sub/c.txt", "ccc");
  fake.put("b", "empty/", "");
  fake.put("b", "both", "file");
  fake.put("b", "both/inner", "x");
  fake.put("b", "weird//double", "x");
  fake.put("b", "sp ace/ü #?.txt", "u");
  return { fake, store: new S3Store(fake) };
}

describe("S3Store", () => {
  it("lists buckets", async () => {
    const { store } = s3Fixture();
    assert.deepEqual(await store.roots(), ["b", "other"]);
  });

  it("stats objects, folders (prefixes and empty markers), buckets and missing paths", async () => {
    const { store } = s3Fixture();
    const file = await store.stat("b", "top.txt");
    assert.equal(file?.type, "file");
    assert.equal(file?.size, 5);
    assert.equal(file?.etag, '"v1"');
    assert.equal(file?.mtime, 1_700_000_001_000);
    assert.equal((await store.stat("b", "dir"))?.type, "directory");
    assert.equal((await store.stat("b", "dir/"))?.type, "directory");
    assert.equal((await store.stat("b", "dir/sub"))?.type, "directory");
    assert.equal((await store.stat("b", "empty"))?.type, "directory", "a folder marker alone is a folder");
    assert.equal((await store.stat("b", "both"))?.type, "file", "an object wins over a folder of the same name");
    assert.equal((await store.stat("b", "both/"))?.type, "directory", "dir/ addresses the folder only");
    assert.equal((await store.stat("b", ""))?.type, "directory");
    assert.equal(await store.stat("b", "missing"), undefined);
    assert.equal(await store.stat("b", "top.txt/"), undefined);
    assert.equal(await store.stat("nope", ""), undefined);
    assert.equal(await store.stat("nope", "k"), undefined);
  });

  it("lists one level, following every page, with relative names", async () => {
    const { fake, store } = s3Fixture();
    const root = await store.list("b", "");
    assert.deepEqual(
      root.sort((x, y) => x.name.localeCompare(y.name)),
      [
        { name: "both", type: "file" },
        { name: "dir", type: "directory" },
        { name: "empty", type: "directory" },
        { name: "sp ace", type: "directory" },
        { name: "top.txt", type: "file" },
        { name: "weird", type: "directory" },
      ],
    );
    assert.ok(fake.calls.filter((c) => c.startsWith("list b  delim")).length >= 3, `paged: ${fake.calls.join(", ")}`);
    assert.deepEqual(await store.list("b", "dir"), [
      { name: "a.txt", type: "file" },
      { name: "b.txt", type: "file" },
      { name: "sub", type: "directory" },
    ]);
    assert.deepEqual(await store.list("b", "dir/"), await store.list("b", "dir"));
    assert.deepEqual(await store.list("b", "sp ace"), [{ name: "ü #?.txt", type: "file" }]);
    assert.deepEqual(await store.list("b", "empty"), [], "an empty folder lists nothing (its marker is not an entry)");
    assert.deepEqual(await store.list("b", "weird"), [], "`weird//double` has no reachable one-segment name");
  });

  it("fails a listing of a missing folder or bucket with FileNotFound", async () => {
    const { store } = s3Fixture();
    await assert.rejects(store.list("b", "missing"), (e: unknown) => e instanceof FsFailure && e.fsCode === "FileNotFound");
    await assert.rejects(store.list("nope", ""), (e: unknown) => (e as { kind?: string }).kind === "notFound");
  });

  it("reads whole objects with their ETag, and only the size above the limit", async () => {
    const { fake, store } = s3Fixture();
    const read = await store.read("b", "dir/b.txt", 100);
    assert.ok(!("tooLarge" in read));
    assert.equal(Buffer.from(read.data).toString(), "bb");
    assert.equal(read.etag, '"v3"');
    assert.equal(read.size, 2);
    assert.deepEqual(await store.read("b", "top.txt", 4), { tooLarge: 5 });
    assert.equal(fake.calls.filter((c) => c === "get b top.txt").length, 1, "one request; the body is not read");
    fake.breakNextStream = true;
    const again = await store.read("b", "top.txt", 100);
    assert.equal("data" in again && Buffer.from(again.data).toString(), "hello", "a broken stream is read again once");
    await assert.rejects(store.read("b", "missing", 100), (e: unknown) => (e as { kind?: string }).kind === "notFound");
  });

  it("writes with content type and metadata and returns the new ETag", async () => {
    const { fake, store } = s3Fixture();
    const out = await store.write("b", "dir/a.txt", Buffer.from("new"), { contentType: "text/plain", metadata: { owner: "me" } });
    const obj = fake.bucket("b").get("dir/a.txt")!;
    assert.equal(out.etag, obj.etag);
    assert.equal(obj.data.toString(), "new");
    assert.equal(obj.contentType, "text/plain");
    assert.deepEqual(obj.metadata, { owner: "me" });
  });

  it("asks for the ETag when the store answers a PUT without one", async () => {
    const { fake, store } = s3Fixture();
    const put = fake.putObject.bind(fake);
    fake.putObject = async (...args) => ({ ...(await put(...args)), etag: "" });
    const out = await store.write("b", "x.txt", Buffer.from("x"), {});
    assert.equal(out.etag, fake.bucket("b").get("x.txt")!.etag);
  });

  it("creates folders as zero-byte markers", async () => {
    const { fake, store } = s3Fixture();
    await store.mkdir("b", "new/folder");
    assert.equal(fake.bucket("b").get("new/folder/")?.data.length, 0);
    assert.equal((await store.stat("b", "new/folder"))?.type, "directory");
    assert.equal((await store.stat("b", "new"))?.type, "directory");
  });

  it("deletes files, and folders recursively (marker included); refuses a non-empty folder without recursive", async () => {
    const { fake, store } = s3Fixture();
    await store.delete("b", "top.txt", "file", false);
    assert.equal(fake.bucket("b").has("top.txt"), false);
    await assert.rejects(store.delete("b", "dir", "directory", false), (e: unknown) => e instanceof FsFailure && e.fsCode === "NoPermissions" && /not empty/.test(e.message));
    await store.delete("b", "empty", "directory", false);
    assert.equal(fake.bucket("b").has("empty/"), false);
    await store.delete("b", "dir", "directory", true);
    assert.deepEqual([...fake.bucket("b").keys()].filter((k) => k.startsWith("dir/")), []);
    assert.equal(fake.bucket("b").has("both"), true);
  });
});

// ------------------------------------------------------------------------------------------------

/** A flat ADLS account in memory: blobs, `hdi_isfolder` markers, virtual folders. */
class FakeAdls implements AdlsApi {
  readonly containers = new Map<string, Map<string, Obj & { folder?: boolean }>>();
  readonly calls: string[] = [];
  pageSize = 2;
  private version = 0;

  container(name: string) {
    const c = this.containers.get(name);
    if (!c) throw notFound(`container ${name}`);
    return c;
  }

  put(container: string, path: string, data: string, folder = false) {
    const metadata: Record<string, string> = folder ? { hdi_isfolder: "true" } : {};
    const o = { data: Buffer.from(data), etag: `"0x${++this.version}"`, lastModified: new Date(1_700_000_000_000 + this.version * 1000), metadata, folder };
    this.container(container).set(path, o);
    return o;
  }

  async listContainers() {
    return [...this.containers.keys()].map((name) => ({ name }));
  }

  async listPage(container: string, directory: string, options: { recursive?: boolean; pageSize?: number; continuationToken?: string }) {
    this.calls.push(`list ${container} ${directory} ${options.continuationToken ?? ""}`);
    const prefix = directory ? `${directory}/` : "";
    const paths = new Map<string, AdlsPath>();
    for (const [name, o] of this.container(container)) {
      if (!name.startsWith(prefix)) continue;
      const rest = name.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (slash >= 0) paths.set(prefix + rest.slice(0, slash), { name: prefix + rest.slice(0, slash), isDirectory: true, size: 0 });
      else paths.set(name, { name, isDirectory: Boolean(o.folder), size: o.data.length });
    }
    const all = [...paths.values()].sort((a, b) => a.name.localeCompare(b.name));
    const start = Number(options.continuationToken ?? 0);
    const size = Math.min(options.pageSize ?? this.pageSize, this.pageSize);
    return { paths: all.slice(start, start + size), ...(start + size < all.length ? { nextToken: String(start + size) } : {}) };
  }

  async getProperties(container: string, path: string) {
    const o = this.container(container).get(path);
    if (o) return { isDirectory: Boolean(o.folder), size: o.data.length, etag: o.etag, lastModified: o.lastModified, metadata: o.metadata };
    if ([...this.container(container).keys()].some((k) => k.startsWith(`${path}/`))) return { isDirectory: true, size: 0, metadata: {} };
    throw notFound(`${container}/${path}`);
  }

  async downloadStream(container: string, path: string) {
    const o = this.container(container).get(path);
    if (!o) throw notFound(`${container}/${path}`);
    return {
      contentLength: o.data.length,
      etag: o.etag,
      close: () => undefined,
      async *[Symbol.asyncIterator]() {
        yield o.data;
      },
    };
  }

  async uploadBytes(container: string, path: string, data: Uint8Array, options: WriteOptions & { overwrite?: boolean }) {
    this.calls.push(`upload ${container} ${path} overwrite=${options.overwrite}`);
    return { etag: this.put(container, path, Buffer.from(data).toString()).etag };
  }

  async deletePath(container: string, path: string, options: { recursive?: boolean }) {
    this.calls.push(`delete ${container} ${path} recursive=${options.recursive}`);
    for (const key of [...this.container(container).keys()]) if (key === path || key.startsWith(`${path}/`)) this.container(container).delete(key);
  }

  async makeDirs(container: string, path: string, options: { existOk?: boolean }) {
    this.calls.push(`mkdirs ${container} ${path} existOk=${options.existOk}`);
    this.put(container, path, "", true);
  }

  async rename(container: string, from: string, to: string) {
    this.calls.push(`rename ${container} ${from} ${to}`);
    const o = this.container(container).get(from)!;
    this.container(container).delete(from);
    this.container(container).set(to, o);
  }
}

function adlsFixture(): { fake: FakeAdls; store: AdlsStore } {
  const fake = new FakeAdls();
  fake.containers.set("c", new Map());
  fake.put("c", "top.txt", "hello");
  fake.put("c", "dir/a.txt", "a");
  fake.put("c", "dir/b.txt", "bb");
  fake.put("c", "dir/sub/c.txt", "ccc");
  fake.put("c", "marked", "", true);
  return { fake, store: new AdlsStore(fake) };
}

describe("AdlsStore", () => {
  it("lists containers and stats files, folders (virtual and marked) and missing paths", async () => {
    const { store } = adlsFixture();
    assert.deepEqual(await store.roots(), ["c"]);
    const file = await store.stat("c", "top.txt");
    assert.equal(file?.type, "file");
    assert.equal(file?.size, 5);
    assert.equal(file?.etag, '"0x1"');
    assert.equal((await store.stat("c", "dir"))?.type, "directory");
    assert.equal((await store.stat("c", "marked"))?.type, "directory");
    assert.equal((await store.stat("c", ""))?.type, "directory");
    assert.equal(await store.stat("c", "missing"), undefined);
    assert.equal(await store.stat("c", "top.txt/"), undefined);
    assert.equal(await store.stat("nope", ""), undefined);
  });

  it("lists one level across pages with relative names; a missing folder is FileNotFound", async () => {
    const { fake, store } = adlsFixture();
    assert.deepEqual(await store.list("c", ""), [
      { name: "dir", type: "directory" },
      { name: "marked", type: "directory" },
      { name: "top.txt", type: "file" },
    ]);
    assert.ok(fake.calls.filter((c) => c.startsWith("list c  ")).length >= 2);
    assert.deepEqual(await store.list("c", "dir/"), [
      { name: "a.txt", type: "file" },
      { name: "b.txt", type: "file" },
      { name: "sub", type: "directory" },
    ]);
    assert.deepEqual(await store.list("c", "marked"), []);
    await assert.rejects(store.list("c", "missing"), (e: unknown) => e instanceof FsFailure && e.fsCode === "FileNotFound");
  });

  it("reads with the ETag and a size limit; writes with overwrite; folders, deletes and renames through the connector", async () => {
    const { fake, store } = adlsFixture();
    const read = await store.read("c", "dir/b.txt", 10);
    assert.ok("data" in read);
    assert.equal(Buffer.from(read.data).toString(), "bb");
    assert.equal(read.etag, '"0x3"');
    assert.deepEqual(await store.read("c", "top.txt", 1), { tooLarge: 5 });
    const out = await store.write("c", "top.txt", Buffer.from("x"), {});
    assert.equal(out.etag, fake.container("c").get("top.txt")!.etag);
    await store.mkdir("c", "new/dir/");
    await store.delete("c", "dir/", "directory", true);
    await store.rename("c", "top.txt", "moved.txt");
    assert.deepEqual(fake.calls.filter((c) => !c.startsWith("list")), [
      "upload c top.txt overwrite=true",
      "mkdirs c new/dir existOk=true",
      "delete c dir recursive=true",
      "rename c top.txt moved.txt",
    ]);
  });
});

describe("contentTypeFor", () => {
  it("guesses common text types and leaves the rest to the store", () => {
    assert.equal(contentTypeFor("a/b/notes.md"), "text/markdown");
    assert.equal(contentTypeFor("DATA.CSV"), "text/csv");
    assert.equal(contentTypeFor("x.json"), "application/json");
    assert.equal(contentTypeFor("x.parquet"), undefined);
    assert.equal(contentTypeFor(".bashrc"), undefined);
    assert.equal(contentTypeFor("Makefile"), undefined);
  });
});
