// The Connectors view's data: one group per backend that has profiles, the profiles below, and their
// contents loaded lazily. Changes are announced per node, so one node reloads without redrawing the tree.
import * as vscode from "vscode";
import type { Kind } from "../connections";
import { AdlsProfileNode } from "./adlsProfileNode";
import { clampPageSize } from "./format";
import { GroupNode } from "./groupNode";
import { MessageNode } from "./messageNode";
import { PostgresProfileNode } from "./postgresProfileNode";
import type { ProfileNode } from "./profileNode";
import { S3ProfileNode } from "./s3ProfileNode";
import { TreeNode, type TreeConnections, type TreeContext } from "./treeNode";

/** Backends in the order their groups appear (the tree imports no connector code until a client is asked for). */
const KINDS: readonly Kind[] = ["postgres", "s3", "adls2"];

const FILTERS_KEY = "autoWorkflow.tree.filters";

export interface ProviderOptions {
  /** Page size override (tests); default: setting autoWorkflow.tree.pageSize. */
  pageSize?: () => number;
  /** Where filters persist across sessions (workspaceState); in memory when absent. */
  state?: vscode.Memento;
}

/** The root when profiles cannot be listed (e.g. a malformed pyproject.toml). */
class RootMessageParent extends TreeNode {
  readonly id = "root";
  getTreeItem(): vscode.TreeItem {
    return new vscode.TreeItem("");
  }
}

export class ConnectorsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changedEmitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changedEmitter.event;
  private readonly ctx: TreeContext;
  private readonly groups = new Map<Kind, GroupNode>();
  private readonly profileNodes = new Map<string, ProfileNode>();
  private roots: Promise<TreeNode[]> | undefined;
  private readonly filters: Map<string, string>;
  private readonly disposables: vscode.Disposable[] = [];
  private loads = 0;

  constructor(
    readonly connections: TreeConnections,
    private readonly options: ProviderOptions = {},
  ) {
    this.filters = new Map(Object.entries(options.state?.get<Record<string, string>>(FILTERS_KEY) ?? {}));
    this.ctx = {
      connections,
      pageSize: options.pageSize ?? (() => clampPageSize(vscode.workspace.getConfiguration("autoWorkflow.tree").get<number>("pageSize"))),
      changed: (node) => this.changedEmitter.fire(node),
      getFilter: (id) => this.filters.get(id),
      setFilter: (id, filter) => {
        if (filter) this.filters.set(id, filter);
        else this.filters.delete(id);
        void options.state?.update(FILTERS_KEY, Object.fromEntries(this.filters));
      },
    };
    this.disposables.push(this.changedEmitter, connections.onDidChange((change) => void this.onConnectionsChanged(change.replaced)));
  }

  get context(): TreeContext {
    return this.ctx;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return node.getTreeItem();
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.getChildren().catch((error: unknown) => [MessageNode.error(node, this.ctx, error)]);
    this.roots ??= this.loadRoots();
    return this.roots;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.getParent();
  }

  /** Reload `node` (its nearest cached listing), or everything when undefined. */
  refresh(node?: TreeNode): void {
    if (!node) {
      for (const profile of this.profileNodes.values()) profile.reset();
      this.roots = undefined;
      this.changedEmitter.fire(undefined);
      return;
    }
    const target = node.refreshTarget() ?? node;
    target.reset();
    this.changedEmitter.fire(target);
  }

  /** Profiles as listed now, grouped by backend; profile nodes are kept (with their caches) across reloads. */
  private async loadRoots(): Promise<TreeNode[]> {
    const load = ++this.loads;
    try {
      const refs = await this.connections.profiles();
      const wanted = new Set<string>();
      for (const kind of KINDS) {
        const group = this.groups.get(kind) ?? new GroupNode(this.ctx, kind);
        this.groups.set(kind, group);
        group.profiles = refs
          .filter((r) => r.name === kind)
          .map((r) => {
            const key = `${kind}/${r.profile}`;
            wanted.add(key);
            let node = this.profileNodes.get(key);
            if (!node) {
              node = this.createProfile(group, kind, r.profile);
              this.profileNodes.set(key, node);
            }
            return node;
          });
      }
      for (const key of [...this.profileNodes.keys()]) if (!wanted.has(key)) this.profileNodes.delete(key);
      const roots = KINDS.map((k) => this.groups.get(k)!).filter((g) => g.profiles.length > 0);
      if (load === this.loads) await this.setContext(true, roots.length > 0);
      return roots;
    } catch (error) {
      if (load === this.loads) await this.setContext(true, false);
      this.connections.log.error(`listing connection profiles failed: ${error instanceof Error ? error.message : String(error)}`);
      return [MessageNode.error(new RootMessageParent(undefined, this.ctx), this.ctx, error, { command: { command: "autoWorkflow.tree.refresh", title: "Retry" } })];
    }
  }

  private createProfile(group: GroupNode, kind: Kind, profile: string): ProfileNode {
    switch (kind) {
      case "postgres":
        return new PostgresProfileNode(group, this.ctx, kind, profile);
      case "s3":
        return new S3ProfileNode(group, this.ctx, kind, profile);
      case "adls2":
        return new AdlsProfileNode(group, this.ctx, kind, profile);
    }
  }

  private async setContext(loaded: boolean, hasProfiles: boolean): Promise<void> {
    await vscode.commands.executeCommand("setContext", "autoWorkflow.profilesLoaded", loaded);
    await vscode.commands.executeCommand("setContext", "autoWorkflow.hasProfiles", hasProfiles);
  }

  /**
   * Settings, secrets, pyproject.toml or trust changed: when the set of profiles changed the root reloads
   * (profile nodes that remain keep their state); otherwise only profiles whose configuration (clients
   * replaced, or origin layers) changed are reset and redrawn.
   */
  private async onConnectionsChanged(replaced: ReadonlyArray<{ name: string; profile: string }>): Promise<void> {
    const before = [...this.profileNodes.keys()].sort().join("\n");
    let refs: Array<{ name: string; profile: string }>;
    try {
      refs = await this.connections.profiles();
    } catch {
      this.roots = undefined;
      this.changedEmitter.fire(undefined);
      return;
    }
    const after = refs.map((r) => `${r.name}/${r.profile}`).sort().join("\n");
    const affected: ProfileNode[] = [];
    for (const node of this.profileNodes.values()) {
      const wasReplaced = replaced.some((r) => r.name === node.kind && r.profile === node.profile);
      const previous = await node.resolved();
      const old = previous.view ? JSON.stringify(previous.view) : "error";
      const fresh = await this.connections.resolveConfig(node.kind, node.profile).then(
        (view) => JSON.stringify(view),
        () => "error",
      );
      if (wasReplaced || old !== fresh) affected.push(node);
    }
    if (before !== after) {
      for (const node of affected) node.reset();
      this.roots = undefined;
      this.changedEmitter.fire(undefined);
      return;
    }
    for (const node of affected) {
      node.reset();
      this.changedEmitter.fire(node);
    }
  }

  /** The profile node of kind/profile, if shown. */
  profileNode(kind: Kind, profile: string): ProfileNode | undefined {
    return this.profileNodes.get(`${kind}/${profile}`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
