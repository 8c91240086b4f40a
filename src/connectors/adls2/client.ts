// The ADLS Gen2 client: one API over hierarchical-namespace accounts (dfs) and flat ones (blob),
// detected from the account; every call classified, retried (transient, idempotent) and traced.
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Attributes } from "@opentelemetry/api";
import type { BlobServiceClient as BlobServiceClientType, StoragePipelineOptions as BlobPipelineOptions } from "@azure/storage-blob";
import type { DataLakeFileSystemClient, DataLakeServiceClient as DataLakeServiceClientType, StoragePipelineOptions } from "@azure/storage-file-datalake";
import { BlobServiceClient, DataLakeSASPermissions, DataLakeServiceClient, generateDataLakeSASQueryParameters, StorageSharedKeyCredential } from "./sdk";
import { ConnectorError, PermanentError } from "../errors";
import { Telemetry } from "../observability";
import { runWithPolicy, type CallOptions, type RetryPolicy } from "../retry";
import { localFiles, localPathFor, ProgressReporter, transferFiles, writeAtomically, writeStreamAt, type ProgressListener, type TransferResult } from "../transfer";
import type { Connector, DriverContext, TestReport } from "../types";
import { proxyOptions, resolveAccount, type Account } from "./account";
import type { Adls2Config } from "./config";
import { classifyAdlsError } from "./errors";
import { FlatStore } from "./flat";
import { HierarchicalStore } from "./hierarchical";
import { normalizePath, type AdlsPage, type AdlsPath, type PathProperties, type PathStore } from "./store";

export interface UploadOptions extends CallOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Replace an existing file (default true); false fails with PathAlreadyExists/BlobAlreadyExists. */
  overwrite?: boolean;
  chunkSize?: number;
  onProgress?: ProgressListener;
}

export interface ReadStream extends AsyncIterable<Uint8Array> {
  stream: Readable;
  contentLength: number;
  etag?: string;
  close(): void;
}

export class Adls2Connector implements Connector {
  readonly name: string;
  readonly profile: string;
  readonly driver: string;
  private readonly config: Adls2Config;
  private readonly context: DriverContext<Adls2Config>;
  private readonly telemetry: Telemetry;
  private readonly policy: RetryPolicy;
  private readonly account: Account;
  private readonly dfs: DataLakeServiceClientType;
  private readonly blob: BlobServiceClientType;
  private readonly dfsTransfer: DataLakeServiceClientType;
  private readonly blobTransfer: BlobServiceClientType;
  private storePromise: Promise<PathStore> | undefined;
  private closed = false;

  constructor(context: DriverContext<Adls2Config>) {
    this.context = context;
    this.name = context.name;
    this.profile = context.profile;
    this.driver = context.driver;
    this.config = context.config;
    this.account = resolveAccount(this.config, this.profile);
    this.policy = { attempts: this.config.retry.attempts, baseDelayMs: this.config.retry.baseDelay, maxDelayMs: this.config.retry.maxDelay, deadlineMs: this.config.retry.deadline };
    const proxy = proxyOptions(this.config.proxyUrl);
    const pipeline = (maxTries: number): StoragePipelineOptions & BlobPipelineOptions => ({
      retryOptions: { maxTries, tryTimeoutInMs: this.config.timeouts.request, retryDelayInMs: this.config.retry.baseDelay, maxRetryDelayInMs: this.config.retry.maxDelay },
      userAgentOptions: { userAgentPrefix: "auto-workflow-connectors" },
      ...(proxy ? { proxyOptions: proxy } : {}),
    });
    const { credential, sas, dfsUrl, blobUrl } = this.account;
    this.dfs = new DataLakeServiceClient(`${dfsUrl}${sas}`, credential, pipeline(1));
    this.dfsTransfer = new DataLakeServiceClient(`${dfsUrl}${sas}`, credential, pipeline(this.config.retry.attempts));
    this.blob = new BlobServiceClient(`${blobUrl}${sas}`, credential, pipeline(1));
    this.blobTransfer = new BlobServiceClient(`${blobUrl}${sas}`, credential, pipeline(this.config.retry.attempts));
    const url = new URL(dfsUrl);
    this.telemetry = new Telemetry(
      this.name,
      this.profile,
      { "cloud.provider": "azure", "rpc.system": "azure-storage", "server.address": url.hostname, "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)), "azure.storage.account": this.account.name },
      context.redactor,
      context.events,
      context.telemetry,
    );
  }

  /** dfs for hierarchical-namespace accounts, blob for flat ones: asked of the account once. */
  private store(signal: AbortSignal): Promise<PathStore> {
    this.storePromise ??= (async () => {
      let hierarchical = this.config.namespace === "hierarchical";
      if (this.config.namespace === "auto") {
        const info = await this.blob.getAccountInfo({ abortSignal: signal });
        hierarchical = info.isHierarchicalNamespaceEnabled === true;
      }
      this.telemetry.emit({ level: "info", event: "adls2.namespace", attributes: { namespace: hierarchical ? "hierarchical" : "flat" } });
      return hierarchical ? new HierarchicalStore(this.dfs, this.dfsTransfer) : new FlatStore(this.blob, this.blobTransfer);
    })().catch((error: unknown) => {
      this.storePromise = undefined;
      throw error;
    });
    return this.storePromise;
  }

  /** Which API this account is served through (after the first call, or detected now). */
  async namespace(options?: CallOptions): Promise<"hierarchical" | "flat"> {
    return this.run("namespace", true, options, {}, async (signal) => (await this.store(signal)).namespace);
  }

  private classify(error: unknown, operation: string, container?: string, p?: string): ConnectorError {
    return classifyAdlsError(error, { operation, redactor: this.context.redactor, account: this.account.name, ...(container !== undefined ? { container } : {}), ...(p !== undefined ? { path: p } : {}) });
  }

  private run<T>(operation: string, idempotent: boolean, options: CallOptions | undefined, target: { container?: string; path?: string }, fn: (signal: AbortSignal, annotate: (a: Attributes) => void) => Promise<T>): Promise<T> {
    if (this.closed) {
      return Promise.reject(new PermanentError(`adls2.${this.profile} is closed`, { connector: "adls2", operation, hint: "get a new client from the registry" }));
    }
    const attributes: Attributes = {};
    if (target.container !== undefined) attributes["azure.storage.container"] = target.container;
    if (target.path !== undefined) attributes["azure.storage.path"] = target.path;
    const call = options?.timeoutMs === undefined && this.config.timeouts.total > 0 ? { ...options, timeoutMs: this.config.timeouts.total } : options;
    return this.telemetry.operation(operation, attributes, (annotate) =>
      runWithPolicy((ctx) => fn(ctx.signal, annotate), {
        policy: this.policy,
        idempotent,
        call,
        classify: (error) => this.classify(error, operation, target.container, target.path),
        connector: "adls2",
        operation,
        onRetry: (error, attempt, delayMs) =>
          this.telemetry.emit({ level: "warn", event: `adls2.${operation}.retry`, operation, attempts: attempt, error: error.toJSON(), attributes: { delayMs } }),
      }),
    );
  }

  listContainers(options?: CallOptions): Promise<Array<{ name: string; lastModified?: Date }>> {
    return this.run("listContainers", true, options, {}, async (signal) => {
      const out: Array<{ name: string; lastModified?: Date }> = [];
      for await (const c of this.blob.listContainers({ abortSignal: signal })) out.push({ name: c.name, ...(c.properties.lastModified ? { lastModified: c.properties.lastModified } : {}) });
      return out;
    });
  }

  createContainer(container: string, options: CallOptions & { existOk?: boolean } = {}): Promise<void> {
    return this.run("createContainer", true, options, { container }, async (signal) => {
      const client = this.blob.getContainerClient(container);
      if (options.existOk) await client.createIfNotExists({ abortSignal: signal });
      else await client.create({ abortSignal: signal });
    });
  }

  /** Writes a file from memory; chunked above chunkSize. */
  uploadBytes(container: string, filePath: string, data: Uint8Array | string, options: UploadOptions = {}): Promise<{ etag: string }> {
    const buffer = typeof data === "string" ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return this.run("uploadBytes", true, options, { container, path: filePath }, async (signal, annotate) => {
      annotate({ "connector.bytes": buffer.length });
      const progress = new ProgressReporter(options.onProgress, { totalBytes: buffer.length, current: filePath });
      const store = await this.store(signal);
      return store.upload(container, filePath, buffer, this.uploadSettings(options, progress), signal);
    });
  }

  private uploadSettings(options: UploadOptions, progress: ProgressReporter) {
    let seen = 0;
    return {
      ...(options.contentType ? { contentType: options.contentType } : {}),
      ...(options.metadata ? { metadata: options.metadata } : {}),
      overwrite: options.overwrite ?? true,
      chunkSize: options.chunkSize ?? this.config.transfer.chunkSize,
      concurrency: this.config.transfer.concurrency,
      onBytes: (loaded: number) => {
        progress.add(loaded - seen);
        seen = loaded;
      },
    };
  }

  /** Uploads a local file in chunks, `transfer.concurrency` at a time. */
  uploadFile(file: string, container: string, filePath: string, options: UploadOptions = {}): Promise<{ etag: string; size: number }> {
    return this.run("uploadFile", true, options, { container, path: filePath }, async (signal, annotate) => {
      const { size } = await stat(file).catch((error: NodeJS.ErrnoException) => {
        throw new PermanentError(`cannot read ${file}: ${error.code ?? error.message}`, { connector: "adls2", operation: "uploadFile" });
      });
      annotate({ "connector.bytes": size });
      const progress = new ProgressReporter(options.onProgress, { totalBytes: size, current: filePath });
      const store = await this.store(signal);
      // Small files go in one request from memory (also what the SDK does; avoids an empty-file edge case).
      const data = size <= (options.chunkSize ?? this.config.transfer.chunkSize) ? await readFile(file, { signal }) : { file };
      const out = await store.upload(container, filePath, data, this.uploadSettings(options, progress), signal);
      progress.emit();
      return { ...out, size };
    });
  }

  /** Bytes of a file, or of `start`..`end` (inclusive). */
  downloadBytes(container: string, filePath: string, options: CallOptions & { start?: number; end?: number } = {}): Promise<Buffer> {
    return this.run("downloadBytes", true, options, { container, path: filePath }, async (signal, annotate) => {
      const offset = options.start ?? 0;
      const count = options.end !== undefined ? options.end - offset + 1 : undefined;
      const out = await this.blob.getContainerClient(container).getBlobClient(normalizePath(filePath)).download(offset, count, { abortSignal: signal });
      const chunks: Buffer[] = [];
      for await (const chunk of out.readableStreamBody as Readable) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      annotate({ "connector.bytes": data.length });
      return data;
    });
  }

  /** A file as a stream (bounded memory); call close() when stopping early. */
  downloadStream(container: string, filePath: string, options: CallOptions & { start?: number; end?: number } = {}): Promise<ReadStream> {
    return this.run("downloadStream", true, options, { container, path: filePath }, async (signal) => {
      const offset = options.start ?? 0;
      const count = options.end !== undefined ? options.end - offset + 1 : undefined;
      const out = await this.blob.getContainerClient(container).getBlobClient(normalizePath(filePath)).download(offset, count, { abortSignal: signal });
      const stream = out.readableStreamBody as Readable;
      return {
        stream,
        contentLength: out.contentLength ?? 0,
        ...(out.etag ? { etag: out.etag } : {}),
        close: () => stream.destroy(),
        [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator](),
      };
    });
  }

  /** Downloads to `file` through a temp file renamed into place (never a partial file at `file`). */
  downloadFile(container: string, filePath: string, file: string, options: CallOptions & { onProgress?: ProgressListener } = {}): Promise<{ size: number; etag?: string }> {
    return this.run("downloadFile", true, options, { container, path: filePath }, async (signal, annotate) => {
      const out = await this.blob.getContainerClient(container).getBlobClient(normalizePath(filePath)).download(0, undefined, { abortSignal: signal });
      const size = out.contentLength ?? 0;
      annotate({ "connector.bytes": size });
      const progress = new ProgressReporter(options.onProgress, { totalBytes: size, current: filePath });
      await writeAtomically(file, async (handle) => {
        const written = await writeStreamAt(handle, out.readableStreamBody as Readable, 0, (n) => progress.add(n));
        if (written !== size) throw Object.assign(new Error(`download ended after ${written} of ${size} bytes`), { code: "ERR_STREAM_PREMATURE_CLOSE" });
      });
      progress.emit();
      return { size, ...(out.etag ? { etag: out.etag } : {}) };
    });
  }

  /** One page of a directory listing (the sidebar pages with this). */
  listPage(container: string, directory: string, options: CallOptions & { recursive?: boolean; pageSize?: number; continuationToken?: string } = {}): Promise<AdlsPage> {
    return this.run("listPaths", true, options, { container, path: directory }, async (signal, annotate) => {
      const store = await this.store(signal);
      const page = await store.listPage(container, directory, { recursive: options.recursive ?? false, pageSize: options.pageSize ?? 1000, ...(options.continuationToken ? { token: options.continuationToken } : {}) }, signal);
      annotate({ "connector.entries": page.paths.length });
      return page;
    });
  }

  /** Every path below `directory` (recursive by default), across all pages. */
  async *listPaths(container: string, directory = "", options: CallOptions & { recursive?: boolean; pageSize?: number } = {}): AsyncGenerator<AdlsPath, void, undefined> {
    let token: string | undefined;
    do {
      const page = await this.listPage(container, directory, { ...options, recursive: options.recursive ?? true, ...(token ? { continuationToken: token } : {}) });
      yield* page.paths;
      token = page.nextToken;
    } while (token);
  }

  getProperties(container: string, filePath: string, options?: CallOptions): Promise<PathProperties> {
    return this.run("getProperties", true, options, { container, path: filePath }, async (signal) => (await this.store(signal)).getProperties(container, filePath, signal));
  }

  async exists(container: string, filePath: string, options?: CallOptions): Promise<boolean> {
    try {
      await this.getProperties(container, filePath, options);
      return true;
    } catch (error) {
      if (error instanceof ConnectorError && error.kind === "notFound") return false;
      throw error;
    }
  }

  /** Deletes a file, or a directory (`recursive` for a non-empty one). */
  deletePath(container: string, filePath: string, options: CallOptions & { recursive?: boolean } = {}): Promise<void> {
    return this.run("deletePath", true, options, { container, path: filePath }, async (signal) => (await this.store(signal)).deletePath(container, filePath, options.recursive ?? false, signal));
  }

  /** Creates a directory and its parents; `existOk` (default true) accepts one that exists. */
  makeDirs(container: string, dirPath: string, options: CallOptions & { existOk?: boolean } = {}): Promise<void> {
    return this.run("makeDirs", true, options, { container, path: dirPath }, async (signal) => (await this.store(signal)).makeDirs(container, dirPath, options.existOk ?? true, signal));
  }

  /** Renames a file or directory (atomic with a hierarchical namespace; copy + delete on flat accounts). */
  rename(container: string, from: string, to: string, options?: CallOptions): Promise<void> {
    return this.run("rename", false, options, { container, path: from }, async (signal) => (await this.store(signal)).rename(container, from, to, signal));
  }

  /** A read-only SAS URL for one file (needs the account key). */
  sasUrl(container: string, filePath: string, options: { expiresInS?: number } = {}): Promise<string> {
    return this.run("sasUrl", true, {}, { container, path: filePath }, async () => {
      const credential = this.account.credential;
      if (!(credential instanceof StorageSharedKeyCredential)) {
        throw new PermanentError("SAS URLs need the account key for this profile", { connector: "adls2", operation: "sasUrl", hint: "set accountKey or a connection string with AccountKey" });
      }
      const p = normalizePath(filePath);
      const sas = generateDataLakeSASQueryParameters(
        { fileSystemName: container, pathName: p, permissions: DataLakeSASPermissions.parse("r"), startsOn: new Date(Date.now() - 60_000), expiresOn: new Date(Date.now() + (options.expiresInS ?? 3600) * 1000) },
        credential,
      ).toString();
      return `${this.account.blobUrl}/${encodeURIComponent(container)}/${p.split("/").map(encodeURIComponent).join("/")}?${sas}`;
    });
  }

  /** Uploads every file below `dir` into `prefix`, `concurrency` files at a time. */
  uploadDirectory(dir: string, container: string, prefix: string, options: UploadOptions & { concurrency?: number } = {}): Promise<TransferResult> {
    return this.run("uploadDirectory", false, options, { container, path: prefix }, async (signal) => {
      const base = normalizePath(prefix);
      return transferFiles(await localFiles(dir), options.concurrency ?? 4, signal, options.onProgress, (file, onProgress) =>
        this.uploadFile(file.path, container, base ? `${base}/${file.name}` : file.name, { ...options, signal, onProgress }),
      );
    });
  }

  /** Downloads everything below `prefix` into `dir`; every path is checked against `dir` before anything is written. */
  downloadPrefix(container: string, prefix: string, dir: string, options: CallOptions & { onProgress?: ProgressListener; concurrency?: number } = {}): Promise<TransferResult> {
    return this.run("downloadPrefix", false, options, { container, path: prefix }, async (signal) => {
      const base = normalizePath(prefix);
      const files: Array<{ name: string; target: string; size: number }> = [];
      const folders: string[] = [];
      for await (const entry of this.listPaths(container, base, { recursive: true, signal })) {
        const rel = base ? entry.name.slice(base.length).replace(/^\/+/, "") : entry.name;
        if (!rel) continue;
        if (entry.isDirectory) folders.push(localPathFor(dir, rel, "adls2"));
        else files.push({ name: entry.name, target: localPathFor(dir, rel, "adls2"), size: entry.size });
      }
      await mkdir(path.resolve(dir), { recursive: true });
      for (const folder of folders) await mkdir(folder, { recursive: true });
      return transferFiles(files, options.concurrency ?? 4, signal, options.onProgress, (item, onProgress) => this.downloadFile(container, item.name, item.target, { signal, onProgress }));
    });
  }

  /** Asks the account for its kind (and the profile's container, if set): latency, API version, identity. */
  test(options?: CallOptions): Promise<TestReport> {
    return this.run("test", true, options, {}, async (signal) => {
      const started = performance.now();
      const info = await this.blob.getAccountInfo({ abortSignal: signal });
      const latencyMs = Math.round((performance.now() - started) * 100) / 100;
      if (this.config.container) await this.blob.getContainerClient(this.config.container).getProperties({ abortSignal: signal });
      const url = new URL(this.account.dfsUrl);
      return {
        ok: true as const,
        latencyMs,
        ...(info.version ? { serverVersion: `Azure Storage API ${info.version}` } : {}),
        endpoint: this.account.dfsUrl,
        tls: { enabled: url.protocol === "https:" },
        identity: `${this.account.name} (${this.account.kind})`,
        details: {
          namespace: info.isHierarchicalNamespaceEnabled ? "hierarchical" : "flat",
          ...(info.skuName ? { sku: info.skuName } : {}),
          ...(info.accountKind ? { accountKind: info.accountKind } : {}),
          ...(this.config.container ? { container: this.config.container } : {}),
        },
      };
    });
  }

  serviceClient(): DataLakeServiceClientType {
    return this.dfs;
  }

  blobServiceClient(): BlobServiceClientType {
    return this.blob;
  }

  fileSystemClient(container: string): DataLakeFileSystemClient {
    return this.dfs.getFileSystemClient(container);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  isClosed(): boolean {
    return this.closed;
  }
}
