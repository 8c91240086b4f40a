// What S3 and ADLS2 transfers share: bounded concurrency, progress, the local-path guard for
// downloads, walking a local tree for uploads, and writing files atomically (temp file + rename).
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { PermanentError } from "./errors";

export interface TransferProgress {
  /** Bytes moved so far, and in all (when known). */
  bytes: number;
  totalBytes?: number;
  /** Files done so far, and in all (directory transfers). */
  files: number;
  totalFiles?: number;
  /** The file or key being moved most recently. */
  current?: string;
}

export type ProgressListener = (progress: TransferProgress) => void;

export interface TransferResult {
  files: number;
  bytes: number;
}

/** Run `worker` over `items` with at most `concurrency` at a time; the first failure stops new work and is thrown. */
export async function forEachConcurrent<T>(items: Iterable<T> | AsyncIterable<T>, concurrency: number, worker: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const iterator = (Symbol.asyncIterator in Object(items) ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]()) as AsyncIterator<T> | Iterator<T>;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure) {
      if (signal?.aborted) throw signal.reason;
      const next = await iterator.next();
      if (next.done) return;
      try {
        await worker(next.value);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  if (failure) throw failure.error;
}

/** Throttles progress callbacks to at most one per `intervalMs` (plus the final one). */
export class ProgressReporter {
  private last = 0;
  readonly state: TransferProgress;
  constructor(
    private readonly listener: ProgressListener | undefined,
    initial: Partial<TransferProgress> = {},
    private readonly intervalMs = 100,
  ) {
    this.state = { bytes: 0, files: 0, ...initial };
  }
  add(bytes: number, current?: string): void {
    this.state.bytes += bytes;
    if (current !== undefined) this.state.current = current;
    this.emit(false);
  }
  fileDone(current?: string): void {
    this.state.files += 1;
    if (current !== undefined) this.state.current = current;
    this.emit(false);
  }
  emit(force = true): void {
    if (!this.listener) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    this.listener({ ...this.state });
  }
}

/** One file of a directory transfer: its name (for progress) and size. */
export interface FileTransfer {
  name: string;
  size: number;
}

/**
 * Move many files, `concurrency` at a time, with one progress for all: `move` transfers one file and
 * reports that file's own progress; this turns it into bytes and files of the whole.
 */
export async function transferFiles<T extends FileTransfer>(items: readonly T[], concurrency: number, signal: AbortSignal, onProgress: ProgressListener | undefined, move: (item: T, onProgress: ProgressListener) => Promise<unknown>): Promise<TransferResult> {
  const progress = new ProgressReporter(onProgress, { totalFiles: items.length, totalBytes: items.reduce((n, item) => n + item.size, 0) });
  await forEachConcurrent(
    items,
    concurrency,
    async (item) => {
      let seen = 0;
      await move(item, (p) => {
        progress.add(p.bytes - seen, item.name);
        seen = p.bytes;
      });
      progress.fileDone(item.name);
    },
    signal,
  );
  progress.emit();
  return { files: progress.state.files, bytes: progress.state.bytes };
}

/** Every regular file below `dir` with its size, as `{ path, name, size }` (name: relative, `/`-separated). */
export async function localFiles(dir: string): Promise<Array<FileTransfer & { path: string }>> {
  const files: Array<FileTransfer & { path: string }> = [];
  for await (const [full, rel] of walkFiles(dir)) files.push({ path: full, name: rel, size: (await stat(full)).size });
  return files;
}

/**
 * Where an object key lands under `dir`, or a PermanentError when it would land outside it
 * (`../x`, `/abs`, `a/../../b`, drive letters, backslash tricks) — checked before anything is written.
 */
export function localPathFor(dir: string, relativeKey: string, connector: string): string {
  const root = path.resolve(dir);
  const refuse = (why: string): never => {
    throw new PermanentError(`refusing to download "${relativeKey}": ${why}; nothing was written`, {
      connector,
      operation: "downloadPrefix",
      hint: "the object name would place a file outside the destination folder",
    });
  };
  if (relativeKey.length === 0) refuse("empty name");
  if (relativeKey.includes("\u0000")) refuse("the name contains NUL");
  const normalized = relativeKey.replace(/\\/g, "/");
  if (normalized.startsWith("/") || /^[a-zA-Z]:/.test(normalized)) refuse("it is an absolute path");
  if (normalized.split("/").some((segment) => segment === "..")) refuse("it contains '..'");
  const target = path.resolve(root, normalized);
  const rel = path.relative(root, target);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) refuse("it resolves outside the destination");
  return target;
}

/** Every regular file below `dir`, as [absolute path, path relative to dir with `/` separators]. */
export async function* walkFiles(dir: string): AsyncGenerator<[string, string]> {
  const root = path.resolve(dir);
  const stack = [root];
  while (stack.length) {
    const current = stack.pop()!;
    const entries = await readdir(current, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) yield [full, path.relative(root, full).split(path.sep).join("/")];
    }
  }
}

/**
 * Write `target` through a temp file in the same folder, renamed into place only when `write`
 * succeeds: a failed or cancelled download never leaves a partial file at `target`. With `fsync`,
 * the data also reaches the disk before the rename (survives a power cut; costs time on large files,
 * which is why, like aws-cli and curl, it is off by default).
 */
export async function writeAtomically<T>(target: string, write: (handle: FileHandle, tempPath: string) => Promise<T>, options: { fsync?: boolean } = {}): Promise<T> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString("hex")}.part`);
  const handle = await open(temp, "w");
  try {
    const result = await write(handle, temp);
    if (options.fsync) await handle.sync();
    await handle.close();
    await rename(temp, target);
    return result;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Copy a body stream into `handle` at `position`, gathering chunks into ~1 MiB vectored writes
 * (one syscall per MiB instead of one per 16–64 KiB network chunk). Returns the bytes written.
 */
export async function writeStreamAt(handle: FileHandle, body: AsyncIterable<Uint8Array>, position: number, onBytes?: (n: number) => void): Promise<number> {
  const FLUSH = 1024 * 1024;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let written = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const chunks = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    let offset = 0;
    while (offset < bytes) {
      const { bytesWritten } = await handle.writev(offset === 0 ? chunks : [Buffer.concat(chunks).subarray(offset)], position + written + offset);
      offset += bytesWritten;
    }
    written += bytes;
  };
  for await (const chunk of body) {
    pending.push(chunk);
    pendingBytes += chunk.length;
    onBytes?.(chunk.length);
    if (pendingBytes >= FLUSH) await flush();
  }
  await flush();
  return written;
}
