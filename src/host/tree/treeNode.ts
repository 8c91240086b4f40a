// The base of every node of the Connectors tree (one class per node kind, one file per kind), and what
// nodes share: the connections, the page size, filters, and a way to ask for a node to be redrawn.
import type * as vscode from "vscode";
import type { Connections, Kind } from "../connections";

/**
 * What the tree needs of the host's Connections: profiles, clients, resolved configuration, change events
 * and the log. A Connections instance is one; tests can pass a registry adapter.
 */
export type TreeConnections = Pick<Connections, "profiles" | "client" | "resolveConfig" | "onDidChange" | "log">;

export interface TreeContext {
  readonly connections: TreeConnections;
  /** Entries per listing request (setting autoWorkflow.tree.pageSize). */
  pageSize(): number;
  /** Redraw `node` (its item and children), or the whole tree when undefined. */
  changed(node: TreeNode | undefined): void;
  /** Name filters by node id (kept across refreshes and reloads). */
  getFilter(id: string): string | undefined;
  setFilter(id: string, filter: string | undefined): void;
}

/** Where a node sits: its backend kind and profile (undefined only for the group nodes' children-less root). */
export interface ProfileScope {
  readonly kind: Kind;
  readonly profile: string;
}

export abstract class TreeNode implements vscode.Disposable {
  /** Unique and stable across refreshes: VS Code keeps selection and expansion by it. */
  abstract readonly id: string;

  constructor(
    readonly parent: TreeNode | undefined,
    protected readonly ctx: TreeContext,
  ) {}

  abstract getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;

  /** Children; never rejects (failures become a message node). */
  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }

  getParent(): TreeNode | undefined {
    return this.parent;
  }

  /**
   * The node `autoWorkflow.tree.refresh` reloads for this one: itself when it caches children,
   * else its nearest such ancestor.
   */
  refreshTarget(): TreeNode | undefined {
    return this.parent?.refreshTarget();
  }

  /** Forget cached children so the next getChildren asks the backend again. */
  reset(): void {
    // nothing cached by default
  }

  dispose(): void {
    // nothing held by default
  }

  /** `${parent}/${segment}` with the segment escaped, so ids never collide across levels. */
  protected childId(segment: string): string {
    return `${this.id}/${encodeURIComponent(segment)}`;
  }
}

/** Shared by the listing nodes: one load in flight at a time, results dropped when a refresh overtook them. */
export class Generation {
  private value = 0;
  next(): number {
    return ++this.value;
  }
  current(value: number): boolean {
    return value === this.value;
  }
}
