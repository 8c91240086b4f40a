// FileSystemProviders for `s3://<profile>/<bucket>/<key>` and `abfss://<profile>/<container>/<path>`:
// objects open, edit and save in ordinary editors. A save refuses to overwrite an object that
// changed on the server since the editor read it (its ETag differs); large objects ask first.
import * as vscode from "vscode";
import type { Adls2Connector } from "../../connectors/adls2/client";
import type { S3Connector } from "../../connectors/s3/client";
import {
  classifyFsError,
  confirmOpenMessage,
  confirmThreshold,
  conflictMessage,
  decideWrite,
  formatSize,
  FsFailure,
  type FsErrorCode,
  type SeenVersion,
} from "./decisions";
import { connectorFor, displayLocation, formatObjectUri, isSameOrBelow, locationFromParts, trimSlashes, type ObjectLocation, type ObjectScheme } from "./objectUri";
import { AdlsStore, contentTypeFor, S3Store, type ObjectStore, type StoreStat } from "./stores";

/**
 * What the providers need of the host's connections (`Connections` satisfies it). Only types come
 * from the connectors library, so this module can be bundled on its own (the extension suite does).
 */
export interface ObjectClients {
  s3: S3Connector;
  adls2: Adls2Connector;
}

export interface ObjectConnections {
  client<K extends keyof ObjectClients>(name: K, profile: string): Promise<ObjectClients[K]>;
  /** Every profile, to map a URI's authority (which VS Code may lowercase) to its profile. */
  profiles?(): Promise<Array<{ name: string; profile: string }>>;
  readonly onDidChange?: vscode.Event<unknown>;
  readonly log?: Pick<vscode.LogOutputChannel, "info" | "warn" | "debug">;
}

const SETTING_SECTION = "autoWorkflow.files";
const SETTING_CONFIRM = "confirmOpenAbove";
/** Renaming on S3 copies through this machine's memory: refuse beyond this. */
const S3_RENAME_LIMIT = 1024 * 1024 * 1024;

export interface Target {
  location: ObjectLocation;
  /** `location` with the profile resolved (the key of the per-object state). */
  id: string;
  display: string;
}

export abstract class ObjectFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  /** The version each URI's bytes came from when last read (or written) through this provider. */
  private readonly seen = new Map<string, SeenVersion>();
  /** Large objects the user agreed to open (by id), and prompts in progress. */
  private readonly approved = new Set<string>();
  private readonly prompts = new Map<string, Promise<boolean>>();
  private profileNames: Promise<string[]> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  protected constructor(
    readonly scheme: ObjectScheme,
    protected readonly connections: ObjectConnections,
  ) {
    this.disposables.push(this.changes);
    if (connections.onDidChange) this.disposables.push(connections.onDidChange(() => (this.profileNames = undefined)));
  }

  /** The store of one profile (a fresh lookup each time: the registry replaces clients whose configuration changed). */
  protected abstract store(profile: string): Promise<ObjectStore>;

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // ---------------------------------------------------------------------------------------------
  // Locations and errors

  /** A URI's authority names the profile; VS Code lowercases authorities in URI strings, so a unique case-insensitive match counts too. */
  private async profileFor(authority: string): Promise<string> {
    if (!this.connections.profiles) return authority;
    const kind = connectorFor(this.scheme);
    this.profileNames ??= this.connections.profiles().then(
      (all) => all.filter((p) => p.name === kind).map((p) => p.profile),
      () => [],
    );
    const names = await this.profileNames;
    if (names.includes(authority)) return authority;
    const matches = names.filter((n) => n.toLowerCase() === authority.toLowerCase());
    return matches.length === 1 ? matches[0]! : authority;
  }

  private async target(uri: vscode.Uri): Promise<Target> {
    let location: ObjectLocation;
    try {
      location = locationFromParts(uri.scheme, uri.authority, uri.path);
    } catch (error) {
      throw vscode.FileSystemError.FileNotFound((error as Error).message);
    }
    location = { ...location, profile: await this.profileFor(location.profile) };
    return { location, id: formatObjectUri(location), display: displayLocation(location) };
  }

  private storeFor(target: Target): Promise<ObjectStore> {
    return this.store(target.location.profile);
  }

  /** A connector or store failure as the FileSystemError VS Code understands (messages are already redacted). */
  private fsError(error: unknown, uri: vscode.Uri): vscode.FileSystemError {
    if (error instanceof vscode.FileSystemError) return error;
    const { code, message } = classifyFsError(error);
    if (code !== "FileNotFound") this.connections.log?.warn(`${uri.toString(true)}: ${message}`);
    return code === "FileNotFound" && !(error instanceof FsFailure) ? vscode.FileSystemError.FileNotFound(uri) : fsErrorOf(code, message);
  }

  private async guard<T>(uri: vscode.Uri, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.fsError(error, uri);
    }
  }

  private fire(...events: vscode.FileChangeEvent[]): void {
    this.changes.fire(events);
  }

  private forget(target: Target, recursive: boolean): void {
    for (const map of [this.seen, this.approved]) {
      for (const id of [...map.keys()]) {
        if (id === target.id) map.delete(id);
        else if (recursive && id.startsWith(`${target.id.replace(/\/+$/, "")}/`)) map.delete(id);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // FileSystemProvider

  watch(): vscode.Disposable {
    // No server push for object stores; editors re-read on focus through stat (mtime) anyway.
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.guard(uri, async () => {
      const target = await this.target(uri);
      const { bucket, key } = target.location;
      if (bucket === undefined) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
      const stat = await (await this.storeFor(target)).stat(bucket, key);
      if (!stat) throw vscode.FileSystemError.FileNotFound(uri);
      return toFileStat(stat);
    });
  }

  readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    return this.guard(uri, async () => {
      const target = await this.target(uri);
      const store = await this.storeFor(target);
      const { bucket, key } = target.location;
      if (bucket === undefined) return (await store.roots()).map((name): [string, vscode.FileType] => [name, vscode.FileType.Directory]);
      const entries = await store.list(bucket, key);
      return entries.map((e): [string, vscode.FileType] => [e.name, e.type === "directory" ? vscode.FileType.Directory : vscode.FileType.File]);
    });
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.guard(uri, async () => {
      const target = await this.target(uri);
      const { bucket, key } = target.location;
      if (bucket === undefined || trimSlashes(key) === "") throw vscode.FileSystemError.FileIsADirectory(uri);
      const store = await this.storeFor(target);
      const threshold = confirmThreshold(vscode.workspace.getConfiguration(SETTING_SECTION).get<number>(SETTING_CONFIRM));
      let result = await store.read(bucket, key, this.approved.has(target.id) ? Number.POSITIVE_INFINITY : threshold);
      if ("tooLarge" in result) {
        if (!(await this.confirmOpen(target, result.tooLarge))) {
          this.connections.log?.info(`opening ${target.display} (${formatSize(result.tooLarge)}) cancelled`);
          throw vscode.FileSystemError.NoPermissions(`${target.display}: opening cancelled (${formatSize(result.tooLarge)}, above ${SETTING_SECTION}.${SETTING_CONFIRM})`);
        }
        result = await store.read(bucket, key, Number.POSITIVE_INFINITY);
        if ("tooLarge" in result) throw vscode.FileSystemError.Unavailable(`${target.display} could not be read`);
      }
      this.seen.set(target.id, { size: result.size, ...(result.etag ? { etag: result.etag } : {}) });
      return result.data;
    });
  }

  /** One modal question per object at a time (VS Code may read the same URI twice while opening it). */
  private confirmOpen(target: Target, size: number): Promise<boolean> {
    let prompt = this.prompts.get(target.id);
    if (!prompt) {
      prompt = (async () => {
        const answer = await vscode.window.showWarningMessage(confirmOpenMessage(target.display, size), { modal: true }, "Open");
        if (answer === "Open") this.approved.add(target.id);
        return answer === "Open";
      })().finally(() => this.prompts.delete(target.id));
      this.prompts.set(target.id, prompt);
    }
    return prompt;
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): Promise<void> {
    return this.guard(uri, async () => {
      const target = await this.target(uri);
      const { bucket, key } = target.location;
      if (bucket === undefined || trimSlashes(key) === "" || key.endsWith("/")) throw vscode.FileSystemError.FileIsADirectory(uri);
      const store = await this.storeFor(target);
      const current = await store.stat(bucket, key);
      const decision = decideWrite(this.seen.get(target.id), current && { type: current.type, ...(current.etag ? { etag: current.etag } : {}) }, options);
      if (decision.action === "conflict") {
        const message = conflictMessage(target.display, decision.seen, decision.current);
        this.connections.log?.warn(`save refused: ${message}`);
        throw vscode.FileSystemError.Unavailable(message);
      }
      if (decision.action === "fail") throw fsErrorOf(decision.code, uri);
      // A save keeps the object's Content-Type and user metadata (a PUT would otherwise drop them).
      const contentType = current?.contentType ?? contentTypeFor(key);
      const written = await store.write(bucket, key, content, { ...(contentType ? { contentType } : {}), ...(current?.metadata ? { metadata: current.metadata } : {}) });
      this.seen.set(target.id, { size: content.byteLength, ...(written.etag ? { etag: written.etag } : {}) });
      this.connections.log?.info(`saved ${target.display} (${formatSize(content.byteLength)})`);
      this.fire({ type: decision.created ? vscode.FileChangeType.Created : vscode.FileChangeType.Changed, uri });
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.guard(uri, async () => {
      const target = await this.target(uri);
      const { bucket, key } = target.location;
      if (bucket === undefined) throw vscode.FileSystemError.FileExists(uri);
      const store = await this.storeFor(target);
      const existing = await store.stat(bucket, key);
      if (existing) throw vscode.FileSystemError.FileExists(uri);
      if (trimSlashes(key) === "") throw vscode.FileSystemError.NoPermissions(`${target.display}: creating ${this.rootNoun()}s is not supported here`);
      await store.mkdir(bucket, key);
      this.fire({ type: vscode.FileChangeType.Created, uri });
    });
  }

  delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return this.guard(uri, async () => {
      const target = await this.target(uri);
      const { bucket, key } = target.location;
      if (bucket === undefined || trimSlashes(key) === "") throw vscode.FileSystemError.NoPermissions(`${target.display}: deleting ${this.rootNoun()}s is not supported here`);
      const store = await this.storeFor(target);
      const existing = await store.stat(bucket, key);
      if (!existing) throw vscode.FileSystemError.FileNotFound(uri);
      await store.delete(bucket, key, existing.type, options.recursive);
      this.forget(target, existing.type === "directory");
      this.connections.log?.info(`deleted ${target.display}`);
      this.fire({ type: vscode.FileChangeType.Deleted, uri });
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): Promise<void> {
    return this.guard(oldUri, async () => {
      const from = await this.target(oldUri);
      const to = await this.target(newUri);
      for (const [t, uri] of [[from, oldUri], [to, newUri]] as const) {
        if (t.location.bucket === undefined || trimSlashes(t.location.key) === "") throw vscode.FileSystemError.NoPermissions(`${t.display}: renaming ${this.rootNoun()}s is not supported here`);
        if (t.location.scheme !== this.scheme) throw vscode.FileSystemError.NoPermissions(`${uri.toString(true)} is not on ${this.scheme}`);
      }
      if (isSameOrBelow(to.location, from.location)) throw vscode.FileSystemError.NoPermissions(`cannot move ${from.display} into itself`);
      const source = await (await this.storeFor(from)).stat(from.location.bucket!, from.location.key);
      if (!source) throw vscode.FileSystemError.FileNotFound(oldUri);
      const targetStore = await this.storeFor(to);
      const existing = await targetStore.stat(to.location.bucket!, to.location.key);
      if (existing && !options.overwrite) throw vscode.FileSystemError.FileExists(newUri);
      if (existing?.type === "directory") throw vscode.FileSystemError.FileIsADirectory(newUri);
      await this.move(from, to, source);
      // The moved object is the version the editor had (if it had one): a later save there compares with it.
      const version = this.seen.get(from.id);
      this.forget(from, source.type === "directory");
      if (version && source.type === "file") {
        const moved = await targetStore.stat(to.location.bucket!, to.location.key).catch(() => undefined);
        this.seen.set(to.id, { size: version.size, ...(moved?.etag ? { etag: moved.etag } : {}) });
      }
      this.connections.log?.info(`renamed ${from.display} to ${to.display}`);
      this.fire({ type: vscode.FileChangeType.Deleted, uri: oldUri }, { type: vscode.FileChangeType.Created, uri: newUri });
    });
  }

  /** Moves an existing object or folder; `to` is free or a file that may be replaced. */
  protected abstract move(from: Target, to: Target, source: StoreStat): Promise<void>;

  /** "bucket" / "container", for messages. */
  protected abstract rootNoun(): string;
}

export class S3FileSystemProvider extends ObjectFileSystemProvider {
  constructor(connections: ObjectConnections) {
    super("s3", connections);
  }

  protected async store(profile: string): Promise<ObjectStore> {
    return new S3Store(await this.connections.client("s3", profile));
  }

  protected rootNoun(): string {
    return "bucket";
  }

  /** S3 has no rename: copy the bytes (through this machine), then delete the original. Files only. */
  protected async move(from: Target, to: Target, source: StoreStat): Promise<void> {
    if (source.type === "directory") {
      throw vscode.FileSystemError.NoPermissions(`${from.display} is a folder: S3 has no rename, and renaming a folder would copy and delete every object below it; use the AWS CLI (aws s3 mv --recursive) for that`);
    }
    if (source.size > S3_RENAME_LIMIT) {
      throw vscode.FileSystemError.NoPermissions(`${from.display} is ${formatSize(source.size)}: too large to rename by copying it through VS Code; use the AWS CLI (aws s3 mv)`);
    }
    const sourceStore = await this.store(from.location.profile);
    const targetStore = await this.store(to.location.profile);
    const read = await sourceStore.read(from.location.bucket!, from.location.key, S3_RENAME_LIMIT);
    if ("tooLarge" in read) throw vscode.FileSystemError.NoPermissions(`${from.display} is ${formatSize(read.tooLarge)}: too large to rename by copying it through VS Code`);
    await targetStore.write(to.location.bucket!, to.location.key, read.data, {
      ...(source.contentType ? { contentType: source.contentType } : {}),
      ...(source.metadata ? { metadata: source.metadata } : {}),
    });
    try {
      await sourceStore.delete(from.location.bucket!, from.location.key, "file", false);
    } catch (error) {
      const { message } = classifyFsError(error);
      throw vscode.FileSystemError.Unavailable(`copied ${from.display} to ${to.display} but could not delete the original: ${message}`);
    }
  }
}

export class AdlsFileSystemProvider extends ObjectFileSystemProvider {
  constructor(connections: ObjectConnections) {
    super("abfss", connections);
  }

  protected async store(profile: string): Promise<ObjectStore> {
    return new AdlsStore(await this.connections.client("adls2", profile));
  }

  protected rootNoun(): string {
    return "container";
  }

  /** The account's own rename (atomic with a hierarchical namespace), within one container of one profile. */
  protected async move(from: Target, to: Target): Promise<void> {
    if (from.location.profile !== to.location.profile || from.location.bucket !== to.location.bucket) {
      throw vscode.FileSystemError.NoPermissions(`cannot move ${from.display} to ${to.display}: renames stay within one container of one profile; copy instead`);
    }
    const store = await this.store(from.location.profile);
    await store.rename!(from.location.bucket!, from.location.key, to.location.key);
  }
}

function toFileStat(stat: StoreStat): vscode.FileStat {
  return stat.type === "directory"
    ? { type: vscode.FileType.Directory, ctime: stat.mtime, mtime: stat.mtime, size: 0 }
    : // Object stores keep no creation time: ctime is the last modification too.
      { type: vscode.FileType.File, ctime: stat.mtime, mtime: stat.mtime, size: stat.size };
}

function fsErrorOf(code: FsErrorCode, messageOrUri: string | vscode.Uri): vscode.FileSystemError {
  switch (code) {
    case "FileNotFound":
      return vscode.FileSystemError.FileNotFound(messageOrUri);
    case "FileExists":
      return vscode.FileSystemError.FileExists(messageOrUri);
    case "FileIsADirectory":
      return vscode.FileSystemError.FileIsADirectory(messageOrUri);
    case "FileNotADirectory":
      return vscode.FileSystemError.FileNotADirectory(messageOrUri);
    case "NoPermissions":
      return vscode.FileSystemError.NoPermissions(messageOrUri);
    default:
      return vscode.FileSystemError.Unavailable(messageOrUri);
  }
}
