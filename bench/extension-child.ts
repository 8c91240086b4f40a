// Child process of bench/activation.ts and bench/tree.ts, compiled to plain CommonJS by
// bench/extension-bundle.ts and run with plain `node` (a fresh process per activation sample):
//
//   node extension-child.cjs '<ChildRequest as JSON>'
//
// Installs the vscode stub (bench/vscode-stub.ts), then times require(<bundle>) and activate(context),
// and lists which dist/vendor/* modules are in require.cache afterwards. With `tree`, it then walks the
// Connectors tree the way the view does when a user expands profile → bucket → prefix (getChildren, and
// getTreeItem for every child shown), timing the expansions. Prints one JSON line (ChildResult) last.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { createRequire } from "node:module";
import path from "node:path";
import type * as vscode from "vscode";
import { createVscodeStub, fakeExtensionContext, installVscodeStub } from "./vscode-stub";

export interface ChildRequest {
  bundle: string;
  packageJson: string;
  workspaceFolder: string;
  storageDir: string;
  settings?: Record<string, unknown>;
  /** Write a V8 CPU profile of require + activate here. */
  cpuProfile?: string;
  tree?: { kind: "s3"; profile: string; bucket: string; prefix: string; repeat: number };
}

export interface TreeTiming {
  /** Expanding profile (client creation + listBuckets, loading the SDK bundle) → bucket → prefix, in one go. */
  coldPathMs: number;
  profileMs: number;
  bucketMs: number;
  /** The prefix's first expansion (client exists, first listing of this prefix). */
  prefixFirstMs: number;
  /** refresh(prefix) + getChildren + getTreeItem of each child, `repeat` times. */
  warmMs: number[];
  /** The getChildren part of warmMs (the listing and the nodes; the rest is getTreeItem). */
  warmChildrenMs: number[];
  /** The same listing through the connector (api.workspace.client) in the same process, alternating with warmMs. */
  listPageMs: number[];
  children: number;
  objects: number;
  loadMore: boolean;
  firstLabels: string[];
  lastLabel: string;
  /** Entries of the page that were not rendered as expected (error or message nodes). */
  messages: string[];
}

export interface ChildResult {
  node: string;
  /** Since the process started (performance.timeOrigin) until the stub was in place. */
  bootMs: number;
  requireMs: number;
  activateMs: number;
  /** activate() returned: until the work it queued (promises, immediates) has run. */
  settleMs: number;
  /** User + system CPU of this process during require / activate (less sensitive to a busy machine). */
  requireCpuMs: number;
  activateCpuMs: number;
  vendorAfterActivate: string[];
  /** Node's own modules first loaded during require + activate (internal ones included). */
  builtinsLoaded: string[];
  vendorAfterTree?: string[];
  commands: number;
  subscriptions: number;
  misses: string[];
  calls: Record<string, number>;
  tree?: TreeTiming;
}

interface TreeNodeLike {
  id: string;
  getChildren(): Promise<TreeNodeLike[]>;
}
interface ProviderLike {
  getChildren(node?: TreeNodeLike): Promise<TreeNodeLike[]>;
  getTreeItem(node: TreeNodeLike): vscode.TreeItem | Thenable<vscode.TreeItem>;
  refresh(node?: TreeNodeLike): void;
}

function vendorModules(): string[] {
  return Object.keys(require.cache)
    .filter((k) => k.split(path.sep).join("/").includes("/dist/vendor/"))
    .map((k) => path.basename(k))
    .sort();
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

function labelOf(item: vscode.TreeItem): string {
  const l = item.label as string | { label: string } | undefined;
  return typeof l === "string" ? l : (l?.label ?? "");
}

async function expand(provider: ProviderLike, node: TreeNodeLike): Promise<{ children: TreeNodeLike[]; items: vscode.TreeItem[] }> {
  const children = await provider.getChildren(node);
  const items = await Promise.all(children.map((c) => provider.getTreeItem(c)));
  return { children, items };
}

interface ListingClient {
  listPage(bucket: string, prefix: string, options: { recursive: boolean; pageSize: number }): Promise<{ entries: unknown[] }>;
}

async function walkTree(provider: ProviderLike, want: NonNullable<ChildRequest["tree"]>, client: () => Promise<ListingClient>, pageSize: number): Promise<TreeTiming> {
  const roots = await provider.getChildren();
  await Promise.all(roots.map((r) => provider.getTreeItem(r)));
  const group = roots.find((r) => r.id === `group/${want.kind}`);
  if (!group) throw new Error(`the tree has no group/${want.kind} root (roots: ${roots.map((r) => r.id).join(", ") || "none"})`);
  const profiles = await expand(provider, group);
  const profile = profiles.children.find((p) => p.id === `profile/${want.kind}/${encodeURIComponent(want.profile)}`);
  if (!profile) throw new Error(`no profile node ${want.kind}.${want.profile} (found ${profiles.children.map((p) => p.id).join(", ") || "none"})`);

  const t0 = performance.now();
  const buckets = await expand(provider, profile);
  const t1 = performance.now();
  const bucket = buckets.children[buckets.items.findIndex((i) => labelOf(i) === want.bucket)];
  if (!bucket) throw new Error(`profile ${want.profile} shows no bucket ${want.bucket} (shown: ${buckets.items.map(labelOf).join(", ")})`);
  const top = await expand(provider, bucket);
  const t2 = performance.now();
  const prefixIndex = top.items.findIndex((i) => i.contextValue === "s3.prefix" && `${labelOf(i).replace(/\/?$/, "")}/` === want.prefix);
  const prefix = top.children[prefixIndex];
  if (!prefix) throw new Error(`bucket ${want.bucket} shows no prefix ${want.prefix} (shown: ${top.items.map((i) => `${labelOf(i)} [${i.contextValue}]`).join(", ")})`);
  let page = await expand(provider, prefix);
  const t3 = performance.now();

  const warmMs: number[] = [];
  const warmChildrenMs: number[] = [];
  const listPageMs: number[] = [];
  // The same listing straight through the connector in this process (the tree's client), alternating.
  const connector = await client();
  for (let i = 0; i < want.repeat; i++) {
    const l0 = performance.now();
    const direct = await connector.listPage(want.bucket, want.prefix, { recursive: false, pageSize });
    listPageMs.push(performance.now() - l0);
    if (direct.entries.length === 0) throw new Error(`listPage(${want.bucket}, ${want.prefix}) returned nothing`);
    provider.refresh(prefix);
    const w0 = performance.now();
    const children = await provider.getChildren(prefix);
    const w1 = performance.now();
    const items = await Promise.all(children.map((c) => provider.getTreeItem(c)));
    warmMs.push(performance.now() - w0);
    warmChildrenMs.push(w1 - w0);
    page = { children, items };
  }
  const objects = page.items.filter((i) => i.contextValue === "s3.object");
  const loadMore = page.items.some((i) => i.contextValue === "loadMore");
  const messages = page.items.filter((i) => i.contextValue !== "s3.object" && i.contextValue !== "loadMore").map((i) => `${labelOf(i)} ${String(i.description ?? "")}`.trim());
  return {
    coldPathMs: t3 - t0,
    profileMs: t1 - t0,
    bucketMs: t2 - t1,
    prefixFirstMs: t3 - t2,
    warmMs,
    warmChildrenMs,
    listPageMs,
    children: page.children.length,
    objects: objects.length,
    loadMore,
    firstLabels: objects.slice(0, 3).map(labelOf),
    lastLabel: objects.length ? labelOf(objects[objects.length - 1]!) : "",
    messages,
  };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? "{}") as ChildRequest;
  const stub = createVscodeStub({ packageJsonFile: request.packageJson, workspaceFolder: request.workspaceFolder, ...(request.settings ? { settings: request.settings } : {}) });
  installVscodeStub(stub);
  const context = fakeExtensionContext(stub, { extensionPath: path.dirname(path.dirname(request.bundle)), storageDir: request.storageDir });
  const load = createRequire(__filename);

  let session: Session | undefined;
  if (request.cpuProfile) {
    session = new Session();
    session.connect();
    const post = (method: string, params?: object): Promise<unknown> =>
      new Promise((resolve, reject) => session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
    await post("Profiler.enable");
    await post("Profiler.setSamplingInterval", { interval: 100 });
    await post("Profiler.start");
  }

  const moduleLoadList = (): string[] => (process as unknown as { moduleLoadList?: string[] }).moduleLoadList ?? [];
  const builtinsBefore = new Set(moduleLoadList());
  const bootMs = performance.now();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const extension = load(request.bundle) as { activate(ctx: vscode.ExtensionContext): unknown };
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const api = extension.activate(context);
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  await settle();
  const t3 = performance.now();
  const builtinsLoaded = moduleLoadList()
    .filter((m) => !builtinsBefore.has(m) && m.startsWith("NativeModule "))
    .map((m) => m.slice("NativeModule ".length));
  const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => (b.user - a.user + b.system - a.system) / 1_000;

  if (session && request.cpuProfile) {
    const s = session;
    const profile = await new Promise<unknown>((resolve, reject) => s.post("Profiler.stop", (err, result) => (err ? reject(err) : resolve(result.profile))));
    writeFileSync(request.cpuProfile, JSON.stringify(profile));
    s.disconnect();
  }

  const result: ChildResult = {
    node: process.version,
    bootMs,
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    settleMs: t3 - t2,
    requireCpuMs: cpuMs(c0, c1),
    activateCpuMs: cpuMs(c1, c2),
    vendorAfterActivate: vendorModules(),
    builtinsLoaded,
    commands: stub.commands.size,
    subscriptions: context.subscriptions.length,
    misses: [],
    calls: {},
  };

  if (request.tree) {
    const ext = api as { internals?: { tree?: { provider?: ProviderLike } }; workspace?: { client(name: string, profile: string): Promise<ListingClient> } };
    const provider = ext.internals?.tree?.provider;
    const workspace = ext.workspace;
    if (!provider || !workspace) throw new Error("activate() returned no internals.tree.provider / workspace");
    const pageSize = Number(request.settings?.["autoWorkflow.tree.pageSize"] ?? 200);
    const tree = request.tree;
    result.tree = await walkTree(provider, tree, () => workspace.client(tree.kind, tree.profile), pageSize);
    result.vendorAfterTree = vendorModules();
  }

  result.misses = [...stub.misses].sort();
  result.calls = Object.fromEntries([...stub.calls.entries()].sort());
  for (const d of context.subscriptions) {
    try {
      d.dispose();
    } catch {
      /* best effort */
    }
  }
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
  // Clients (sockets) may still be open: do not wait for them.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`extension-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
