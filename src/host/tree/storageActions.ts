// What the S3 and ADLS nodes do: download, upload (commands and drag & drop), new folder, rename, delete,
// copy URLs. The UI flows (dialogs, confirmations) live here; the transfers run through ../transfers.
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as vscode from "vscode";
import { runTransfer, showError, type TransferStep } from "../transfers";
import { AdlsContainerNode } from "./adlsContainerNode";
import { AdlsDirectoryNode } from "./adlsDirectoryNode";
import { AdlsFileNode } from "./adlsFileNode";
import { abfssUrl, baseName, deleteConfirmation, directoryPrefix, formatBytes, formatCount, parentPrefix, plural, s3Url, validateName, type DeleteItem } from "./format";
import { S3BucketNode } from "./s3BucketNode";
import { S3ObjectNode } from "./s3ObjectNode";
import { S3PrefixNode } from "./s3PrefixNode";
import type { TreeContext, TreeNode } from "./treeNode";

export type S3LocationNode = S3BucketNode | S3PrefixNode;
export type AdlsLocationNode = AdlsContainerNode | AdlsDirectoryNode;
/** Where files can be uploaded, filtered, created. */
export type LocationNode = S3LocationNode | AdlsLocationNode;
/** What can be downloaded, deleted, have its URL copied. */
export type StorageNode = LocationNode | S3ObjectNode | AdlsFileNode;

export function isLocation(node: unknown): node is LocationNode {
  return node instanceof S3BucketNode || node instanceof S3PrefixNode || node instanceof AdlsContainerNode || node instanceof AdlsDirectoryNode;
}

export function isStorage(node: unknown): node is StorageNode {
  return isLocation(node) || node instanceof S3ObjectNode || node instanceof AdlsFileNode;
}

/** Folder-like nodes are downloaded into a folder of their name; files into a file. */
function isFileNode(node: StorageNode): node is S3ObjectNode | AdlsFileNode {
  return node instanceof S3ObjectNode || node instanceof AdlsFileNode;
}

/** Name of a node's local counterpart: the object's or folder's last segment, or the bucket/container. */
function localName(node: StorageNode): string {
  if (node instanceof S3ObjectNode) return baseName(node.key);
  if (node instanceof AdlsFileNode) return baseName(node.path);
  if (node instanceof S3BucketNode) return node.bucket;
  if (node instanceof S3PrefixNode) return baseName(node.prefix);
  if (node instanceof AdlsContainerNode) return node.container;
  return baseName(node.directory);
}

interface Moved {
  files: number;
  bytes: number;
}

export class StorageActions {
  constructor(
    private readonly ctx: TreeContext,
    private readonly refresh: (node: TreeNode) => void,
  ) {}

  private get log(): vscode.LogOutputChannel {
    return this.ctx.connections.log;
  }

  // -------------------------------------------------------------------------------------------
  // URLs

  /** The account (name, dfs endpoint) behind an ADLS profile, for abfss:// URLs. */
  private async adlsAccount(profile: string): Promise<{ name: string; dfsUrl: string }> {
    const client = await this.ctx.connections.client("adls2", profile);
    const service = client.serviceClient();
    return { name: service.accountName, dfsUrl: service.url };
  }

  /** `s3://bucket/key` or `abfss://container@account.dfs.core.windows.net/path`. */
  async url(node: StorageNode): Promise<string> {
    if (node instanceof S3ObjectNode) return s3Url(node.bucket, node.key);
    if (node instanceof S3BucketNode || node instanceof S3PrefixNode) return s3Url(node.bucket, node.prefix);
    const account = await this.adlsAccount(node.profile);
    if (node instanceof AdlsFileNode) return abfssUrl(node.container, node.path, account);
    return abfssUrl(node.container, node.directory, account);
  }

  async copyUri(nodes: StorageNode[]): Promise<void> {
    try {
      const urls = await Promise.all(nodes.map((n) => this.url(n)));
      await vscode.env.clipboard.writeText(urls.join("\n"));
      vscode.window.setStatusBarMessage(`Copied ${urls.length === 1 ? urls[0] : plural(urls.length, "URI")}`, 4000);
    } catch (error) {
      showError("Copy URI failed", error, this.log);
    }
  }

  async copySignedUrl(nodes: Array<S3ObjectNode | AdlsFileNode>): Promise<void> {
    const expiresInS = vscode.workspace.getConfiguration("autoWorkflow.files").get<number>("presignExpiry", 3600);
    try {
      const urls = await Promise.all(
        nodes.map(async (node) => {
          if (node instanceof S3ObjectNode) return (await this.ctx.connections.client("s3", node.profile)).presignGetUrl(node.bucket, node.key, { expiresInS });
          return (await this.ctx.connections.client("adls2", node.profile)).sasUrl(node.container, node.path, { expiresInS });
        }),
      );
      await vscode.env.clipboard.writeText(urls.join("\n"));
      void vscode.window.showInformationMessage(`Copied ${urls.length === 1 ? "a shareable URL" : plural(urls.length, "shareable URL")}, valid for ${formatDuration(expiresInS)}. Anyone with the URL can read ${urls.length === 1 ? "the file" : "the files"} until then.`);
    } catch (error) {
      showError("Copy shareable URL failed", error, this.log);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Open

  async open(node: S3ObjectNode | AdlsFileNode): Promise<void> {
    try {
      await vscode.commands.executeCommand("vscode.open", node.uri());
    } catch (error) {
      showError(`Open ${localName(node)} failed`, error, this.log);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Download

  private defaultFolder(): vscode.Uri {
    return vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  }

  /** A file alone: Save As. Anything else: into a folder picked once (folders become subfolders of their name). */
  async download(nodes: StorageNode[]): Promise<void> {
    if (nodes.length === 0) return;
    const only = nodes[0]!;
    let plan: Array<{ node: StorageNode; target: string }>;
    if (nodes.length === 1 && isFileNode(only)) {
      const picked = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(this.defaultFolder(), localName(only)), title: `Download ${await this.url(only).catch(() => localName(only))}`, saveLabel: "Download" });
      if (!picked) return;
      plan = [{ node: only, target: picked.fsPath }];
    } else {
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, defaultUri: this.defaultFolder(), openLabel: "Download Here", title: `Download ${nodes.length === 1 ? localName(only) : plural(nodes.length, "item")} into…` });
      const folder = picked?.[0];
      if (!folder) return;
      plan = nodes.map((node) => ({ node, target: path.join(folder.fsPath, localName(node)) }));
      const existing = plan.filter((p) => existsSync(p.target));
      if (existing.length) {
        const names = existing.slice(0, 5).map((p) => path.basename(p.target)).join(", ");
        const choice = await vscode.window.showWarningMessage(
          `${existing.length === 1 ? `“${names}” already exists` : `${formatCount(existing.length)} items already exist (${names}${existing.length > 5 ? ", …" : ""})`} in ${folder.fsPath}. Replace files with the same names?`,
          { modal: true, detail: "Files that exist only locally are kept." },
          "Replace",
        );
        if (choice !== "Replace") return;
      }
    }
    await this.downloadPlan(plan);
  }

  /** Downloads `plan` (also used by tests, without dialogs). */
  async downloadPlan(plan: Array<{ node: StorageNode; target: string }>): Promise<void> {
    const steps: Array<TransferStep<Moved>> = plan.map(({ node, target }) => ({
      label: localName(node),
      run: async (signal, onProgress) => {
        if (node instanceof S3ObjectNode) {
          const out = await (await this.ctx.connections.client("s3", node.profile)).downloadFile(node.bucket, node.key, target, { signal, onProgress });
          return { files: 1, bytes: out.size };
        }
        if (node instanceof AdlsFileNode) {
          const out = await (await this.ctx.connections.client("adls2", node.profile)).downloadFile(node.container, node.path, target, { signal, onProgress });
          return { files: 1, bytes: out.size };
        }
        if (node instanceof S3BucketNode || node instanceof S3PrefixNode) {
          return (await this.ctx.connections.client("s3", node.profile)).downloadPrefix(node.bucket, node.prefix, target, { signal, onProgress });
        }
        return (await this.ctx.connections.client("adls2", node.profile)).downloadPrefix(node.container, node.directory, target, { signal, onProgress });
      },
    }));
    const where = plan.length === 1 ? plan[0]!.target : path.dirname(plan[0]!.target);
    await runTransfer(`Downloading ${plan.length === 1 ? localName(plan[0]!.node) : plural(plan.length, "item")}`, steps, {
      log: this.log,
      doneMessage: (values) => {
        const files = values.reduce((n, v) => n + v.files, 0);
        const bytes = values.reduce((n, v) => n + v.bytes, 0);
        return `Downloaded ${plural(files, "file")} (${formatBytes(bytes)}) to ${where}`;
      },
    });
  }

  // -------------------------------------------------------------------------------------------
  // Upload

  async pickAndUpload(location: LocationNode, folders: boolean): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: !folders,
      canSelectFolders: folders,
      canSelectMany: true,
      defaultUri: this.defaultFolder(),
      openLabel: "Upload",
      title: `Upload ${folders ? "folders" : "files"} to ${location.displayUrl()}`,
    });
    if (!picked?.length) return;
    await this.uploadInto(location, picked);
  }

  /** Where a local file or folder named `name` lands below `location` (key or path; folders without trailing slash). */
  private remotePath(location: LocationNode, name: string): string {
    if (location instanceof S3BucketNode || location instanceof S3PrefixNode) return `${location.prefix}${name}`;
    return `${directoryPrefix(location.directory)}${name}`;
  }

  private async remoteExists(location: LocationNode, name: string, folder: boolean): Promise<boolean> {
    const remote = this.remotePath(location, name);
    if (location instanceof S3BucketNode || location instanceof S3PrefixNode) {
      const client = await this.ctx.connections.client("s3", location.profile);
      if (!folder) return client.exists(location.bucket, remote);
      const page = await client.listPage(location.bucket, `${remote}/`, { recursive: true, pageSize: 1 });
      return page.entries.length > 0;
    }
    const client = await this.ctx.connections.client("adls2", location.profile);
    return client.exists(location.container, remote);
  }

  /**
   * Uploads local files and folders (file: URIs) into `location`: files with uploadFile, folders with
   * uploadDirectory under a folder of their name. Asks before replacing what exists; refreshes `location`.
   */
  async uploadInto(location: LocationNode, uris: readonly vscode.Uri[]): Promise<void> {
    const local = uris.filter((u) => u.scheme === "file");
    if (local.length < uris.length) void vscode.window.showWarningMessage(`Only local files and folders can be uploaded; skipped ${plural(uris.length - local.length, "item")}.`);
    if (local.length === 0) return;
    let items: Array<{ source: string; name: string; folder: boolean }>;
    let conflicts: string[];
    try {
      items = await Promise.all(
        local.map(async (u) => ({ source: u.fsPath, name: path.basename(u.fsPath), folder: (await stat(u.fsPath)).isDirectory() })),
      );
      conflicts = (await Promise.all(items.map(async (i) => ((await this.remoteExists(location, i.name, i.folder)) ? `${i.name}${i.folder ? "/" : ""}` : undefined)))).filter(
        (n): n is string => n !== undefined,
      );
    } catch (error) {
      showError(`Upload to ${location.displayUrl()} failed`, error, this.log);
      return;
    }
    if (conflicts.length) {
      const names = conflicts.slice(0, 5).join(", ") + (conflicts.length > 5 ? ", …" : "");
      const choice = await vscode.window.showWarningMessage(
        `${conflicts.length === 1 ? `“${names}” already exists` : `${formatCount(conflicts.length)} items already exist (${names})`} in ${location.displayUrl()}. Replace?`,
        { modal: true, detail: "Objects with the same names are overwritten; others in an existing folder are kept." },
        "Replace",
      );
      if (choice !== "Replace") return;
    }
    const steps: Array<TransferStep<Moved>> = items.map((item) => ({
      label: item.name,
      run: async (signal, onProgress) => {
        const remote = this.remotePath(location, item.name);
        if (location instanceof S3BucketNode || location instanceof S3PrefixNode) {
          const client = await this.ctx.connections.client("s3", location.profile);
          if (item.folder) return client.uploadDirectory(item.source, location.bucket, `${remote}/`, { signal, onProgress });
          const out = await client.uploadFile(item.source, location.bucket, remote, { signal, onProgress });
          return { files: 1, bytes: out.size };
        }
        const client = await this.ctx.connections.client("adls2", location.profile);
        if (item.folder) return client.uploadDirectory(item.source, location.container, remote, { signal, onProgress });
        const out = await client.uploadFile(item.source, location.container, remote, { signal, onProgress });
        return { files: 1, bytes: out.size };
      },
    }));
    try {
      await runTransfer(`Uploading ${items.length === 1 ? items[0]!.name : plural(items.length, "item")} to ${location.displayUrl()}`, steps, {
        log: this.log,
        doneMessage: (values) => `Uploaded ${plural(values.reduce((n, v) => n + v.files, 0), "file")} (${formatBytes(values.reduce((n, v) => n + v.bytes, 0))}) to ${location.displayUrl()}`,
      });
    } finally {
      this.refresh(location);
    }
  }

  // -------------------------------------------------------------------------------------------
  // New folder, rename

  async newFolder(location: LocationNode, name?: string): Promise<void> {
    const chosen =
      name ??
      (await vscode.window.showInputBox({
        title: `New folder in ${location.displayUrl()}`,
        prompt: "Folder name (a/b creates nested folders)",
        validateInput: (value) => validateName(value, { allowSlash: true }),
      }));
    if (chosen === undefined) return;
    const invalid = validateName(chosen, { allowSlash: true });
    if (invalid) {
      void vscode.window.showErrorMessage(invalid);
      return;
    }
    try {
      if (location instanceof S3BucketNode || location instanceof S3PrefixNode) {
        // S3 has no folders: a zero-byte object named like the prefix makes an empty one appear.
        await (await this.ctx.connections.client("s3", location.profile)).putObject(location.bucket, `${location.prefix}${chosen}/`, "");
      } else {
        await (await this.ctx.connections.client("adls2", location.profile)).makeDirs(location.container, `${directoryPrefix(location.directory)}${chosen}`);
      }
      this.refresh(location);
    } catch (error) {
      showError(`New folder in ${location.displayUrl()} failed`, error, this.log);
    }
  }

  async rename(node: AdlsFileNode | AdlsDirectoryNode, newName?: string): Promise<void> {
    const from = node instanceof AdlsFileNode ? node.path : node.directory;
    const current = baseName(from);
    const dot = current.lastIndexOf(".");
    const chosen =
      newName ??
      (await vscode.window.showInputBox({
        title: `Rename ${node.container}/${from}`,
        value: current,
        valueSelection: [0, node instanceof AdlsFileNode && dot > 0 ? dot : current.length],
        validateInput: (value) => validateName(value),
      }));
    if (chosen === undefined || chosen === current) return;
    const invalid = validateName(chosen);
    if (invalid) {
      void vscode.window.showErrorMessage(invalid);
      return;
    }
    const to = `${parentPrefix(from)}${chosen}`;
    try {
      const client = await this.ctx.connections.client("adls2", node.profile);
      if (await client.exists(node.container, to)) {
        void vscode.window.showErrorMessage(`${node.container}/${to} already exists; choose another name.`);
        return;
      }
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Renaming ${current} to ${chosen}…` }, () => client.rename(node.container, from, to));
    } catch (error) {
      showError(`Rename ${node.container}/${from} failed`, error, this.log);
    } finally {
      if (node.parent) this.refresh(node.parent);
    }
  }

  /** Moves ADLS files and directories into `location` (drag & drop inside the tree), after confirmation. */
  async move(nodes: TreeNode[], location: LocationNode): Promise<void> {
    const movable = nodes.filter((n): n is AdlsFileNode | AdlsDirectoryNode => n instanceof AdlsFileNode || n instanceof AdlsDirectoryNode);
    if (!(location instanceof AdlsContainerNode || location instanceof AdlsDirectoryNode) || movable.length !== nodes.length || movable.some((n) => n.profile !== location.profile || n.container !== location.container)) {
      void vscode.window.showInformationMessage("Only ADLS files and directories can be moved, within one container. Drop files from your computer to upload them.");
      return;
    }
    const target = directoryPrefix(location.directory);
    const moves = movable
      .map((n) => {
        const from = n instanceof AdlsFileNode ? n.path : n.directory;
        return { node: n, from, to: `${target}${baseName(from)}` };
      })
      .filter((m) => m.from !== m.to && !(m.node instanceof AdlsDirectoryNode && `${target}`.startsWith(`${m.from}/`)));
    if (moves.length === 0) return;
    const choice = await vscode.window.showWarningMessage(
      `Move ${moves.length === 1 ? moves[0]!.from : plural(moves.length, "item")} to ${location.displayUrl()}?`,
      { modal: true, detail: moves.slice(0, 10).map((m) => `${m.from} → ${m.to}`).join("\n") },
      "Move",
    );
    if (choice !== "Move") return;
    try {
      const client = await this.ctx.connections.client("adls2", location.profile);
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Moving ${plural(moves.length, "item")}…` }, async () => {
        for (const m of moves) await client.rename(location.container, m.from, m.to);
      });
    } catch (error) {
      showError(`Move to ${location.displayUrl()} failed`, error, this.log);
    } finally {
      for (const parent of new Set(moves.map((m) => m.node.parent))) if (parent) this.refresh(parent);
      this.refresh(location);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Delete

  /** Counts what deleting `node` removes (every object below a prefix/directory), stopping on `signal`. */
  private async measure(node: StorageNode, signal: AbortSignal): Promise<DeleteItem> {
    const url = await this.url(node);
    if (node instanceof S3ObjectNode) return { url, kind: "object", objects: 1, bytes: node.entry.size };
    if (node instanceof AdlsFileNode) return { url, kind: "object", objects: 1, bytes: node.entry.size };
    let objects = 0;
    let bytes = 0;
    let partial = false;
    try {
      if (node instanceof S3BucketNode || node instanceof S3PrefixNode) {
        const client = await this.ctx.connections.client("s3", node.profile);
        for await (const entry of client.listObjects(node.bucket, node.prefix, { recursive: true, signal })) {
          if (entry.type !== "object") continue;
          // The folder's own zero-byte marker goes too, but is not an object anyone thinks of.
          if (entry.key === node.prefix && entry.size === 0) continue;
          objects++;
          bytes += entry.size;
        }
      } else {
        const client = await this.ctx.connections.client("adls2", node.profile);
        for await (const entry of client.listPaths(node.container, node.directory, { recursive: true, signal })) {
          if (entry.isDirectory) continue;
          objects++;
          bytes += entry.size;
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
      partial = true;
    }
    return { url, kind: "folder", objects, bytes, ...(partial ? { partial } : {}) };
  }

  /**
   * Deletes after a modal confirmation that names what goes and how much (prefixes and directories are
   * counted first). `confirm` replaces the dialog (tests).
   */
  async delete(nodes: StorageNode[], confirm?: (message: string, detail: string) => Promise<boolean>): Promise<void> {
    const targets = nodes.filter((n) => !(n instanceof S3BucketNode) && !(n instanceof AdlsContainerNode));
    if (targets.length === 0) {
      void vscode.window.showInformationMessage("Buckets and containers are not deleted from here.");
      return;
    }
    const adls = targets.every((n) => n instanceof AdlsFileNode || n instanceof AdlsDirectoryNode);
    let items: DeleteItem[];
    try {
      items = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true, title: "Counting what will be deleted…" }, async (_progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort(new Error("cancelled by the user")));
        try {
          const measured: DeleteItem[] = [];
          for (const node of targets) measured.push(await this.measure(node, controller.signal));
          if (controller.signal.aborted) throw new vscode.CancellationError();
          return measured;
        } finally {
          sub.dispose();
        }
      });
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        void vscode.window.showInformationMessage("Delete cancelled — nothing was deleted.");
        return;
      }
      showError("Delete failed", error, this.log);
      return;
    }
    const noun = adls ? { singular: "file", plural: "files" } : { singular: "object", plural: "objects" };
    const { message, detail } = deleteConfirmation(items, noun);
    const ok = confirm ? await confirm(message, detail) : (await vscode.window.showWarningMessage(message, { modal: true, detail }, "Delete")) === "Delete";
    if (!ok) return;
    let deleted = 0;
    const total = items.reduce((n, i) => n + i.objects, 0);
    const steps: Array<TransferStep<number>> = targets.map((node, index) => ({
      label: items[index]!.url,
      run: async (signal, onProgress) => {
        if (node instanceof S3ObjectNode) {
          await (await this.ctx.connections.client("s3", node.profile)).deleteObject(node.bucket, node.key, { signal });
          deleted++;
          return 1;
        }
        if (node instanceof AdlsFileNode) {
          await (await this.ctx.connections.client("adls2", node.profile)).deletePath(node.container, node.path, { signal });
          deleted++;
          return 1;
        }
        if (node instanceof S3PrefixNode) {
          const before = deleted;
          const n = await (await this.ctx.connections.client("s3", node.profile)).deletePrefix(node.bucket, node.prefix, {
            signal,
            onProgress: (p) => {
              deleted = before + p.files;
              onProgress({ files: deleted, totalFiles: total, message: `${formatCount(deleted)} of ${plural(total, noun.singular, noun.plural)} deleted` });
            },
          });
          deleted = before + n;
          return n;
        }
        const dir = node as AdlsDirectoryNode;
        await (await this.ctx.connections.client("adls2", dir.profile)).deletePath(dir.container, dir.directory, { recursive: true, signal });
        deleted += items[index]!.objects;
        return items[index]!.objects;
      },
    }));
    try {
      await runTransfer(`Deleting ${targets.length === 1 ? items[0]!.url : plural(targets.length, "item")}`, steps, {
        log: this.log,
        cancelledMessage: () => `stopped; ${plural(deleted, noun.singular, noun.plural)} had already been deleted.`,
        doneMessage: () => `Deleted ${plural(total, noun.singular, noun.plural)} (${formatBytes(items.reduce((n, i) => n + i.bytes, 0))})`,
      });
    } finally {
      for (const parent of new Set(targets.map((t) => t.parent))) if (parent) this.refresh(parent);
    }
  }
}

/** 3600 → "1 hour", 90 → "90 seconds", 604800 → "7 days". */
export function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, "day");
  if (seconds % 3_600 === 0) return plural(seconds / 3_600, "hour");
  if (seconds % 60 === 0) return plural(seconds / 60, "minute");
  return plural(seconds, "second");
}
