// Object URIs of the file systems, without VS Code: `s3://<profile>/<bucket>/<key>` and
// `abfss://<profile>/<container>/<path>`. The authority is the connection PROFILE (not a host), the
// first path segment the bucket / container, the rest the key / path (kept verbatim: S3 keys may hold
// spaces, `#`, `?`, unicode, even `//`).
//
// `formatObjectUri` spells a location the way `vscode.Uri.toString()` does (every character except
// A-Z a-z 0-9 - . _ ~ and the path's `/` percent-encoded as UTF-8), so strings built here and by
// VS Code compare equal and parse back to the same location.

export const OBJECT_SCHEMES = ["s3", "abfss"] as const;
export type ObjectScheme = (typeof OBJECT_SCHEMES)[number];

export interface ObjectLocation {
  scheme: ObjectScheme;
  /** Connection profile name (the URI's authority). */
  profile: string;
  /** Bucket (S3) or container (ADLS2); undefined for the profile's root (`/`). */
  bucket?: string;
  /** Key (S3) or path (ADLS2) below the bucket, without a leading `/`; "" for the bucket itself. */
  key: string;
}

/** The backend (connector name) serving a scheme. */
export function connectorFor(scheme: ObjectScheme): "s3" | "adls2" {
  return scheme === "s3" ? "s3" : "adls2";
}

export function isObjectScheme(value: string): value is ObjectScheme {
  return (OBJECT_SCHEMES as readonly string[]).includes(value);
}

/**
 * A location from the parts of an already decoded URI (what `vscode.Uri` holds: `scheme`,
 * `authority`, `path`). Throws on another scheme or an empty authority.
 */
export function locationFromParts(scheme: string, authority: string, path: string): ObjectLocation {
  if (!isObjectScheme(scheme)) throw new Error(`not an object storage URI scheme: ${scheme}`);
  if (!authority) throw new Error(`${scheme} URI without a profile: expected ${scheme}://<profile>/<${scheme === "s3" ? "bucket" : "container"}>/…`);
  // Only the first `/` (the separator after the authority) is dropped from the path: a key may
  // itself start with `/` (`s3://p/b//k` is key `/k`).
  const rest = path.startsWith("/") ? path.slice(1) : path;
  if (rest === "") return { scheme, profile: authority, key: "" };
  const slash = rest.indexOf("/");
  if (slash < 0) return { scheme, profile: authority, bucket: rest, key: "" };
  return { scheme, profile: authority, bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

// RFC 3986 generic syntax, as VS Code splits URIs.
const URI_RE = /^(?:([^:/?#]+?):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

function decode(text: string): string {
  // Lenient like VS Code: a malformed escape stays as written.
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Parses `s3://profile/bucket/key` (percent-encoded, as VS Code prints URIs). Query and fragment are ignored. */
export function parseObjectUri(uri: string): ObjectLocation {
  const m = URI_RE.exec(uri);
  if (!m || m[1] === undefined || m[2] === undefined) throw new Error(`not an object storage URI: ${uri}`);
  return locationFromParts(m[1].toLowerCase(), decode(m[2]), decode(m[3] ?? ""));
}

/** Percent-encoding of VS Code's `Uri.toString()`: all but unreserved characters (and `/` in paths). */
export function encodeUriPart(text: string, keepSlash: boolean): string {
  let out = "";
  for (const ch of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(ch) || (keepSlash && ch === "/")) out += ch;
    else for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The URI path of a location: `/`, `/bucket`, `/bucket/key`. */
export function locationPath(location: Pick<ObjectLocation, "bucket" | "key">): string {
  if (location.bucket === undefined) return "/";
  return location.key === "" ? `/${location.bucket}` : `/${location.bucket}/${location.key}`;
}

/**
 * The URI string of a location, as `vscode.Uri.from({ scheme, authority: profile, path }).toString()`
 * spells it — except that VS Code lowercases the authority there, and this keeps the profile's case.
 */
export function formatObjectUri(location: ObjectLocation): string {
  return `${location.scheme}://${encodeUriPart(location.profile, false)}${encodeUriPart(locationPath(location), true)}`;
}

/**
 * What people call the object: `s3://bucket/key`, `abfss://container/path` (unencoded, no profile);
 * `s3://` alone for the profile's root. Used in messages.
 */
export function displayLocation(location: ObjectLocation): string {
  if (location.bucket === undefined) return `${location.scheme}://`;
  return `${location.scheme}://${location.bucket}${location.key === "" ? "" : `/${location.key}`}`;
}

/** A child of a directory location (`name` is one path segment). */
export function childLocation(location: ObjectLocation, name: string): ObjectLocation {
  if (location.bucket === undefined) return { ...location, bucket: name, key: "" };
  const dir = directoryKey(location.key);
  return { ...location, key: `${dir}${name}` };
}

/** The key without trailing `/` (a folder may be addressed as `dir/` or `dir`). */
export function trimSlashes(key: string): string {
  return key.replace(/\/+$/, "");
}

/** The listing prefix of a directory key: "" for the bucket root, else `dir/`. */
export function directoryKey(key: string): string {
  const trimmed = trimSlashes(key);
  return trimmed === "" ? "" : `${trimmed}/`;
}

/** The last segment of a key (its name in its parent directory). */
export function baseName(key: string): string {
  const trimmed = trimSlashes(key);
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** True when `child` equals `parent` or lies below it (same scheme, profile and bucket). */
export function isSameOrBelow(child: ObjectLocation, parent: ObjectLocation): boolean {
  if (child.scheme !== parent.scheme || child.profile !== parent.profile) return false;
  if (parent.bucket === undefined) return true;
  if (child.bucket !== parent.bucket) return false;
  const dir = directoryKey(parent.key);
  return dir === "" || trimSlashes(child.key) === trimSlashes(parent.key) || child.key.startsWith(dir);
}
