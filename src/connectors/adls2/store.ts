// The operations that differ between hierarchical-namespace accounts (dfs API: real directories,
// atomic rename, recursive delete) and flat ones (blob API: virtual directories, marker blobs).
export interface AdlsPath {
  /** Full path from the container root, without a trailing slash. */
  name: string;
  isDirectory: boolean;
  size: number;
  lastModified?: Date;
  etag?: string;
}

export interface AdlsPage {
  paths: AdlsPath[];
  /** Pass back as `continuationToken`; undefined on the last page. */
  nextToken?: string;
}

export interface PathProperties {
  isDirectory: boolean;
  size: number;
  etag?: string;
  lastModified?: Date;
  contentType?: string;
  metadata: Record<string, string>;
}

export interface UploadSettings {
  contentType?: string;
  metadata?: Record<string, string>;
  overwrite: boolean;
  chunkSize: number;
  concurrency: number;
  onBytes?: (loaded: number) => void;
}

export interface PathStore {
  readonly namespace: "hierarchical" | "flat";
  upload(container: string, path: string, data: Buffer | { file: string }, settings: UploadSettings, signal: AbortSignal): Promise<{ etag: string }>;
  listPage(container: string, directory: string, options: { recursive: boolean; pageSize: number; token?: string }, signal: AbortSignal): Promise<AdlsPage>;
  getProperties(container: string, path: string, signal: AbortSignal): Promise<PathProperties>;
  deletePath(container: string, path: string, recursive: boolean, signal: AbortSignal): Promise<void>;
  makeDirs(container: string, path: string, existOk: boolean, signal: AbortSignal): Promise<void>;
  rename(container: string, from: string, to: string, signal: AbortSignal): Promise<void>;
}

/** `a//b/` → `a/b`; `/` and `` → `` (the container root). */
export function normalizePath(path: string): string {
  return path.split("/").filter(Boolean).join("/");
}

/** An error shaped like the service's, so classification treats both stores alike. */
export function serviceError(statusCode: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { name: "RestError", statusCode, code, details: { errorCode: code } });
}
