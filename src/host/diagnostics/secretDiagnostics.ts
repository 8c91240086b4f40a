// Warnings on plaintext secrets in settings.json files and pyproject.toml, with a quick fix that moves
// the value to SecretStorage and leaves a secret:// reference in its place.
//
// Scanned: every open document named settings.json (workspace, folder or user settings) or
// pyproject.toml, and, while not open, each workspace folder's .vscode/settings.json and pyproject.toml
// read from disk.
import * as vscode from "vscode";
import type { Connections } from "../connections";
import { profileScope } from "../secrets";
import { findPlaintextSecrets, matchesFinding, PLAINTEXT_SECRET_CODE, replacementFor, secretFileFormat, type PlaintextSecret } from "./plaintext";

export const MOVE_SECRET_COMMAND = "autoWorkflow.moveSecretToStorage";
export const DIAGNOSTIC_SOURCE = "Auto Workflow";
export { PLAINTEXT_SECRET_CODE };

/** What the quick fix passes to the move command. */
export interface MoveSecretArgs {
  name: string;
  profile: string;
  /** Key as in the file or canonical, e.g. `password`, `secret_access_key`, `dsn`. */
  key: string;
  uri: vscode.Uri | string;
}

export interface DiagnosticsOptions {
  /** Command the quick fix runs (tests register under another id). Default: autoWorkflow.moveSecretToStorage. */
  moveCommand?: string;
  /** Name of the DiagnosticCollection. */
  collectionName?: string;
}

type SecretsHost = Pick<Connections, "secrets" | "log">;

type Context = Pick<vscode.ExtensionContext, "subscriptions">;

const SCANNED_SCHEMES = new Set(["file", "vscode-userdata", "vscode-remote", "untitled"]);
const DISK_FILES = [".vscode/settings.json", "pyproject.toml"];

function isCandidate(uri: vscode.Uri): boolean {
  return SCANNED_SCHEMES.has(uri.scheme) && secretFileFormat(uri.path) !== undefined;
}

function findingsIn(document: vscode.TextDocument): PlaintextSecret[] {
  const format = secretFileFormat(document.uri.path);
  return format ? findPlaintextSecrets(document.getText(), format) : [];
}

function rangeOf(document: vscode.TextDocument, target: { offset: number; length: number }): vscode.Range {
  return new vscode.Range(document.positionAt(target.offset), document.positionAt(target.offset + target.length));
}

/** Line/character positions from offsets, for text that is not open in an editor. */
function rangeInText(text: string, target: { offset: number; length: number }): vscode.Range {
  const at = (offset: number): vscode.Position => {
    const before = text.slice(0, offset);
    const line = before.split("\n").length - 1;
    return new vscode.Position(line, offset - (before.lastIndexOf("\n") + 1));
  };
  return new vscode.Range(at(target.offset), at(target.offset + target.length));
}

function diagnosticFor(finding: PlaintextSecret, range: vscode.Range): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(range, finding.message, vscode.DiagnosticSeverity.Warning);
  diagnostic.code = PLAINTEXT_SECRET_CODE;
  diagnostic.source = DIAGNOSTIC_SOURCE;
  return diagnostic;
}

/** The DiagnosticCollection and what keeps it current. */
export function registerPlaintextSecretDiagnostics(context: Context, _connections: SecretsHost, options: DiagnosticsOptions = {}): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(options.collectionName ?? "autoWorkflow.plaintextSecrets");
  const disposables: vscode.Disposable[] = [collection];
  const pending = new Map<string, ReturnType<typeof setTimeout>>();

  const openDocument = (uri: vscode.Uri): vscode.TextDocument | undefined => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && !d.isClosed);

  const scanDocument = (document: vscode.TextDocument): void => {
    if (!isCandidate(document.uri)) return;
    collection.set(
      document.uri,
      findingsIn(document).map((f) => diagnosticFor(f, rangeOf(document, f.target))),
    );
  };

  const scanDisk = async (uri: vscode.Uri): Promise<void> => {
    if (openDocument(uri)) return;
    const format = secretFileFormat(uri.path);
    if (!format) return;
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      collection.delete(uri);
      return;
    }
    if (openDocument(uri)) return;
    collection.set(
      uri,
      findPlaintextSecrets(text, format).map((f) => diagnosticFor(f, rangeInText(text, f.target))),
    );
  };

  const diskFiles = (): vscode.Uri[] => (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => DISK_FILES.map((file) => vscode.Uri.joinPath(folder.uri, file)));
  const isDiskFile = (uri: vscode.Uri): boolean => diskFiles().some((u) => u.toString() === uri.toString());
  const scanAllDisk = (): void => {
    for (const uri of diskFiles()) void scanDisk(uri);
  };

  const schedule = (document: vscode.TextDocument): void => {
    const key = document.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        if (!document.isClosed) scanDocument(document);
      }, 150),
    );
  };

  disposables.push(
    vscode.workspace.onDidOpenTextDocument(scanDocument),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (isCandidate(e.document.uri)) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (!isCandidate(document.uri)) return;
      clearTimeout(pending.get(document.uri.toString()));
      collection.delete(document.uri);
      // A workspace file keeps its findings while closed (read from disk).
      if (isDiskFile(document.uri)) void scanDisk(document.uri);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const folder of e.removed) for (const file of DISK_FILES) if (!openDocument(vscode.Uri.joinPath(folder.uri, file))) collection.delete(vscode.Uri.joinPath(folder.uri, file));
      scanAllDisk();
    }),
    { dispose: () => pending.forEach((timer) => clearTimeout(timer)) },
  );
  // One watcher for every folder (also folders added later); only the folders' own files count.
  const watcher = vscode.workspace.createFileSystemWatcher("**/{.vscode/settings.json,pyproject.toml}");
  const rescan = (uri: vscode.Uri): void => {
    if (isDiskFile(uri)) void scanDisk(uri);
  };
  disposables.push(
    watcher,
    watcher.onDidChange(rescan),
    watcher.onDidCreate(rescan),
    watcher.onDidDelete((uri) => {
      if (isDiskFile(uri) && !openDocument(uri)) collection.delete(uri);
    }),
  );

  for (const document of vscode.workspace.textDocuments) scanDocument(document);
  scanAllDisk();

  const provider = vscode.languages.registerCodeActionsProvider(
    [{ pattern: "**/settings.json" }, { pattern: "**/pyproject.toml" }, { language: "jsonc" }, { language: "json" }, { language: "toml" }],
    {
      provideCodeActions(document, range, ctx) {
        if (!isCandidate(document.uri)) return [];
        const actions: vscode.CodeAction[] = [];
        for (const finding of findingsIn(document)) {
          const target = rangeOf(document, finding.target);
          if (!target.intersection(range)) continue;
          const action = new vscode.CodeAction("Move to SecretStorage", vscode.CodeActionKind.QuickFix);
          action.diagnostics = ctx.diagnostics.filter((d) => d.code === PLAINTEXT_SECRET_CODE && d.range.intersection(target) !== undefined);
          action.isPreferred = true;
          const args: MoveSecretArgs = { name: finding.name, profile: finding.profile, key: finding.key, uri: document.uri };
          action.command = { title: "Move to SecretStorage", command: options.moveCommand ?? MOVE_SECRET_COMMAND, arguments: [args] };
          actions.push(action);
        }
        return actions;
      },
    },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );
  disposables.push(provider);

  const all = vscode.Disposable.from(...disposables);
  context.subscriptions.push(all);
  return all;
}

function asArgs(arg: unknown): (MoveSecretArgs & { uri: vscode.Uri }) | undefined {
  const a = arg as { name?: unknown; profile?: unknown; key?: unknown; uri?: unknown } | undefined;
  if (!a || typeof a.name !== "string" || typeof a.profile !== "string" || typeof a.key !== "string") return undefined;
  let uri: vscode.Uri | undefined;
  if (a.uri instanceof vscode.Uri) uri = a.uri;
  else if (typeof a.uri === "string") uri = vscode.Uri.parse(a.uri);
  else if (typeof a.uri === "object" && a.uri !== null && typeof (a.uri as { scheme?: unknown }).scheme === "string") uri = vscode.Uri.from(a.uri as { scheme: string });
  return uri ? { name: a.name, profile: a.profile, key: a.key, uri } : undefined;
}

/**
 * Moves one plaintext secret to SecretStorage and replaces it in the document with its reference (a
 * DSN keeps everything but its password), then saves. Resolves to the reference, or undefined when
 * nothing was moved.
 */
export async function moveSecretToStorage(connections: SecretsHost, arg: unknown): Promise<string | undefined> {
  const args = asArgs(arg);
  if (!args) {
    void vscode.window.showErrorMessage("Move to SecretStorage: expected { name, profile, key, uri }.");
    return undefined;
  }
  const uri = args.uri;
  const document = await vscode.workspace.openTextDocument(uri);
  const finding = findingsIn(document).find((f) => matchesFinding(f, args.name, args.profile, args.key));
  if (!finding) {
    void vscode.window.showInformationMessage(`${args.key} of ${args.name}.${args.profile} holds no plaintext secret (any more) in ${vscode.workspace.asRelativePath(uri)}.`);
    return undefined;
  }
  const reference = await connections.secrets.set(profileScope(finding.name, finding.profile), finding.storageKey, finding.secret);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, rangeOf(document, finding.target), replacementFor(finding, reference));
  if (!(await vscode.workspace.applyEdit(edit))) {
    // Stored but not replaced: say so rather than leave the user guessing.
    void vscode.window.showErrorMessage(`Stored ${reference}, but could not edit ${vscode.workspace.asRelativePath(uri)}; replace the value with that reference yourself.`);
    return undefined;
  }
  if (!document.isUntitled) await document.save();
  const what = finding.kind === "url-password" ? `the password in ${finding.key}` : finding.key;
  connections.log.info(`moved ${what} of ${finding.name}.${finding.profile} to SecretStorage (${reference}) in ${uri.toString(true)}`);
  return reference;
}

export function registerMoveSecretCommand(context: Context, connections: SecretsHost, options: DiagnosticsOptions = {}): vscode.Disposable {
  const command = vscode.commands.registerCommand(options.moveCommand ?? MOVE_SECRET_COMMAND, (arg: unknown) => moveSecretToStorage(connections, arg));
  context.subscriptions.push(command);
  return command;
}

/** Both: the diagnostics (with their quick fix) and the command the quick fix runs. */
export function registerDiagnostics(context: Context, connections: SecretsHost, options: DiagnosticsOptions = {}): vscode.Disposable {
  return vscode.Disposable.from(registerPlaintextSecretDiagnostics(context, connections, options), registerMoveSecretCommand(context, connections, options));
}
