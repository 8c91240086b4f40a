// Flat namespace: the blob API of @azure/storage-blob, with directories as `hdi_isfolder` marker
// blobs and prefixes (the convention Azure tools share), rename as copy + delete.
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import { forEachConcurrent } from "../transfer";
import { normalizePath, serviceError, type AdlsPage, type AdlsPath, type PathProperties, type PathStore, type UploadSettings } from "./store";

const FOLDER = { hdi_isfolder: "true" };

export class FlatStore implements PathStore {
  readonly namespace = "flat" as const;

  constructor(
    private readonly service: BlobServiceClient,
    private readonly transfer: BlobServiceClient,
  ) {}

  private container(name: string): ContainerClient {
    return this.service.getContainerClient(name);
  }

  async upload(container: string, path: string, data: Buffer | { file: string }, settings: UploadSettings, signal: AbortSignal): Promise<{ etag: string }> {
    const blob = this.transfer.getContainerClient(container).getBlockBlobClient(normalizePath(path));
    const options = {
      abortSignal: signal,
      blockSize: settings.chunkSize,
      maxSingleShotSize: settings.chunkSize,
      concurrency: settings.concurrency,
      ...(settings.contentType ? { blobHTTPHeaders: { blobContentType: settings.contentType } } : {}),
      ...(settings.metadata ? { metadata: settings.metadata } : {}),
      ...(settings.overwrite ? {} : { conditions: { ifNoneMatch: "*" } }),
      ...(settings.onBytes ? { onProgress: (p: { loadedBytes: number }) => settings.onBytes!(p.loadedBytes) } : {}),
    };
    const out = Buffer.isBuffer(data) ? await blob.uploadData(data, options) : await blob.uploadFile(data.file, options);
    return { etag: out.etag ?? "" };
  }

  async listPage(container: string, directory: string, options: { recursive: boolean; pageSize: number; token?: string }, signal: AbortSignal): Promise<AdlsPage> {
    const dir = normalizePath(directory);
    const prefix = dir ? `${dir}/` : "";
    const client = this.container(container);
    const paging = { maxPageSize: options.pageSize, ...(options.token ? { continuationToken: options.token } : {}) };
    const paths: AdlsPath[] = [];
    let nextToken: string | undefined;
    if (options.recursive) {
      const next = await client.listBlobsFlat({ prefix, includeMetadata: true, abortSignal: signal }).byPage(paging).next();
      if (!next.done) {
        for (const b of next.value.segment.blobItems) paths.push(toPath(b));
        nextToken = next.value.continuationToken || undefined;
      }
    } else {
      const next = await client.listBlobsByHierarchy("/", { prefix, includeMetadata: true, abortSignal: signal }).byPage(paging).next();
      if (!next.done) {
        const seen = new Set<string>();
        for (const p of next.value.segment.blobPrefixes ?? []) {
          const name = p.name.replace(/\/$/, "");
          seen.add(name);
          paths.push({ name, isDirectory: true, size: 0 });
        }
        for (const b of next.value.segment.blobItems) {
          const item = toPath(b);
          if (item.isDirectory && seen.has(item.name)) continue;
          paths.push(item);
        }
        nextToken = next.value.continuationToken || undefined;
      }
    }
    paths.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { paths, ...(nextToken ? { nextToken } : {}) };
  }

  async getProperties(container: string, path: string, signal: AbortSignal): Promise<PathProperties> {
    const p = normalizePath(path);
    if (!p) throw serviceError(400, "InvalidPath", "the container root has no properties of a path");
    try {
      const out = await this.container(container).getBlobClient(p).getProperties({ abortSignal: signal });
      const metadata = out.metadata ?? {};
      return {
        isDirectory: metadata["hdi_isfolder"] === "true",
        size: out.contentLength ?? 0,
        ...(out.etag ? { etag: out.etag } : {}),
        ...(out.lastModified ? { lastModified: out.lastModified } : {}),
        ...(out.contentType ? { contentType: out.contentType } : {}),
        metadata,
      };
    } catch (error) {
      // A virtual directory has no blob of its own, only blobs below it.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      if (await this.hasChildren(container, p, signal)) return { isDirectory: true, size: 0, metadata: {} };
      throw serviceError(404, "PathNotFound", `${container}/${p} does not exist`);
    }
  }

  private async hasChildren(container: string, dir: string, signal: AbortSignal): Promise<boolean> {
    const next = await this.container(container).listBlobsFlat({ prefix: `${dir}/`, abortSignal: signal }).byPage({ maxPageSize: 1 }).next();
    return !next.done && next.value.segment.blobItems.length > 0;
  }

  private async *blobsBelow(container: string, dir: string, signal: AbortSignal): AsyncGenerator<string> {
    for await (const blob of this.container(container).listBlobsFlat({ prefix: `${dir}/`, abortSignal: signal })) yield blob.name;
  }

  async deletePath(container: string, path: string, recursive: boolean, signal: AbortSignal): Promise<void> {
    const p = normalizePath(path);
    const props = await this.getProperties(container, p, signal);
    const client = this.container(container);
    if (props.isDirectory) {
      if (!recursive && (await this.hasChildren(container, p, signal))) throw serviceError(409, "DirectoryNotEmpty", `${container}/${p} is not empty`);
      await forEachConcurrent(this.blobsBelow(container, p, signal), 16, async (name) => void (await client.deleteBlob(name, { abortSignal: signal })), signal);
    }
    await client.deleteBlob(p, { abortSignal: signal }).catch((error: { statusCode?: number }) => {
      if (!(props.isDirectory && error.statusCode === 404)) throw error;
    });
  }

  async makeDirs(container: string, path: string, existOk: boolean, signal: AbortSignal): Promise<void> {
    const parts = normalizePath(path).split("/");
    const client = this.container(container);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      const last = i === parts.length;
      try {
        const props = await this.getProperties(container, dir, signal);
        if (!props.isDirectory) throw serviceError(409, "PathConflict", `${container}/${dir} exists and is a file`);
        if (last && !existOk) throw serviceError(409, "PathAlreadyExists", `${container}/${dir} already exists`);
        if (Object.keys(props.metadata).length > 0 || props.etag) continue; // has its marker already
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      }
      await client.getBlockBlobClient(dir).upload("", 0, { metadata: FOLDER, abortSignal: signal });
    }
  }

  async rename(container: string, from: string, to: string, signal: AbortSignal): Promise<void> {
    const source = normalizePath(from);
    const target = normalizePath(to);
    const props = await this.getProperties(container, source, signal);
    const client = this.container(container);
    const move = async (name: string, newName: string): Promise<void> => {
      const poller = await client.getBlobClient(newName).beginCopyFromURL(client.getBlobClient(name).url, { abortSignal: signal });
      await poller.pollUntilDone();
      await client.deleteBlob(name, { abortSignal: signal });
    };
    if (props.isDirectory) {
      const names: string[] = [];
      for await (const name of this.blobsBelow(container, source, signal)) names.push(name);
      await forEachConcurrent(names, 8, (name) => move(name, target + name.slice(source.length)), signal);
      if (props.etag) await move(source, target);
    } else {
      await move(source, target);
    }
  }
}

function toPath(b: { name: string; metadata?: Record<string, string>; properties: { contentLength?: number; lastModified?: Date; etag?: string } }): AdlsPath {
  return {
    name: b.name,
    isDirectory: b.metadata?.["hdi_isfolder"] === "true",
    size: b.properties.contentLength ?? 0,
    ...(b.properties.lastModified ? { lastModified: b.properties.lastModified } : {}),
    ...(b.properties.etag ? { etag: b.properties.etag } : {}),
  };
}
