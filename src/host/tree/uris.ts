// URIs the editor opens objects and files with: `s3://<profile>/<bucket>/<key>` and
// `abfss://<profile>/<container>/<path>`. The authority is the PROFILE name (the FileSystemProvider of
// each scheme gets its client from the registry with it), not a host.
import * as vscode from "vscode";
import { locationFromParts, type ObjectLocation } from "../fs/objectUri";

export const S3_SCHEME = "s3";
export const ABFSS_SCHEME = "abfss";

/** `s3://<profile>/<bucket>/<key>` (key "" for the bucket root, "logs/" for a prefix). */
export function s3Uri(profile: string, bucket: string, key = ""): vscode.Uri {
  return vscode.Uri.from({ scheme: S3_SCHEME, authority: profile, path: `/${bucket}/${key}` });
}

/** `abfss://<profile>/<container>/<path>` (path "" for the container root). */
export function abfssUri(profile: string, container: string, path = ""): vscode.Uri {
  return vscode.Uri.from({ scheme: ABFSS_SCHEME, authority: profile, path: `/${container}/${path.replace(/^\/+/, "")}` });
}

function location(uri: vscode.Uri): ObjectLocation | undefined {
  try {
    return locationFromParts(uri.scheme, uri.authority, uri.path);
  } catch {
    return undefined;
  }
}

/** The inverse of s3Uri (one parsing rule with the file system provider): undefined for another scheme or a URI without a bucket. */
export function parseS3Uri(uri: vscode.Uri): { profile: string; bucket: string; key: string } | undefined {
  const l = uri.scheme === S3_SCHEME ? location(uri) : undefined;
  return l?.bucket ? { profile: l.profile, bucket: l.bucket, key: l.key } : undefined;
}

/** The inverse of abfssUri: undefined for another scheme or a URI without a container. */
export function parseAbfssUri(uri: vscode.Uri): { profile: string; container: string; path: string } | undefined {
  const l = uri.scheme === ABFSS_SCHEME ? location(uri) : undefined;
  return l?.bucket ? { profile: l.profile, container: l.bucket, path: l.key } : undefined;
}
