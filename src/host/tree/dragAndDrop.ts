// Drops on the Connectors view: files and folders from the OS or the Explorer (text/uri-list) upload into
// the bucket, prefix, container or directory dropped on; ADLS items dragged inside the view move.
import * as vscode from "vscode";
import { AdlsFileNode } from "./adlsFileNode";
import { S3ObjectNode } from "./s3ObjectNode";
import { isLocation, type LocationNode, type StorageActions } from "./storageActions";
import type { TreeNode } from "./treeNode";

export const TREE_MIME = "application/vnd.code.tree.autoWorkflow.connectors";
const URI_LIST = "text/uri-list";

/** `text/uri-list` (RFC 2483): one URI per line, `#` lines are comments. */
export function parseUriList(text: string): vscode.Uri[] {
  const out: vscode.Uri[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    try {
      out.push(vscode.Uri.parse(trimmed, true));
    } catch {
      // not a URI: ignore the line
    }
  }
  return out;
}

/** Where a drop on `target` lands: the node itself when it is a location, the listing of a file dropped on. */
export function dropLocation(target: TreeNode | undefined): LocationNode | undefined {
  if (isLocation(target)) return target;
  if ((target instanceof S3ObjectNode || target instanceof AdlsFileNode) && isLocation(target.parent)) return target.parent;
  return undefined;
}

export class ConnectorsDragAndDrop implements vscode.TreeDragAndDropController<TreeNode> {
  readonly dropMimeTypes = [URI_LIST, TREE_MIME];
  readonly dragMimeTypes: string[] = [];

  constructor(private readonly actions: StorageActions) {}

  async handleDrop(target: TreeNode | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const location = dropLocation(target);
    // VS Code names the view's own drag type in lower case.
    const internal = dataTransfer.get(TREE_MIME) ?? dataTransfer.get(TREE_MIME.toLowerCase());
    const uriList = dataTransfer.get(URI_LIST);
    if (!internal && !uriList) return;
    if (!location) {
      void vscode.window.showInformationMessage("Drop files on a bucket, prefix, container or directory to upload them there.");
      return;
    }
    if (internal && Array.isArray(internal.value)) {
      const nodes = (internal.value as unknown[]).filter((n): n is TreeNode => typeof n === "object" && n !== null && "id" in n);
      if (nodes.length) await this.actions.move(nodes, location);
      return;
    }
    const text = await uriList!.asString();
    if (token.isCancellationRequested) return;
    const uris = parseUriList(text);
    if (uris.length) await this.actions.uploadInto(location, uris);
  }
}
