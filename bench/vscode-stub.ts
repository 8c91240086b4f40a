// A minimal, in-process stand-in for the `vscode` module, so the extension bundle (or src/host code)
// can be loaded and activated in plain Node for the benchmarks (bench/activation.ts, bench/tree.ts).
//
//   const stub = createVscodeStub({ packageJsonFile, workspaceFolder });
//   installVscodeStub(stub);            // require("vscode") now returns stub.module
//   const ext = require("dist/extension.js");
//   const api = ext.activate(fakeExtensionContext(stub, { extensionPath, storageDir }));
//
// It implements what activate() and the Connectors tree touch: the namespaces window, commands,
// workspace, languages, env, extensions (anything else on them is a no-op function returning a
// disposable, recorded in `stub.misses`), and the classes and enums the host code constructs. Settings
// come from `settings` (as user values) over the defaults that package.json contributes. Nothing here
// draws UI: it only has to be cheap and not throw, so that what is timed is the extension's own work.
import Module from "node:module";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type * as vscode from "vscode";

type Listener<T> = (e: T) => unknown;
type AnyFn = (...args: unknown[]) => unknown;

export interface VscodeStubOptions {
  /** package.json of the extension: its contributed configuration defaults answer getConfiguration(). */
  packageJsonFile?: string;
  /** User settings by full key (e.g. "autoWorkflow.connectors"). */
  settings?: Record<string, unknown>;
  /** The one workspace folder (absolute path), or none. */
  workspaceFolder?: string;
  /** workspace.isTrusted. Default true. */
  trusted?: boolean;
}

export interface VscodeStub {
  /** What require("vscode") returns. */
  readonly module: Record<string, unknown>;
  /** `namespace.member` accesses the stub has no implementation for (answered by a no-op). */
  readonly misses: Set<string>;
  /** Registered command ids → handlers. */
  readonly commands: Map<string, AnyFn>;
  /** Counts of stub API calls by name (e.g. "window.createTreeView"). */
  readonly calls: Map<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Classes and enums

class Disposable {
  private fn: (() => unknown) | undefined;
  constructor(fn: () => unknown) {
    this.fn = fn;
  }
  static from(...items: Array<{ dispose(): unknown } | undefined>): Disposable {
    return new Disposable(() => {
      for (const d of items) d?.dispose();
    });
  }
  dispose(): void {
    const fn = this.fn;
    this.fn = undefined;
    fn?.();
  }
}

class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArg?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = thisArg === undefined ? listener : (e) => listener.call(thisArg, e);
    this.listeners.add(bound);
    const d = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** An event nobody fires. */
function noEvent(): (listener: unknown, thisArg?: unknown, disposables?: Disposable[]) => Disposable {
  return (_listener, _thisArg, disposables) => {
    const d = new Disposable(() => undefined);
    disposables?.push(d);
    return d;
  };
}

const URI_RE = /^([a-zA-Z][\w+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

class Uri {
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;

  private constructor(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }) {
    this.scheme = c.scheme;
    this.authority = c.authority ?? "";
    let p = c.path ?? "";
    if ((this.scheme === "file" || this.authority) && p && !p.startsWith("/")) p = `/${p}`;
    this.path = p;
    this.query = c.query ?? "";
    this.fragment = c.fragment ?? "";
  }

  static parse(value: string): Uri {
    const m = URI_RE.exec(value);
    if (!m) throw new Error(`[vscode stub] cannot parse URI ${JSON.stringify(value)}`);
    const dec = (s: string | undefined): string => (s ? decodeURIComponent(s) : "");
    return new Uri({ scheme: m[1]!, authority: dec(m[2]), path: dec(m[3]), query: dec(m[4]), fragment: dec(m[5]) });
  }

  static file(fsPath: string): Uri {
    return new Uri({ scheme: "file", path: fsPath.replace(/\\/g, "/") });
  }

  static from(c: { scheme: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri(c);
  }

  static joinPath(base: Uri, ...segments: string[]): Uri {
    return base.with({ path: path.posix.join(base.path || "/", ...segments) });
  }

  with(change: { scheme?: string; authority?: string; path?: string; query?: string; fragment?: string }): Uri {
    return new Uri({
      scheme: change.scheme ?? this.scheme,
      authority: change.authority ?? this.authority,
      path: change.path ?? this.path,
      query: change.query ?? this.query,
      fragment: change.fragment ?? this.fragment,
    });
  }

  get fsPath(): string {
    return this.path;
  }

  toString(skipEncoding = false): string {
    const enc = (s: string, keepSlash: boolean): string => (skipEncoding ? s : keepSlash ? s.split("/").map(encodeURIComponent).join("/") : encodeURIComponent(s));
    let out = `${this.scheme}:`;
    if (this.authority || this.scheme === "file") out += `//${enc(this.authority, false)}`;
    out += enc(this.path, true);
    if (this.query) out += `?${enc(this.query, false)}`;
    if (this.fragment) out += `#${enc(this.fragment, false)}`;
    return out;
  }

  toJSON(): Record<string, string> {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}

class ThemeColor {
  constructor(readonly id: string) {}
}

class ThemeIcon {
  static readonly File = new ThemeIcon("file");
  static readonly Folder = new ThemeIcon("folder");
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

class MarkdownString {
  value: string;
  isTrusted?: boolean;
  supportHtml?: boolean;
  constructor(
    value = "",
    readonly supportThemeIcons = false,
  ) {
    this.value = value;
  }
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!]/g, "\\$&");
    return this;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendCodeblock(code: string, language = ""): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}

class TreeItem {
  label?: unknown;
  resourceUri?: Uri;
  id?: string;
  iconPath?: unknown;
  description?: string | boolean;
  tooltip?: unknown;
  contextValue?: string;
  command?: unknown;
  collapsibleState?: number;
  constructor(labelOrUri: unknown, collapsibleState = 0) {
    if (labelOrUri instanceof Uri) this.resourceUri = labelOrUri;
    else this.label = labelOrUri;
    this.collapsibleState = collapsibleState;
  }
}

class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
  compareTo(other: Position): number {
    return this.line - other.line || this.character - other.character;
  }
  isBefore(other: Position): boolean {
    return this.compareTo(other) < 0;
  }
}

class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    const s = typeof a === "number" ? new Position(a, b as number) : a;
    const e = typeof a === "number" ? new Position(c!, d!) : (b as Position);
    [this.start, this.end] = s.compareTo(e) <= 0 ? [s, e] : [e, s];
  }
  get isEmpty(): boolean {
    return this.start.compareTo(this.end) === 0;
  }
  contains(p: Position | Range): boolean {
    if (p instanceof Range) return this.contains(p.start) && this.contains(p.end);
    return this.start.compareTo(p) <= 0 && p.compareTo(this.end) <= 0;
  }
  intersection(other: Range): Range | undefined {
    const start = this.start.compareTo(other.start) >= 0 ? this.start : other.start;
    const end = this.end.compareTo(other.end) <= 0 ? this.end : other.end;
    return start.compareTo(end) > 0 ? undefined : new Range(start, end);
  }
}

class Diagnostic {
  code?: unknown;
  source?: string;
  constructor(
    readonly range: Range,
    readonly message: string,
    readonly severity = 0,
  ) {}
}

class CodeActionKind {
  static readonly Empty = new CodeActionKind("");
  static readonly QuickFix = new CodeActionKind("quickfix");
  static readonly Refactor = new CodeActionKind("refactor");
  static readonly Source = new CodeActionKind("source");
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
}

class CodeAction {
  diagnostics?: Diagnostic[];
  isPreferred?: boolean;
  command?: unknown;
  constructor(
    readonly title: string,
    readonly kind?: CodeActionKind,
  ) {}
}

class WorkspaceEdit {
  readonly edits: Array<{ uri: Uri; range: Range; text: string }> = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.edits.push({ uri, range, text });
  }
}

class CancellationError extends Error {
  constructor() {
    super("Canceled");
    this.name = "Canceled";
  }
}

class FileSystemError extends Error {
  constructor(
    messageOrUri?: string | Uri,
    readonly code = "Unknown",
  ) {
    super(typeof messageOrUri === "string" ? messageOrUri : (messageOrUri?.toString() ?? code));
    this.name = `${code} (FileSystemError)`;
  }
  static FileNotFound(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, "FileNotFound");
  }
  static FileExists(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, "FileExists");
  }
  static FileNotADirectory(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, "FileNotADirectory");
  }
  static FileIsADirectory(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, "FileIsADirectory");
  }
  static NoPermissions(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, "NoPermissions");
  }
  static Unavailable(m?: string | Uri): FileSystemError {
    return new FileSystemError(m, "Unavailable");
  }
}

class DataTransferItem {
  constructor(readonly value: unknown) {}
  asString(): Promise<string> {
    return Promise.resolve(typeof this.value === "string" ? this.value : JSON.stringify(this.value));
  }
  asFile(): undefined {
    return undefined;
  }
}

class DataTransfer {
  private readonly items = new Map<string, DataTransferItem>();
  get(mime: string): DataTransferItem | undefined {
    return this.items.get(mime.toLowerCase());
  }
  set(mime: string, item: DataTransferItem): void {
    this.items.set(mime.toLowerCase(), item);
  }
  forEach(fn: (item: DataTransferItem, mime: string) => void): void {
    this.items.forEach(fn);
  }
}

class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

const ENUMS = {
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
  FileChangeType: { Changed: 1, Created: 2, Deleted: 3 },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  QuickPickItemKind: { Separator: -1, Default: 0 },
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
  ExtensionMode: { Production: 1, Development: 2, Test: 3 },
  LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
  EndOfLine: { LF: 1, CRLF: 2 },
} as const;

// ---------------------------------------------------------------------------------------------
// Namespaces

/** Contributed configuration defaults (full key → default) from a package.json. */
function configurationDefaults(file: string | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!file) return out;
  const pkg = JSON.parse(readFileSync(file, "utf8")) as { contributes?: { configuration?: unknown } };
  const sections = pkg.contributes?.configuration;
  for (const section of Array.isArray(sections) ? sections : sections ? [sections] : []) {
    const props = (section as { properties?: Record<string, { default?: unknown }> }).properties ?? {};
    for (const [key, schema] of Object.entries(props)) if ("default" in schema) out.set(key, schema.default);
  }
  return out;
}

/** A namespace object whose unknown members are recorded and answered by a no-op returning a disposable. */
function namespace(name: string, members: Record<string, unknown>, stub: { misses: Set<string>; calls: Map<string, number> }): Record<string, unknown> {
  const counted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(members)) {
    counted[key] =
      typeof value === "function"
        ? (...args: unknown[]): unknown => {
            stub.calls.set(`${name}.${key}`, (stub.calls.get(`${name}.${key}`) ?? 0) + 1);
            return (value as AnyFn)(...args);
          }
        : value;
  }
  return new Proxy(counted, {
    get(target, prop, receiver) {
      if (typeof prop !== "string" || prop in target) return Reflect.get(target, prop, receiver) as unknown;
      if (prop === "then") return undefined;
      stub.misses.add(`${name}.${prop}`);
      return () => new Disposable(() => undefined);
    },
  });
}

export function createVscodeStub(options: VscodeStubOptions = {}): VscodeStub {
  const misses = new Set<string>();
  const calls = new Map<string, number>();
  const commands = new Map<string, AnyFn>();
  const defaults = configurationDefaults(options.packageJsonFile);
  const settings = new Map(Object.entries(options.settings ?? {}));
  const book = { misses, calls };
  const folder = options.workspaceFolder;
  const folders = folder ? [{ uri: Uri.file(folder), name: path.basename(folder), index: 0 }] : undefined;

  const outputChannel = (name: string): Record<string, unknown> => {
    const lines: string[] = [];
    const log = (...args: unknown[]): void => {
      if (lines.length < 10_000) lines.push(args.map(String).join(" "));
    };
    return {
      name,
      logLevel: ENUMS.LogLevel.Info,
      onDidChangeLogLevel: noEvent(),
      lines,
      append: log,
      appendLine: log,
      replace: log,
      clear: () => (lines.length = 0),
      trace: log,
      debug: log,
      info: log,
      warn: log,
      error: log,
      show: () => undefined,
      hide: () => undefined,
      dispose: () => undefined,
    };
  };

  const configuration = (section?: string): Record<string, unknown> => {
    const full = (key: string): string => (section ? `${section}.${key}` : key);
    return {
      get: (key: string, fallback?: unknown): unknown => (settings.has(full(key)) ? settings.get(full(key)) : defaults.has(full(key)) ? defaults.get(full(key)) : fallback),
      has: (key: string): boolean => settings.has(full(key)) || defaults.has(full(key)),
      inspect: (key: string) => ({ key: full(key), defaultValue: defaults.get(full(key)), globalValue: settings.get(full(key)) }),
      update: (key: string, value: unknown): Promise<void> => {
        if (value === undefined) settings.delete(full(key));
        else settings.set(full(key), value);
        return Promise.resolve();
      },
    };
  };

  const window = namespace(
    "window",
    {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createOutputChannel: outputChannel,
      createStatusBarItem: () => ({ text: "", tooltip: undefined, name: undefined, command: undefined, show: () => undefined, hide: () => undefined, dispose: () => undefined }),
      createTreeView: (_id: string, _options: unknown) => ({
        visible: true,
        selection: [],
        message: undefined,
        title: undefined,
        description: undefined,
        badge: undefined,
        onDidChangeVisibility: noEvent(),
        onDidChangeSelection: noEvent(),
        onDidExpandElement: noEvent(),
        onDidCollapseElement: noEvent(),
        onDidChangeCheckboxState: noEvent(),
        reveal: () => Promise.resolve(),
        dispose: () => undefined,
      }),
      registerTreeDataProvider: () => new Disposable(() => undefined),
      registerFileDecorationProvider: () => new Disposable(() => undefined),
      registerUriHandler: () => new Disposable(() => undefined),
      onDidChangeActiveTextEditor: noEvent(),
      onDidChangeVisibleTextEditors: noEvent(),
      onDidChangeWindowState: noEvent(),
      showInformationMessage: () => Promise.resolve(undefined),
      showWarningMessage: () => Promise.resolve(undefined),
      showErrorMessage: () => Promise.resolve(undefined),
      showQuickPick: () => Promise.resolve(undefined),
      showInputBox: () => Promise.resolve(undefined),
      showOpenDialog: () => Promise.resolve(undefined),
      showSaveDialog: () => Promise.resolve(undefined),
      showTextDocument: () => Promise.resolve(undefined),
      setStatusBarMessage: () => new Disposable(() => undefined),
      withProgress: (_opts: unknown, task: (p: unknown, t: unknown) => unknown) => Promise.resolve(task({ report: () => undefined }, new CancellationTokenSource().token)),
    },
    book,
  );

  const commandsNs = namespace(
    "commands",
    {
      registerCommand: (id: string, fn: AnyFn): Disposable => {
        if (commands.has(id)) throw new Error(`[vscode stub] command '${id}' already registered`);
        commands.set(id, fn);
        return new Disposable(() => commands.delete(id));
      },
      registerTextEditorCommand: (id: string, fn: AnyFn): Disposable => {
        commands.set(id, fn);
        return new Disposable(() => commands.delete(id));
      },
      executeCommand: (id: string, ...args: unknown[]): Promise<unknown> => {
        const fn = commands.get(id);
        return fn ? Promise.resolve(fn(...args)) : Promise.resolve(undefined);
      },
      getCommands: () => Promise.resolve([...commands.keys()]),
    },
    book,
  );

  const workspace = namespace(
    "workspace",
    {
      isTrusted: options.trusted ?? true,
      workspaceFolders: folders,
      workspaceFile: undefined,
      name: folder ? path.basename(folder) : undefined,
      textDocuments: [],
      getConfiguration: configuration,
      getWorkspaceFolder: (uri: Uri) => folders?.find((f) => uri.path.startsWith(f.uri.path)),
      asRelativePath: (p: Uri | string) => {
        const s = typeof p === "string" ? p : p.path;
        return folder && s.startsWith(`${folder}/`) ? s.slice(folder.length + 1) : s;
      },
      onDidChangeConfiguration: noEvent(),
      onDidGrantWorkspaceTrust: noEvent(),
      onDidChangeWorkspaceFolders: noEvent(),
      onDidOpenTextDocument: noEvent(),
      onDidChangeTextDocument: noEvent(),
      onDidCloseTextDocument: noEvent(),
      onDidSaveTextDocument: noEvent(),
      registerFileSystemProvider: () => new Disposable(() => undefined),
      registerTextDocumentContentProvider: () => new Disposable(() => undefined),
      createFileSystemWatcher: () => ({ onDidChange: noEvent(), onDidCreate: noEvent(), onDidDelete: noEvent(), dispose: () => undefined }),
      findFiles: () => Promise.resolve([]),
      openTextDocument: () => Promise.reject(new Error("[vscode stub] openTextDocument is not supported")),
      applyEdit: () => Promise.resolve(false),
      fs: {
        // Real reads for file: URIs (the diagnostics read .vscode/settings.json and pyproject.toml at activation).
        readFile: async (uri: Uri): Promise<Uint8Array> => {
          if (uri.scheme !== "file") throw FileSystemError.Unavailable(uri);
          try {
            return await readFile(uri.fsPath);
          } catch {
            throw FileSystemError.FileNotFound(uri);
          }
        },
        stat: () => Promise.reject(FileSystemError.FileNotFound()),
        writeFile: () => Promise.resolve(),
        readDirectory: () => Promise.resolve([]),
        createDirectory: () => Promise.resolve(),
        delete: () => Promise.resolve(),
      },
    },
    book,
  );

  const languages = namespace(
    "languages",
    {
      createDiagnosticCollection: (name?: string) => {
        const entries = new Map<string, unknown[]>();
        return {
          name,
          set: (uri: Uri, diagnostics: unknown[] | undefined) => void (diagnostics ? entries.set(uri.toString(), diagnostics) : entries.delete(uri.toString())),
          delete: (uri: Uri) => void entries.delete(uri.toString()),
          get: (uri: Uri) => entries.get(uri.toString()),
          has: (uri: Uri) => entries.has(uri.toString()),
          clear: () => entries.clear(),
          forEach: () => undefined,
          dispose: () => entries.clear(),
        };
      },
      registerCodeActionsProvider: () => new Disposable(() => undefined),
      registerCompletionItemProvider: () => new Disposable(() => undefined),
      registerHoverProvider: () => new Disposable(() => undefined),
      setTextDocumentLanguage: (doc: unknown) => Promise.resolve(doc),
      getLanguages: () => Promise.resolve([]),
    },
    book,
  );

  let clipboard = "";
  const env = namespace(
    "env",
    {
      appName: "Visual Studio Code (bench stub)",
      appRoot: "",
      uriScheme: "vscode",
      language: "en",
      machineId: "bench",
      sessionId: "bench",
      remoteName: undefined,
      uiKind: 1,
      clipboard: { readText: () => Promise.resolve(clipboard), writeText: (t: string) => Promise.resolve(void (clipboard = t)) },
      openExternal: () => Promise.resolve(true),
      asExternalUri: (u: Uri) => Promise.resolve(u),
    },
    book,
  );

  const extensions = namespace("extensions", { all: [], getExtension: () => undefined, onDidChange: noEvent() }, book);

  const module: Record<string, unknown> = {
    version: "1.138.0",
    window,
    commands: commandsNs,
    workspace,
    languages,
    env,
    extensions,
    Disposable,
    EventEmitter,
    Uri,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    TreeItem,
    Position,
    Range,
    Selection: Range,
    Diagnostic,
    CodeAction,
    CodeActionKind,
    WorkspaceEdit,
    CancellationError,
    CancellationTokenSource,
    FileSystemError,
    DataTransfer,
    DataTransferItem,
    ...ENUMS,
  };
  return { module, misses, commands, calls };
}

// ---------------------------------------------------------------------------------------------
// require("vscode")

const STUB_ID = "\u0000vscode-bench-stub";

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
  new (id: string): { id: string; filename: string; loaded: boolean; exports: unknown };
}

/** Makes require("vscode") return `stub.module` (in this process, for CommonJS requires). Returns the undo. */
export function installVscodeStub(stub: VscodeStub): () => void {
  const M = Module as unknown as ModuleInternals;
  const original = M._resolveFilename;
  M._resolveFilename = function (this: unknown, request: string, parent: unknown, ...rest: unknown[]): string {
    return request === "vscode" ? STUB_ID : original.call(this, request, parent, ...rest);
  };
  const entry = new M(STUB_ID);
  entry.filename = STUB_ID;
  entry.loaded = true;
  entry.exports = stub.module;
  M._cache[STUB_ID] = entry;
  return () => {
    M._resolveFilename = original;
    delete M._cache[STUB_ID];
  };
}

// ---------------------------------------------------------------------------------------------
// ExtensionContext

function memento(): vscode.Memento & { setKeysForSync(keys: readonly string[]): void } {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T): T | undefined => (values.has(key) ? (values.get(key) as T) : fallback),
    update: (key: string, value: unknown) => {
      if (value === undefined) values.delete(key);
      else values.set(key, value);
      return Promise.resolve();
    },
    setKeysForSync: () => undefined,
  };
}

/** A fake ExtensionContext: in-memory mementos and SecretStorage, paths under `storageDir`. */
export function fakeExtensionContext(stub: VscodeStub, opts: { extensionPath: string; storageDir: string }): vscode.ExtensionContext {
  const secrets = new Map<string, string>();
  const changed = new EventEmitter<{ key: string }>();
  const secretStorage = {
    get: (key: string) => Promise.resolve(secrets.get(key)),
    store: (key: string, value: string) => {
      secrets.set(key, value);
      changed.fire({ key });
      return Promise.resolve();
    },
    delete: (key: string) => {
      secrets.delete(key);
      changed.fire({ key });
      return Promise.resolve();
    },
    keys: () => Promise.resolve([...secrets.keys()]),
    onDidChange: changed.event,
  };
  const context: Record<string, unknown> = {
    subscriptions: [],
    workspaceState: memento(),
    globalState: memento(),
    secrets: secretStorage,
    extensionUri: Uri.file(opts.extensionPath),
    extensionPath: opts.extensionPath,
    asAbsolutePath: (p: string) => path.join(opts.extensionPath, p),
    storageUri: Uri.file(path.join(opts.storageDir, "workspace")),
    storagePath: path.join(opts.storageDir, "workspace"),
    globalStorageUri: Uri.file(path.join(opts.storageDir, "global")),
    globalStoragePath: path.join(opts.storageDir, "global"),
    logUri: Uri.file(path.join(opts.storageDir, "log")),
    logPath: path.join(opts.storageDir, "log"),
    extensionMode: ENUMS.ExtensionMode.Production,
    environmentVariableCollection: { persistent: true, replace: () => undefined, append: () => undefined, prepend: () => undefined, get: () => undefined, forEach: () => undefined, delete: () => undefined, clear: () => undefined },
    extension: { id: "auto-workflow.auto-workflow-connectors", extensionUri: Uri.file(opts.extensionPath), extensionPath: opts.extensionPath, isActive: true, packageJSON: {}, extensionKind: 2, exports: undefined },
  };
  return new Proxy(context, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && !(prop in target) && prop !== "then") stub.misses.add(`context.${prop}`);
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as unknown as vscode.ExtensionContext;
}
