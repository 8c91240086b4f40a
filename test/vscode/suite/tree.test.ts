// The Connectors view inside a real VS Code: the tree provider over a real PostgreSQL (profile
// `postgres.vscode`, test/vscode/with-postgres.ts or with-storage.ts), and — when the storage profiles are
// in the environment (test/vscode/with-storage.ts: fauxqs for S3, Azurite for ADLS Gen2) — buckets,
// prefixes, paging, filters, uploads by drag & drop, downloads, folders, renames and deletes.
// The provider is built here over a registry of the extension's API (the tree only needs what
// Connections offers: profiles, client, resolveConfig, onDidChange, log), so the suite runs whether or not
// extension.ts wires the view yet, and the bundle carries no connector code of its own. The commands are
// registered through registerConnectorsTree when nobody did.
import * as assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as vscode from "vscode";
import type * as Connectors from "../../../src/connectors/index";
import type { ConnectionsChange } from "../../../src/host/connections";
import type { AdlsContainerNode } from "../../../src/host/tree/adlsContainerNode";
import type { AdlsDirectoryNode } from "../../../src/host/tree/adlsDirectoryNode";
import type { AdlsFileNode } from "../../../src/host/tree/adlsFileNode";
import { ConnectorsDragAndDrop } from "../../../src/host/tree/dragAndDrop";
import { registerConnectorsTree, type ConnectorsTree } from "../../../src/host/tree/index";
import type { LoadMoreNode } from "../../../src/host/tree/loadMoreNode";
import { MessageNode } from "../../../src/host/tree/messageNode";
import type { PgRelationNode } from "../../../src/host/tree/pgRelationNode";
import { PostgresActions, selectTopSql } from "../../../src/host/tree/postgresActions";
import { ConnectorsTreeProvider } from "../../../src/host/tree/provider";
import type { S3BucketNode } from "../../../src/host/tree/s3BucketNode";
import type { S3ObjectNode } from "../../../src/host/tree/s3ObjectNode";
import type { S3PrefixNode } from "../../../src/host/tree/s3PrefixNode";
import { StorageActions } from "../../../src/host/tree/storageActions";
import type { TreeConnections, TreeNode } from "../../../src/host/tree/treeNode";
import { abfssUri, parseAbfssUri, parseS3Uri, s3Uri } from "../../../src/host/tree/uris";

const EXTENSION_ID = "auto-workflow.auto-workflow-connectors";
const TREE_COMMANDS = [
  "refresh", "filter", "clearFilter", "loadMore", "open", "download", "uploadFiles", "uploadFolder", "newFolder", "rename",
  "delete", "copyUri", "copySignedUrl", "selectTop", "copyName", "exportCsv", "importCsv",
].map((c) => `autoWorkflow.tree.${c}`);

/** The tree's view of Connections over a registry of the extension's API. */
function connectionsOver(registry: Connectors.Registry, log: vscode.LogOutputChannel): TreeConnections & { changed: vscode.EventEmitter<ConnectionsChange> } {
  const changed = new vscode.EventEmitter<ConnectionsChange>();
  return {
    changed,
    onDidChange: changed.event,
    log,
    profiles: async () => (await registry.profiles()).filter((p) => ["postgres", "s3", "adls2"].includes(p.name)),
    client: ((name: string, profile: string) => registry.get(name, profile)) as TreeConnections["client"],
    resolveConfig: (name, profile) => registry.resolveConfig(name, profile),
  };
}

/** Only what registerConnectorsTree uses of an ExtensionContext. */
function fakeContext(): vscode.ExtensionContext {
  const secrets = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const state = new Map<string, unknown>();
  const secretStorage: vscode.SecretStorage = {
    get: async (key) => secrets.get(key),
    store: async (key, value) => {
      secrets.set(key, value);
      changed.fire({ key });
    },
    delete: async (key) => {
      secrets.delete(key);
      changed.fire({ key });
    },
    keys: async () => [...secrets.keys()],
    onDidChange: changed.event,
  };
  const workspaceState = {
    keys: () => [...state.keys()],
    get: <T>(key: string, fallback?: T) => (state.has(key) ? (state.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => void state.set(key, value),
  } as vscode.Memento;
  return { secrets: secretStorage, workspaceState, subscriptions: [] } as unknown as vscode.ExtensionContext;
}

interface Shown {
  node: TreeNode;
  item: vscode.TreeItem;
  label: string;
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === "string" ? item.label : (item.label?.label ?? "");
}

function tooltipOf(item: vscode.TreeItem): string {
  return typeof item.tooltip === "string" ? item.tooltip : (item.tooltip?.value ?? "");
}

async function children(provider: ConnectorsTreeProvider, node?: TreeNode): Promise<Shown[]> {
  const nodes = await provider.getChildren(node);
  return Promise.all(nodes.map(async (n) => ({ node: n, item: await provider.getTreeItem(n), label: "" }))).then((all) => all.map((s) => ({ ...s, label: labelOf(s.item) })));
}

/** Children with every "Load more…" followed. */
async function allChildren(provider: ConnectorsTreeProvider, node?: TreeNode): Promise<Shown[]> {
  for (;;) {
    const shown = await children(provider, node);
    const last = shown.at(-1);
    if (last?.item.contextValue !== "loadMore") return shown;
    await (last.node as LoadMoreNode).owner.loadMore();
  }
}

async function child(provider: ConnectorsTreeProvider, node: TreeNode | undefined, label: string): Promise<Shown> {
  const all = await allChildren(provider, node);
  const found = all.find((s) => s.label === label);
  assert.ok(found, `no child "${label}" under ${node?.id ?? "the root"}; found ${all.map((s) => s.label).join(", ")}`);
  return found;
}

const labels = (shown: Shown[]): string[] => shown.map((s) => s.label);

describe("connectors tree", function () {
  this.timeout(60_000);
  let registry: Connectors.Registry;
  let connections: ReturnType<typeof connectionsOver>;
  let provider: ConnectorsTreeProvider;
  let log: vscode.LogOutputChannel;
  const fired: Array<TreeNode | undefined> = [];
  let tmp: string;

  before(async () => {
    assert.ok(process.env.AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__DSN, "run through test/vscode/with-postgres.ts (or with-storage.ts): no test database in the environment");
    const api = await vscode.extensions.getExtension<typeof Connectors>(EXTENSION_ID)!.activate();
    log = vscode.window.createOutputChannel("Auto Workflow tree test", { log: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // A profile whose server refuses connections: its node must show one message with a retry.
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_BROKEN__DSN: "postgresql://postgres@127.0.0.1:1/postgres",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_BROKEN__SSLMODE: "disable",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_BROKEN__RETRY__ATTEMPTS: "1",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_BROKEN__CONNECT_TIMEOUT: "2s",
    };
    registry = api.createRegistry({ env });
    connections = connectionsOver(registry, log);
    provider = new ConnectorsTreeProvider(connections, { pageSize: () => 10 });
    provider.onDidChangeTreeData((node) => fired.push(node ?? undefined));
    tmp = await mkdtemp(path.join(os.tmpdir(), "awc-tree-"));
  });

  after(async () => {
    provider?.dispose();
    connections?.changed.dispose();
    await registry?.reset();
    log?.dispose();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  describe("PostgreSQL", () => {
    let profile: Shown;
    let schema: Shown;
    let table: Shown;

    it("shows the PostgreSQL group and the vscode profile with its origin layer and endpoint", async () => {
      const roots = await children(provider);
      const group = roots.find((r) => r.label === "PostgreSQL");
      assert.ok(group, `root: ${labels(roots).join(", ")}`);
      assert.equal(group.item.contextValue, "group.postgres");
      profile = await child(provider, group.node, "vscode");
      assert.equal(profile.item.contextValue, "profile.postgres");
      assert.equal(profile.item.description, "environment");
      assert.equal(profile.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
      assert.match(tooltipOf(profile.item), /127\.0\.0\.1:\d+/);
      assert.ok(!tooltipOf(profile.item).includes(process.env.AWC_TEST_PG_PW!), "the password reached the tooltip");
      assert.equal(provider.getParent(profile.node), group.node);
    });

    it("lists schema public, and table vscode_probe below it with its column count", async () => {
      schema = await child(provider, profile.node, "public");
      assert.equal(schema.item.contextValue, "pg.schema");
      table = await child(provider, schema.node, "vscode_probe");
      assert.equal(table.item.contextValue, "pg.table");
      assert.equal(table.item.description, "2 columns");
      assert.equal((table.item.iconPath as vscode.ThemeIcon).id, "table");
    });

    it("lists the columns with type, not null and PK", async () => {
      const columns = await children(provider, table.node);
      assert.deepEqual(
        columns.map((c) => [c.label, c.item.description, c.item.contextValue]),
        [
          ["id", "integer, not null, PK", "pg.column"],
          ["label", "text, not null", "pg.column"],
        ],
      );
      assert.equal((columns[0]!.item.iconPath as vscode.ThemeIcon).id, "key");
      assert.match(tooltipOf(columns[1]!.item), /not null/);
      // getParent walks back to the root.
      const chain: string[] = [];
      for (let n: TreeNode | undefined = columns[0]!.node; n; n = provider.getParent(n)) chain.push(n.id);
      assert.deepEqual(chain.slice(1), [table.node.id, schema.node.id, profile.node.id, "group/postgres"]);
    });

    it("reflects once per schema expand; a refresh clears the cache and fires for that node only", async () => {
      const client = await connections.client("postgres", "vscode");
      const original = client.reflect.bind(client);
      let calls = 0;
      client.reflect = (options) => {
        calls++;
        return original(options);
      };
      try {
        await children(provider, schema.node);
        await children(provider, schema.node);
        assert.equal(calls, 0, "the first expand's reflection is reused");
        await client.execute("create table if not exists public.tree_import (id int primary key, label text not null)");
        fired.length = 0;
        provider.refresh(schema.node);
        assert.deepEqual(fired, [schema.node]);
        const after = await children(provider, schema.node);
        await children(provider, schema.node);
        assert.equal(calls, 1);
        assert.ok(labels(after).includes("tree_import"), labels(after).join(", "));
      } finally {
        client.reflect = original;
      }
    });

    it("shows one message node with a retry when a profile cannot connect", async () => {
      const group = await child(provider, undefined, "PostgreSQL");
      const broken = await child(provider, group.node, "broken");
      const shown = await children(provider, broken.node);
      assert.equal(shown.length, 1, labels(shown).join(" | "));
      const message = shown[0]!;
      assert.ok(message.node instanceof MessageNode);
      assert.equal(message.item.contextValue, "message");
      assert.equal(message.item.command?.command, "autoWorkflow.tree.refresh");
      assert.equal(message.item.command?.arguments?.[0], broken.node);
      assert.match(message.label, /refused|connect/i);
    });

    it("opens SELECT TOP 1000 in an untitled SQL editor", async () => {
      const actions = new PostgresActions(provider.context);
      const editor = await actions.selectTop(table.node as PgRelationNode);
      try {
        assert.equal(editor.document.languageId, "sql");
        assert.equal(editor.document.isUntitled, true);
        assert.equal(editor.document.getText().trim(), 'SELECT * FROM "public"."vscode_probe" LIMIT 1000;');
        assert.equal(selectTopSql(table.node as PgRelationNode), 'SELECT * FROM "public"."vscode_probe" LIMIT 1000;');
      } finally {
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
      }
    });

    it("exports a table to CSV and imports it into another", async () => {
      const actions = new PostgresActions(provider.context);
      const file = path.join(tmp, "probe.csv");
      const exported = await actions.exportCsv(table.node as PgRelationNode, file);
      assert.equal(exported?.status, "done", exported?.status === "failed" ? String(exported.error) : undefined);
      const lines = (await readFile(file, "utf8")).trimEnd().split("\n");
      assert.equal(lines.length, 2501);
      assert.equal(lines[0], "id,label");
      assert.equal(lines[1], "1,row 1");
      assert.deepEqual((await readdir(tmp)).filter((n) => n.endsWith(".part")), [], "no temp file left");
      const target = await child(provider, schema.node, "tree_import");
      let asked = "";
      const imported = await actions.importCsv(target.node as PgRelationNode, file, async (message) => {
        asked = message;
        return true;
      });
      assert.equal(imported?.status, "done", imported?.status === "failed" ? String(imported.error) : undefined);
      assert.equal(imported.values[0]?.rowCount, 2500);
      assert.match(asked, /^Import probe\.csv \(\d+(\.\d)? KB\) into "public"\."tree_import"/);
      const client = await connections.client("postgres", "vscode");
      const row = await client.query<{ n: number }>("select count(*)::int as n from public.tree_import", [], { fetch: "one" });
      assert.equal(row?.n, 2500);
    });
  });

  describe("commands", () => {
    let registered: ConnectorsTree | undefined;

    let owned = false;

    before(async () => {
      // The extension's own tree (its commands only know its own nodes); registered here when the
      // extension does not wire one.
      const api = await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
      registered = (api as { internals?: { tree?: ConnectorsTree } }).internals?.tree;
      if (!registered) {
        registered = registerConnectorsTree(fakeContext(), connections);
        owned = true;
      }
    });
    after(() => {
      if (owned) registered?.dispose();
    });

    it("registers every autoWorkflow.tree.* command", async () => {
      const all = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(TREE_COMMANDS.filter((c) => !all.has(c)), []);
    });

    it("renders in the Connectors view: reveal expands down to a table", async () => {
      assert.ok(registered, "no Connectors tree");
      const tree = registered.provider;
      const group = await child(tree, undefined, "PostgreSQL");
      const profile = await child(tree, group.node, "vscode");
      const schema = await child(tree, profile.node, "public");
      const table = await child(tree, schema.node, "vscode_probe");
      await registered.view.reveal(table.node, { select: true, focus: true, expand: true });
      assert.equal(registered.view.visible, true);
      assert.deepEqual(registered.view.selection, [table.node]);
    });

    it("runs refresh and selectTop on nodes passed as arguments, never rejecting", async () => {
      const tree = registered!.provider;
      const group = await child(tree, undefined, "PostgreSQL");
      const profile = await child(tree, group.node, "vscode");
      const schema = await child(tree, profile.node, "public");
      const table = await child(tree, schema.node, "vscode_probe");
      await vscode.commands.executeCommand("autoWorkflow.tree.refresh", table.node);
      await vscode.commands.executeCommand("autoWorkflow.tree.refresh");
      await vscode.commands.executeCommand("autoWorkflow.tree.selectTop", table.node, [table.node]);
      try {
        assert.equal(vscode.window.activeTextEditor?.document.getText().trim(), 'SELECT * FROM "public"."vscode_probe" LIMIT 1000;');
      } finally {
        await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
      }
    });
  });

  describe("URIs", () => {
    it("builds s3:// and abfss:// URIs with the profile as authority", () => {
      const s3 = s3Uri("lake", "bucket", "logs/a b#1.csv");
      assert.equal(s3.scheme, "s3");
      assert.equal(s3.authority, "lake");
      assert.equal(s3.path, "/bucket/logs/a b#1.csv");
      assert.deepEqual(parseS3Uri(vscode.Uri.parse(s3.toString())), { profile: "lake", bucket: "bucket", key: "logs/a b#1.csv" });
      const adls = abfssUri("lake", "raw", "dir/file.parquet");
      assert.equal(adls.toString(), "abfss://lake/raw/dir/file.parquet");
      assert.deepEqual(parseAbfssUri(adls), { profile: "lake", container: "raw", path: "dir/file.parquet" });
      assert.deepEqual(parseS3Uri(s3Uri("lake", "bucket")), { profile: "lake", bucket: "bucket", key: "" });
    });
  });

  describe("Amazon S3", function () {
    const bucket = "tree-test";
    let storage: StorageActions;
    let bucketNode: S3BucketNode;

    before(async function () {
      assert.ok(process.env.AUTO_WORKFLOW_CONNECTORS_S3_VSCODE__JSON, "run through test/vscode/with-storage.ts: no S3 profile in the environment");
      storage = new StorageActions(provider.context, (node) => provider.refresh(node));
      const s3 = await connections.client("s3", "vscode");
      await s3.createBucket(bucket, { existOk: true });
      for (let i = 0; i < 25; i++) await s3.putObject(bucket, `obj-${String(i).padStart(2, "0")}.txt`, `object ${i}\n`);
      for (const key of ["logs/2024-01/a.csv", "logs/2024-01/b.csv", "logs/2024-02/c.csv", "logs/readme.txt"]) await s3.putObject(bucket, key, `${key}\n`.repeat(100));
    });

    it("lists the bucket and pages its root with Load more… appended in place", async () => {
      const group = await child(provider, undefined, "Amazon S3");
      const profile = await child(provider, group.node, "vscode");
      assert.equal(profile.item.contextValue, "profile.s3");
      const b = await child(provider, profile.node, bucket);
      assert.equal(b.item.contextValue, "s3.bucket");
      bucketNode = b.node as S3BucketNode;
      const first = await children(provider, bucketNode);
      assert.equal(first.length, 11, labels(first).join(", "));
      assert.equal(first[0]!.label, "logs");
      assert.equal(first[0]!.item.contextValue, "s3.prefix");
      const more = first[10]!;
      assert.equal(more.item.contextValue, "loadMore");
      assert.equal(more.label, "Load more…");
      assert.equal(more.item.command?.command, "autoWorkflow.tree.loadMore");
      assert.equal(more.item.command?.arguments?.[0], more.node);
      fired.length = 0;
      await (more.node as LoadMoreNode).owner.loadMore();
      assert.deepEqual(fired, [bucketNode], "only the bucket is redrawn");
      const second = await children(provider, bucketNode);
      assert.equal(second.length, 21);
      assert.deepEqual(labels(second).slice(0, 10), labels(first).slice(0, 10), "the first page stays in place");
      await (second[20]!.node as LoadMoreNode).owner.loadMore();
      const all = await children(provider, bucketNode);
      assert.equal(all.length, 26, "25 objects and one prefix, no Load more… at the end");
      assert.equal(new Set(all.map((s) => s.node.id)).size, 26, "ids are unique");
      const obj = all.find((s) => s.label === "obj-07.txt")!;
      assert.equal(obj.item.contextValue, "s3.object");
      assert.equal(obj.item.description, "9 B");
      assert.match(tooltipOf(obj.item), /Modified: /);
      assert.equal(obj.item.command?.command, "autoWorkflow.tree.open");
      assert.equal(obj.item.resourceUri?.toString(), "s3://vscode/tree-test/obj-07.txt");
    });

    it("filters by name prefix, with the filter as description, and clears it", async () => {
      provider.context.setFilter(bucketNode.id, "obj-2");
      provider.refresh(bucketNode);
      const filtered = await children(provider, bucketNode);
      assert.deepEqual(labels(filtered), ["obj-20.txt", "obj-21.txt", "obj-22.txt", "obj-23.txt", "obj-24.txt"]);
      assert.equal((await provider.getTreeItem(bucketNode)).description, "filter: obj-2");
      provider.context.setFilter(bucketNode.id, "nothing-");
      provider.refresh(bucketNode);
      const none = await children(provider, bucketNode);
      assert.equal(none.length, 1);
      assert.equal(none[0]!.item.command?.command, "autoWorkflow.tree.clearFilter");
      provider.context.setFilter(bucketNode.id, undefined);
      provider.refresh(bucketNode);
      assert.equal((await provider.getTreeItem(bucketNode)).description, undefined);
      assert.equal((await children(provider, bucketNode)).length, 11);
    });

    it("lists prefixes below prefixes", async () => {
      const logs = await child(provider, bucketNode, "logs");
      const inside = await children(provider, logs.node);
      assert.deepEqual(labels(inside), ["2024-01", "2024-02", "readme.txt"]);
      const jan = await child(provider, logs.node, "2024-01");
      assert.deepEqual(labels(await children(provider, jan.node)), ["a.csv", "b.csv"]);
      assert.equal(await storage.url(jan.node as S3PrefixNode), "s3://tree-test/logs/2024-01/");
      assert.equal(provider.getParent(jan.node), logs.node);
    });

    it("uploads files and folders dropped on a prefix, then refreshes it", async () => {
      const logs = (await child(provider, bucketNode, "logs")).node as S3PrefixNode;
      const folder = path.join(tmp, "dropped");
      await mkdir(path.join(folder, "sub"), { recursive: true });
      await writeFile(path.join(folder, "one.txt"), "one\n");
      await writeFile(path.join(folder, "sub", "two.txt"), "two\n");
      const file = path.join(tmp, "single.txt");
      await writeFile(file, "single\n");
      const transfer = new vscode.DataTransfer();
      transfer.set("text/uri-list", new vscode.DataTransferItem(`${vscode.Uri.file(folder).toString()}\r\n${vscode.Uri.file(file).toString()}\r\n`));
      fired.length = 0;
      await new ConnectorsDragAndDrop(storage).handleDrop(logs, transfer, new vscode.CancellationTokenSource().token);
      assert.ok(fired.includes(logs), "the prefix dropped on is refreshed");
      const inside = labels(await children(provider, logs));
      assert.ok(inside.includes("dropped") && inside.includes("single.txt"), inside.join(", "));
      const s3 = await connections.client("s3", "vscode");
      assert.equal((await s3.getObjectBytes(bucket, "logs/dropped/sub/two.txt")).toString(), "two\n");
      assert.equal((await s3.getObjectBytes(bucket, "logs/single.txt")).toString(), "single\n");
    });

    it("downloads an object and a prefix", async () => {
      const logs = (await child(provider, bucketNode, "logs")).node as S3PrefixNode;
      const readme = (await child(provider, logs, "readme.txt")).node as S3ObjectNode;
      const out = path.join(tmp, "down");
      await storage.downloadPlan([
        { node: readme, target: path.join(out, "readme.txt") },
        { node: logs, target: path.join(out, "logs") },
      ]);
      assert.equal(await readFile(path.join(out, "readme.txt"), "utf8"), "logs/readme.txt\n".repeat(100));
      assert.equal(await readFile(path.join(out, "logs", "2024-02", "c.csv"), "utf8"), "logs/2024-02/c.csv\n".repeat(100));
      assert.ok(existsSync(path.join(out, "logs", "dropped", "sub", "two.txt")));
    });

    it("creates a folder (a zero-byte prefix/ object)", async () => {
      await storage.newFolder(bucketNode, "fresh");
      const fresh = await child(provider, bucketNode, "fresh");
      assert.equal(fresh.item.contextValue, "s3.prefix");
      assert.equal((await children(provider, fresh.node))[0]?.label, "No objects");
    });

    it("deletes a prefix after a confirmation that names what and how much", async () => {
      const logs = (await child(provider, bucketNode, "logs")).node as S3PrefixNode;
      let asked = "";
      await storage.delete([logs], async (message) => {
        asked = message;
        return true;
      });
      assert.equal(asked, "Delete 7 objects (7.1 KB) under s3://tree-test/logs/?");
      assert.ok(!labels(await children(provider, bucketNode)).includes("logs"));
      const s3 = await connections.client("s3", "vscode");
      assert.equal(await s3.exists(bucket, "logs/readme.txt"), false);
    });

    it("deletes nothing when the confirmation is declined", async () => {
      const obj = (await child(provider, bucketNode, "obj-00.txt")).node as S3ObjectNode;
      let asked = "";
      await storage.delete([obj], async (message) => {
        asked = message;
        return false;
      });
      assert.equal(asked, "Delete s3://tree-test/obj-00.txt (9 B)?");
      assert.equal(await (await connections.client("s3", "vscode")).exists(bucket, "obj-00.txt"), true);
    });
  });

  describe("Azure Data Lake Gen2", function () {
    const container = "tree-test";
    let storage: StorageActions;
    let containerNode: AdlsContainerNode;

    before(async function () {
      assert.ok(process.env.AUTO_WORKFLOW_CONNECTORS_ADLS2_VSCODE__JSON, "run through test/vscode/with-storage.ts: no ADLS2 profile in the environment");
      storage = new StorageActions(provider.context, (node) => provider.refresh(node));
      const adls = await connections.client("adls2", "vscode");
      await adls.createContainer(container, { existOk: true });
      for (let i = 0; i < 12; i++) await adls.uploadBytes(container, `file-${String(i).padStart(2, "0")}.txt`, `file ${i}\n`);
      for (const p of ["data/2024/a.csv", "data/2024/b.csv", "data/readme.md"]) await adls.uploadBytes(container, p, `${p}\n`);
    });

    it("lists containers, directories and files, paged", async () => {
      const group = await child(provider, undefined, "Azure Data Lake Gen2");
      const profile = await child(provider, group.node, "vscode");
      assert.equal(profile.item.contextValue, "profile.adls2");
      const c = await child(provider, profile.node, container);
      assert.equal(c.item.contextValue, "adls.container");
      containerNode = c.node as AdlsContainerNode;
      const first = await children(provider, containerNode);
      assert.equal(first[0]!.label, "data");
      assert.equal(first[0]!.item.contextValue, "adls.directory");
      assert.equal(first.at(-1)!.item.contextValue, "loadMore");
      await (first.at(-1)!.node as LoadMoreNode).owner.loadMore();
      const all = await children(provider, containerNode);
      assert.equal(all.length, 13, labels(all).join(", "));
      const data = await child(provider, containerNode, "data");
      assert.deepEqual(labels(await children(provider, data.node)), ["2024", "readme.md"]);
      const file = all.find((s) => s.label === "file-03.txt")!;
      assert.equal(file.item.contextValue, "adls.file");
      assert.equal(file.item.resourceUri?.toString(), "abfss://vscode/tree-test/file-03.txt");
      assert.match(await storage.url(file.node as AdlsFileNode), /^abfss:\/\/tree-test@.+\/file-03\.txt$/);
    });

    it("filters names on this side, across pages", async () => {
      provider.context.setFilter(containerNode.id, "file-1");
      provider.refresh(containerNode);
      assert.deepEqual(labels(await children(provider, containerNode)), ["file-10.txt", "file-11.txt"]);
      provider.context.setFilter(containerNode.id, undefined);
      provider.refresh(containerNode);
    });

    it("renames a file, makes a directory, uploads into it and deletes it after confirmation", async () => {
      const file = (await child(provider, containerNode, "file-00.txt")).node as AdlsFileNode;
      await storage.rename(file, "renamed.txt");
      const adls = await connections.client("adls2", "vscode");
      assert.equal(await adls.exists(container, "renamed.txt"), true);
      assert.equal(await adls.exists(container, "file-00.txt"), false);
      await storage.newFolder(containerNode, "made");
      const made = (await child(provider, containerNode, "made")).node as AdlsDirectoryNode;
      const local = path.join(tmp, "adls-up.txt");
      await writeFile(local, "uploaded\n");
      await storage.uploadInto(made, [vscode.Uri.file(local)]);
      assert.deepEqual(labels(await children(provider, made)), ["adls-up.txt"]);
      let asked = "";
      await storage.delete([made], async (message) => {
        asked = message;
        return true;
      });
      assert.match(asked, /^Delete 1 file \(9 B\) under abfss:\/\/tree-test@.+\/made\?$/);
      assert.equal(await adls.exists(container, "made/adls-up.txt"), false);
    });
  });
});
