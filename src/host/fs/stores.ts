// One small API over S3 buckets and ADLS2 containers for the file system providers: stat, one-level
// listings, whole-object reads and writes, folders, deletes. No VS Code here; the connectors are
// reached through the structural interfaces below (which S3Connector / Adls2Connector satisfy), so
// the same code runs on a client from another bundle (or a fake in unit tests).
import type { S3Entry } from "../../connectors/s3/client";
import type { AdlsPath } from "../../connectors/adls2/store";
import { FsFailure, isNotFound } from "./decisions";
import { baseName, directoryKey, trimSlashes } from "./objectUri";

export interface StoreStat {
  type: "file" | "directory";
  size: number;
  /** Last modification, ms since the epoch (0 when unknown). */
  mtime: number;
  etag?: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface StoreEntry {
  name: string;
  type: "file" | "directory";
}

export type ReadResult = { data: Uint8Array; etag?: string; size: number } | { tooLarge: number };

export interface WriteOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface ObjectStore {
  /** Buckets / containers. */
  roots(): Promise<string[]>;
  /** The object or directory at `key` ("" = the bucket itself); undefined when there is none. */
  stat(bucket: string, key: string): Promise<StoreStat | undefined>;
  /** One level below `key` ("" = the bucket root), every page; FsFailure FileNotFound when there is no such directory. */
  list(bucket: string, key: string): Promise<StoreEntry[]>;
  /** The whole object, unless it is larger than `maxBytes` (then only its size). */
  read(bucket: string, key: string, maxBytes: number): Promise<ReadResult>;
  write(bucket: string, key: string, data: Uint8Array, options: WriteOptions): Promise<{ etag?: string }>;
  mkdir(bucket: string, key: string): Promise<void>;
  delete(bucket: string, key: string, type: "file" | "directory", recursive: boolean): Promise<void>;
  /** Native rename within one bucket, when the backend has one. */
  rename?(bucket: string, from: string, to: string): Promise<void>;
}

// ------------------------------------------------------------------------------------------------
// S3

interface BodyLike extends AsyncIterable<Uint8Array> {
  size: number;
  etag?: string;
  close(): void;
}

/** The part of S3Connector the file system uses. */
export interface S3Api {
  listBuckets(): Promise<Array<{ name: string }>>;
  listPage(bucket: string, prefix: string, options: { recursive?: boolean; pageSize?: number; continuationToken?: string }): Promise<{ entries: S3Entry[]; nextToken?: string }>;
  headObject(bucket: string, key: string): Promise<{ size: number; etag?: string; lastModified?: Date; contentType?: string; metadata: Record<string, string> }>;
  getObject(bucket: string, key: string): Promise<BodyLike>;
  putObject(bucket: string, key: string, body: Uint8Array, options: WriteOptions): Promise<{ etag: string }>;
  deleteObject(bucket: string, key: string): Promise<void>;
  deletePrefix(bucket: string, prefix: string): Promise<number>;
}

/** Reads a body, retrying once when the stream (not the request, which the connector retries) breaks. */
async function collect(open: () => Promise<BodyLike>, maxBytes: number): Promise<ReadResult> {
  for (let attempt = 1; ; attempt++) {
    const body = await open();
    if (body.size > maxBytes) {
      body.close();
      return { tooLarge: body.size };
    }
    try {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      const data = Buffer.concat(chunks);
      return { data, size: data.length, ...(body.etag ? { etag: body.etag } : {}) };
    } catch (error) {
      body.close();
      if (attempt >= 2 || (error as { kind?: unknown }).kind !== undefined) throw error;
    }
  }
}

export class S3Store implements ObjectStore {
  constructor(private readonly s3: S3Api) {}

  async roots(): Promise<string[]> {
    return (await this.s3.listBuckets()).map((b) => b.name);
  }

  private async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.s3.listPage(bucket, "", { recursive: false, pageSize: 1 });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Whether anything (a folder marker included) lies below `prefix`. */
  private async hasAnyBelow(bucket: string, prefix: string): Promise<boolean> {
    try {
      // Recursive: a zero-byte `dir/` marker (an empty folder) counts, unlike in delimiter listings.
      const page = await this.s3.listPage(bucket, prefix, { recursive: true, pageSize: 1 });
      return page.entries.length > 0;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async stat(bucket: string, key: string): Promise<StoreStat | undefined> {
    const name = trimSlashes(key);
    if (name === "") return (await this.bucketExists(bucket)) ? { type: "directory", size: 0, mtime: 0 } : undefined;
    // `dir/` addresses only the folder; `name` may be an object (which wins) or a folder.
    if (!key.endsWith("/")) {
      try {
        const head = await this.s3.headObject(bucket, name);
        return {
          type: "file",
          size: head.size,
          mtime: head.lastModified?.getTime() ?? 0,
          ...(head.etag ? { etag: head.etag } : {}),
          ...(head.contentType ? { contentType: head.contentType } : {}),
          metadata: head.metadata,
        };
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return (await this.hasAnyBelow(bucket, `${name}/`)) ? { type: "directory", size: 0, mtime: 0 } : undefined;
  }

  async list(bucket: string, key: string): Promise<StoreEntry[]> {
    const prefix = directoryKey(key);
    const found = new Map<string, StoreEntry["type"]>();
    let token: string | undefined;
    do {
      const page = await this.s3.listPage(bucket, prefix, { recursive: false, ...(token ? { continuationToken: token } : {}) });
      for (const entry of page.entries) {
        if (!entry.key.startsWith(prefix)) continue;
        const rest = entry.key.slice(prefix.length);
        if (entry.type === "prefix") {
          const name = rest.replace(/\/$/, "");
          // `a//b` makes a prefix `a//` whose name would be empty: not reachable as a path segment.
          if (name !== "" && !name.includes("/") && !found.has(name)) found.set(name, "directory");
        } else if (rest !== "" && !rest.includes("/")) {
          found.set(rest, "file"); // an object wins over a folder of the same name, as in stat
        }
      }
      token = page.nextToken;
    } while (token);
    if (found.size === 0 && prefix !== "") await this.assertDirectory(bucket, key);
    return [...found].map(([name, type]) => ({ name, type }));
  }

  private async assertDirectory(bucket: string, key: string): Promise<void> {
    const stat = await this.stat(bucket, directoryKey(key));
    if (!stat) throw new FsFailure("FileNotFound", `s3://${bucket}/${trimSlashes(key)} does not exist`);
  }

  read(bucket: string, key: string, maxBytes: number): Promise<ReadResult> {
    return collect(() => this.s3.getObject(bucket, key), maxBytes);
  }

  async write(bucket: string, key: string, data: Uint8Array, options: WriteOptions): Promise<{ etag?: string }> {
    let { etag } = await this.s3.putObject(bucket, key, data, options);
    // Some stores answer without an ETag; the object's own is what the next save compares with.
    if (!etag) etag = (await this.s3.headObject(bucket, key)).etag ?? "";
    return etag ? { etag } : {};
  }

  async mkdir(bucket: string, key: string): Promise<void> {
    await this.s3.putObject(bucket, directoryKey(key), new Uint8Array(0), {});
  }

  async delete(bucket: string, key: string, type: "file" | "directory", recursive: boolean): Promise<void> {
    if (type === "file") {
      await this.s3.deleteObject(bucket, trimSlashes(key));
      return;
    }
    const prefix = directoryKey(key);
    if (!recursive) {
      const page = await this.s3.listPage(bucket, prefix, { recursive: true, pageSize: 2 });
      if (page.entries.some((e) => e.key !== prefix)) throw new FsFailure("NoPermissions", `s3://${bucket}/${prefix} is not empty`);
    }
    await this.s3.deletePrefix(bucket, prefix);
  }
}

// ------------------------------------------------------------------------------------------------
// ADLS Gen2

/** The part of Adls2Connector the file system uses. */
export interface AdlsApi {
  listContainers(): Promise<Array<{ name: string }>>;
  listPage(container: string, directory: string, options: { recursive?: boolean; pageSize?: number; continuationToken?: string }): Promise<{ paths: AdlsPath[]; nextToken?: string }>;
  getProperties(container: string, path: string): Promise<{ isDirectory: boolean; size: number; etag?: string; lastModified?: Date; contentType?: string; metadata: Record<string, string> }>;
  downloadStream(container: string, path: string): Promise<AsyncIterable<Uint8Array> & { contentLength: number; etag?: string; close(): void }>;
  uploadBytes(container: string, path: string, data: Uint8Array, options: WriteOptions & { overwrite?: boolean }): Promise<{ etag: string }>;
  deletePath(container: string, path: string, options: { recursive?: boolean }): Promise<void>;
  makeDirs(container: string, path: string, options: { existOk?: boolean }): Promise<void>;
  rename(container: string, from: string, to: string): Promise<void>;
}

export class AdlsStore implements ObjectStore {
  constructor(private readonly adls: AdlsApi) {}

  async roots(): Promise<string[]> {
    return (await this.adls.listContainers()).map((c) => c.name);
  }

  private async containerExists(container: string): Promise<boolean> {
    try {
      await this.adls.listPage(container, "", { recursive: false, pageSize: 1 });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async stat(container: string, path: string): Promise<StoreStat | undefined> {
    const name = trimSlashes(path);
    if (name === "") return (await this.containerExists(container)) ? { type: "directory", size: 0, mtime: 0 } : undefined;
    try {
      const props = await this.adls.getProperties(container, name);
      if (props.isDirectory) return { type: "directory", size: 0, mtime: props.lastModified?.getTime() ?? 0 };
      if (path.endsWith("/")) return undefined; // `file/` is not a folder
      return {
        type: "file",
        size: props.size,
        mtime: props.lastModified?.getTime() ?? 0,
        ...(props.etag ? { etag: props.etag } : {}),
        ...(props.contentType ? { contentType: props.contentType } : {}),
        metadata: props.metadata,
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(container: string, path: string): Promise<StoreEntry[]> {
    const dir = trimSlashes(path);
    const prefix = directoryKey(dir);
    const found = new Map<string, StoreEntry["type"]>();
    let token: string | undefined;
    do {
      const page = await this.adls.listPage(container, dir, { recursive: false, ...(token ? { continuationToken: token } : {}) });
      for (const p of page.paths) {
        const rest = p.name.startsWith(prefix) ? p.name.slice(prefix.length) : baseName(p.name);
        if (rest === "" || rest.includes("/")) continue;
        if (!found.has(rest) || !p.isDirectory) found.set(rest, p.isDirectory ? "directory" : "file");
      }
      token = page.nextToken;
    } while (token);
    if (found.size === 0 && dir !== "") {
      const stat = await this.stat(container, `${dir}/`);
      if (!stat) throw new FsFailure("FileNotFound", `abfss://${container}/${dir} does not exist`);
    }
    return [...found].map(([name, type]) => ({ name, type }));
  }

  read(container: string, path: string, maxBytes: number): Promise<ReadResult> {
    return collect(async () => {
      const stream = await this.adls.downloadStream(container, trimSlashes(path));
      return Object.assign(stream, { size: stream.contentLength });
    }, maxBytes);
  }

  async write(container: string, path: string, data: Uint8Array, options: WriteOptions): Promise<{ etag?: string }> {
    const { etag } = await this.adls.uploadBytes(container, trimSlashes(path), data, { ...options, overwrite: true });
    return etag ? { etag } : {};
  }

  mkdir(container: string, path: string): Promise<void> {
    return this.adls.makeDirs(container, trimSlashes(path), { existOk: true });
  }

  delete(container: string, path: string, _type: "file" | "directory", recursive: boolean): Promise<void> {
    return this.adls.deletePath(container, trimSlashes(path), { recursive });
  }

  rename(container: string, from: string, to: string): Promise<void> {
    return this.adls.rename(container, trimSlashes(from), trimSlashes(to));
  }
}

// ------------------------------------------------------------------------------------------------

const TEXT_TYPES: Record<string, string> = {
  txt: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/json",
  jsonl: "application/x-ndjson",
  ndjson: "application/x-ndjson",
  xml: "application/xml",
  yaml: "application/yaml",
  yml: "application/yaml",
  toml: "application/toml",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  js: "text/javascript",
  mjs: "text/javascript",
  sql: "application/sql",
  py: "text/x-python",
  sh: "text/x-shellscript",
  svg: "image/svg+xml",
};

/** A Content-Type for a new object, from its extension (undefined: let the store pick its default). */
export function contentTypeFor(key: string): string | undefined {
  const name = baseName(key);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return undefined;
  return TEXT_TYPES[name.slice(dot + 1).toLowerCase()];
}
