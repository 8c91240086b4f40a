// The object storage file systems: `s3://<profile>/<bucket>/<key>` and `abfss://<profile>/<container>/<path>`
// open, edit and save in ordinary editors (activation events onFileSystem:s3 / onFileSystem:abfss).
import * as vscode from "vscode";
import { AdlsFileSystemProvider, S3FileSystemProvider, type ObjectConnections } from "./provider";

export { AdlsFileSystemProvider, ObjectFileSystemProvider, S3FileSystemProvider, type ObjectConnections } from "./provider";
export { formatObjectUri, parseObjectUri, displayLocation, type ObjectLocation, type ObjectScheme } from "./objectUri";

export interface ObjectFileSystems extends vscode.Disposable {
  readonly s3: S3FileSystemProvider;
  readonly abfss: AdlsFileSystemProvider;
}

/**
 * Registers both providers (case-sensitive paths). The returned disposable is also added to
 * `context.subscriptions`; disposing it more than once is harmless.
 */
export function registerObjectFileSystems(context: Pick<vscode.ExtensionContext, "subscriptions">, connections: ObjectConnections): ObjectFileSystems {
  const s3 = new S3FileSystemProvider(connections);
  const abfss = new AdlsFileSystemProvider(connections);
  const parts: vscode.Disposable[] = [s3, abfss];
  try {
    parts.push(vscode.workspace.registerFileSystemProvider("s3", s3, { isCaseSensitive: true }));
    parts.push(vscode.workspace.registerFileSystemProvider("abfss", abfss, { isCaseSensitive: true }));
  } catch (error) {
    for (const d of parts) d.dispose();
    throw error;
  }
  let disposed = false;
  const registration: ObjectFileSystems = {
    s3,
    abfss,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const d of parts.reverse()) d.dispose();
    },
  };
  context.subscriptions.push(registration);
  return registration;
}
