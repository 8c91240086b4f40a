// The host's connectors: one registry fed by VS Code settings, the workspace's pyproject.toml (when
// trusted), the environment and SecretStorage. When any of those change, exactly the clients whose
// configuration changed are replaced, and listeners (trees, status bar) hear about it.
import * as vscode from "vscode";
import { createRegistry, type RegistryOptions, type ClientInfo, type Connector, type ConnectorEvent, type ConnectorTypes, type Registry, type ResolvedConfigView } from "../connectors/index";
import { SecretStore } from "./secrets";
import { CONNECTORS_KEY, SECTION, settingsSources } from "./settings";

export const KINDS = ["postgres", "s3", "adls2"] as const;
export type Kind = (typeof KINDS)[number];

export interface ProfileRef {
  name: string;
  profile: string;
}

export interface ConnectionsChange {
  /** Clients that were closed because their configuration changed. */
  replaced: ClientInfo[];
}

/**
 * The registry's layers for this window. Restricted mode (an untrusted workspace) keeps only user
 * settings, the environment and SecretStorage: a workspace's own files must not point the extension
 * at servers or pull secrets in.
 */
export function registryOptions(input: {
  trusted: boolean;
  folder: vscode.Uri | undefined;
  env: NodeJS.ProcessEnv;
  secrets: RegistryOptions["secrets"];
  onEvent?: RegistryOptions["onEvent"];
}): RegistryOptions {
  const { trusted, folder } = input;
  return {
    env: input.env,
    ...(input.secrets ? { secrets: input.secrets } : {}),
    sources: settingsSources(trusted, () => folder),
    ...(trusted && folder?.scheme === "file" ? { workspaceRoot: folder.fsPath } : {}),
    ...(input.onEvent ? { onEvent: input.onEvent } : {}),
  };
}

export class Connections implements vscode.Disposable {
  private current: Registry;
  private readonly changed = new vscode.EventEmitter<ConnectionsChange>();
  readonly onDidChange = this.changed.event;
  readonly secrets: SecretStore;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.secrets = new SecretStore(context.secrets);
    this.current = this.createRegistry();
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${CONNECTORS_KEY}`)) void this.revalidate("settings changed");
      }),
      this.secrets.onDidChange(() => void this.revalidate("a secret changed")),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.rebuild("workspace trusted")),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rebuild("workspace folders changed")),
    );
    const watcher = vscode.workspace.createFileSystemWatcher("**/pyproject.toml");
    const onPyproject = (): void => void this.revalidate("pyproject.toml changed");
    this.disposables.push(watcher, watcher.onDidChange(onPyproject), watcher.onDidCreate(onPyproject), watcher.onDidDelete(onPyproject));
  }

  get registry(): Registry {
    return this.current;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  private createRegistry(): Registry {
    return createRegistry(
      registryOptions({
        trusted: vscode.workspace.isTrusted,
        folder: vscode.workspace.workspaceFolders?.[0]?.uri,
        env: this.env,
        secrets: this.secrets.resolve,
        onEvent: (event) => this.logEvent(event),
      }),
    );
  }

  private logEvent(event: ConnectorEvent): void {
    const { level, event: name, connector, profile, operation: _op, time: _time, ...rest } = event;
    const where = connector ? ` ${connector}${profile ? `.${profile}` : ""}` : "";
    const detail = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
    const line = `${name}${where}${detail}`;
    switch (level) {
      case "error":
        this.log.error(line);
        break;
      case "warn":
        this.log.warn(line);
        break;
      case "info":
        this.log.info(line);
        break;
      case "debug":
        this.log.debug(line);
        break;
      default:
        this.log.trace(line);
    }
  }

  private async revalidate(reason: string): Promise<void> {
    const replaced = await this.current.revalidate();
    if (replaced.length) this.log.info(`${reason}: replaced ${replaced.map((r) => `${r.name}.${r.profile}`).join(", ")}`);
    this.changed.fire({ replaced });
  }

  private async rebuild(reason: string): Promise<void> {
    const old = this.current;
    this.current = this.createRegistry();
    this.log.info(`${reason}: connections reloaded`);
    this.changed.fire({ replaced: old.list() });
    await old.reset();
  }

  /** Every profile any layer defines, for the backends this extension knows. */
  async profiles(): Promise<ProfileRef[]> {
    const all = await this.current.profiles();
    return all.filter((p) => (KINDS as readonly string[]).includes(p.name));
  }

  client<K extends keyof ConnectorTypes & string>(name: K, profile: string): Promise<ConnectorTypes[K]>;
  client(name: string, profile: string): Promise<Connector>;
  client(name: string, profile: string): Promise<Connector> {
    return this.current.get(name, profile);
  }

  resolveConfig(name: string, profile: string): Promise<ResolvedConfigView> {
    return this.current.resolveConfig(name, profile);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.current.reset();
  }
}
