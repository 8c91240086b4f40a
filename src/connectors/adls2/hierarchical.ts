// Hierarchical namespace: the dfs API of @azure/storage-file-datalake.
import type { DataLakeServiceClient } from "@azure/storage-file-datalake";
import { normalizePath, serviceError, type AdlsPage, type PathProperties, type PathStore, type UploadSettings } from "./store";

export class HierarchicalStore implements PathStore {
  readonly namespace = "hierarchical" as const;

  /** `service` for single requests (the connector retries); `transfer` retries each chunk itself. */
  constructor(
    private readonly service: DataLakeServiceClient,
    private readonly transfer: DataLakeServiceClient,
  ) {}

  async upload(container: string, path: string, data: Buffer | { file: string }, settings: UploadSettings, signal: AbortSignal): Promise<{ etag: string }> {
    const file = this.transfer.getFileSystemClient(container).getFileClient(normalizePath(path));
    const options = {
      abortSignal: signal,
      chunkSize: settings.chunkSize,
      // Without it the SDK sends up to 100 MiB as one append, whatever chunkSize says.
      singleUploadThreshold: settings.chunkSize,
      maxConcurrency: settings.concurrency,
      ...(settings.contentType ? { pathHttpHeaders: { contentType: settings.contentType } } : {}),
      ...(settings.metadata ? { metadata: settings.metadata } : {}),
      ...(settings.overwrite ? {} : { conditions: { ifNoneMatch: "*" } }),
      ...(settings.onBytes ? { onProgress: (p: { loadedBytes: number }) => settings.onBytes!(p.loadedBytes) } : {}),
    };
    const out = Buffer.isBuffer(data) ? await file.upload(data, options) : await file.uploadFile(data.file, options);
    return { etag: out.etag ?? "" };
  }

  async listPage(container: string, directory: string, options: { recursive: boolean; pageSize: number; token?: string }, signal: AbortSignal): Promise<AdlsPage> {
    const dir = normalizePath(directory);
    const pages = this.service
      .getFileSystemClient(container)
      .listPaths({ recursive: options.recursive, abortSignal: signal, ...(dir ? { path: dir } : {}) })
      .byPage({ maxPageSize: options.pageSize, ...(options.token ? { continuationToken: options.token } : {}) });
    const next = await pages.next();
    if (next.done) return { paths: [] };
    const page = next.value;
    return {
      paths: (page.pathItems ?? []).map((p) => ({
        name: p.name ?? "",
        isDirectory: p.isDirectory === true,
        size: p.contentLength ?? 0,
        ...(p.lastModified ? { lastModified: p.lastModified } : {}),
        ...(p.etag ? { etag: p.etag } : {}),
      })),
      ...(page.continuation ? { nextToken: page.continuation } : {}),
    };
  }

  async getProperties(container: string, path: string, signal: AbortSignal): Promise<PathProperties> {
    const p = normalizePath(path);
    if (!p) throw serviceError(400, "InvalidPath", "the container root has no properties of a path");
    const out = await this.service.getFileSystemClient(container).getFileClient(p).getProperties({ abortSignal: signal });
    const metadata = out.metadata ?? {};
    return {
      isDirectory: metadata["hdi_isfolder"] === "true" || (out as { isDirectory?: boolean }).isDirectory === true,
      size: out.contentLength ?? 0,
      ...(out.etag ? { etag: out.etag } : {}),
      ...(out.lastModified ? { lastModified: out.lastModified } : {}),
      ...(out.contentType ? { contentType: out.contentType } : {}),
      metadata,
    };
  }

  async deletePath(container: string, path: string, recursive: boolean, signal: AbortSignal): Promise<void> {
    const props = await this.getProperties(container, path, signal);
    const fs = this.service.getFileSystemClient(container);
    if (props.isDirectory) await fs.getDirectoryClient(normalizePath(path)).delete(recursive, { abortSignal: signal });
    else await fs.getFileClient(normalizePath(path)).delete(false, { abortSignal: signal });
  }

  async makeDirs(container: string, path: string, existOk: boolean, signal: AbortSignal): Promise<void> {
    const dir = this.service.getFileSystemClient(container).getDirectoryClient(normalizePath(path));
    if (existOk) {
      await dir.createIfNotExists({ abortSignal: signal });
      const props = await this.getProperties(container, path, signal);
      if (!props.isDirectory) throw serviceError(409, "PathConflict", `${path} exists and is a file`);
    } else {
      await dir.create({ abortSignal: signal, conditions: { ifNoneMatch: "*" } });
    }
  }

  async rename(container: string, from: string, to: string, signal: AbortSignal): Promise<void> {
    const props = await this.getProperties(container, from, signal);
    const fs = this.service.getFileSystemClient(container);
    const source = props.isDirectory ? fs.getDirectoryClient(normalizePath(from)) : fs.getFileClient(normalizePath(from));
    await source.move(normalizePath(to), { abortSignal: signal });
  }
}
