// The file systems' decisions that need no VS Code: may a save go ahead (ETag conflicts, create /
// overwrite flags), how connector errors become file system errors, how sizes and messages read.

/** The version of an object an editor holds: what readFile returned. */
export interface SeenVersion {
  etag?: string;
  size: number;
}

/** The object as the server has it now: undefined when there is none. */
export interface CurrentObject {
  type: "file" | "directory";
  etag?: string;
}

export type FsErrorCode = "FileNotFound" | "FileExists" | "FileIsADirectory" | "FileNotADirectory" | "NoPermissions" | "Unavailable";

export type WriteDecision =
  | { action: "write"; created: boolean }
  | { action: "conflict"; seen: string; current: string }
  | { action: "fail"; code: FsErrorCode };

/** `"abc"` and `W/"abc"` and `abc` are the same entity tag. */
export function normalizeEtag(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  const bare = etag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  return bare === "" ? undefined : bare;
}

/**
 * Whether a save may write. A conflict is an object whose ETag changed since it was read; an object
 * deleted meanwhile is simply written again (nothing on the server is lost by that); unknown ETags
 * (either side) cannot conflict.
 */
export function decideWrite(seen: SeenVersion | undefined, current: CurrentObject | undefined, options: { create: boolean; overwrite: boolean }): WriteDecision {
  if (!current) return options.create ? { action: "write", created: true } : { action: "fail", code: "FileNotFound" };
  if (current.type === "directory") return { action: "fail", code: "FileIsADirectory" };
  if (!options.overwrite) return { action: "fail", code: "FileExists" };
  const before = normalizeEtag(seen?.etag);
  const now = normalizeEtag(current.etag);
  if (before !== undefined && now !== undefined && before !== now) return { action: "conflict", seen: before, current: now };
  return { action: "write", created: false };
}

export function conflictMessage(display: string, seen: string, current: string): string {
  return `${display} changed on the server since you opened it (ETag ${seen} → ${current}); reopen to see the new version or save as another name.`;
}

/** `1.2 GB`, `512 KB`, `17 B` (1024-based, as VS Code shows sizes). */
export function formatSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  const rounded = value >= 100 ? Math.round(value).toString() : (Math.round(value * 10) / 10).toString();
  return `${rounded} ${units[unit]}`;
}

export function confirmOpenMessage(display: string, size: number): string {
  return `${display} is ${formatSize(size)}. Open it anyway?`;
}

/** The threshold from the setting: a non-negative number of bytes, else the default (50 MiB). */
export const DEFAULT_CONFIRM_OPEN_ABOVE = 50 * 1024 * 1024;
export function confirmThreshold(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : DEFAULT_CONFIRM_OPEN_ABOVE;
}

/** Whether opening an object of `size` bytes needs a confirmation. */
export function needsConfirmation(size: number, threshold: number): boolean {
  return size > threshold;
}

const EXISTS_CODES = new Set(["PathAlreadyExists", "BlobAlreadyExists", "ContainerAlreadyExists", "BucketAlreadyExists", "BucketAlreadyOwnedByYou"]);

/**
 * The file system error a failure becomes. Connector errors are recognised by shape (`kind`), not
 * class: the connectors library may come from another bundle. Their messages are already redacted.
 */
export function classifyFsError(error: unknown): { code: FsErrorCode; message: string } {
  if (error instanceof FsFailure) return { code: error.fsCode, message: error.message };
  const e = (error ?? {}) as { kind?: unknown; code?: unknown; message?: unknown };
  const message = typeof e.message === "string" && e.message ? e.message : String(error);
  if (typeof e.code === "string" && EXISTS_CODES.has(e.code)) return { code: "FileExists", message };
  switch (e.kind) {
    case "notFound":
      return { code: "FileNotFound", message };
    case "auth":
      return { code: "NoPermissions", message };
    default:
      return { code: "Unavailable", message };
  }
}

/** Whether a thrown value is a connector's "not found". */
export function isNotFound(error: unknown): boolean {
  return (error as { kind?: unknown } | undefined)?.kind === "notFound";
}

/** A failure with a file system error code, raised by the stores (no VS Code here). */
export class FsFailure extends Error {
  constructor(
    readonly fsCode: FsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "FsFailure";
  }
}
