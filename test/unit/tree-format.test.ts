// Pure logic of the Connectors tree (src/host/tree/format.ts): sizes, counts, progress lines, filter
// prefixes, names, paging merge and filtered paging, confirmation texts, profile hints, storage URLs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  abfssUrl,
  appendPage,
  baseName,
  childLabel,
  clampPageSize,
  collectFiltered,
  columnDescription,
  deleteConfirmation,
  directoryPrefix,
  displayDsn,
  errorMessage,
  filterPrefix,
  firstLine,
  folderPrefix,
  foldersFirst,
  formatBytes,
  formatCount,
  originLabels,
  originLayers,
  overallPercent,
  parentPrefix,
  plural,
  profileHints,
  progressFraction,
  progressMessage,
  s3Url,
  validateName,
  type Page,
} from "../../src/host/tree/format";
import { PermanentError } from "../../src/connectors/errors";

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

describe("formatBytes", () => {
  const cases: Array<[number, string]> = [
    [0, "0 B"],
    [1, "1 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [10 * KB, "10.0 KB"],
    [123 * KB, "123 KB"],
    [1024 * KB - 1, "1.0 MB"],
    [12.3 * MB, "12.3 MB"],
    [1.2 * GB, "1.2 GB"],
    [5.6 * GB, "5.6 GB"],
    [3 * 1024 * GB, "3.0 TB"],
  ];
  for (const [bytes, text] of cases) it(`${bytes} → ${text}`, () => assert.equal(formatBytes(bytes), text));
  it("refuses nonsense", () => {
    assert.equal(formatBytes(-1), "?");
    assert.equal(formatBytes(Number.NaN), "?");
  });
});

describe("counts", () => {
  it("groups thousands the same way everywhere", () => {
    assert.equal(formatCount(1234), "1,234");
    assert.equal(formatCount(1234567), "1,234,567");
    assert.equal(formatCount(0), "0");
  });
  it("pluralises", () => {
    assert.equal(plural(1, "object"), "1 object");
    assert.equal(plural(2, "object"), "2 objects");
    assert.equal(plural(0, "file"), "0 files");
    assert.equal(plural(1234, "entry", "entries"), "1,234 entries");
  });
});

describe("progress", () => {
  it("bytes of total · files of total", () => {
    assert.equal(progressMessage({ bytes: 12.3 * MB, totalBytes: 1.2 * GB, files: 3, totalFiles: 10 }), "12.3 MB of 1.2 GB · 3 of 10 files");
  });
  it("leaves out what is unknown", () => {
    assert.equal(progressMessage({ bytes: 5 * MB, files: 0 }), "5.0 MB");
    assert.equal(progressMessage({ bytes: 5 * MB, totalBytes: 10 * MB, files: 1 }), "5.0 MB of 10.0 MB");
    assert.equal(progressMessage({ bytes: 0, totalBytes: 0, files: 0, totalFiles: 1 }), "0 B of 0 B · 0 of 1 file");
  });
  it("fractions from bytes, else files", () => {
    assert.equal(progressFraction({ bytes: 5, totalBytes: 10, files: 0 }), 0.5);
    assert.equal(progressFraction({ bytes: 0, files: 1, totalFiles: 4 }), 0.25);
    assert.equal(progressFraction({ bytes: 5, files: 0 }), undefined);
    assert.equal(progressFraction({ bytes: 0, totalBytes: 0, files: 0 }), 1);
    assert.equal(progressFraction({ bytes: 20, totalBytes: 10, files: 0 }), 1);
  });
  it("overall percentage over several steps", () => {
    assert.equal(overallPercent(0, 1, 0.5), 50);
    assert.equal(overallPercent(1, 4, 0.5), 37.5);
    assert.equal(overallPercent(2, 4, undefined), 50);
    assert.equal(overallPercent(0, 0, 0), 100);
  });
});

describe("prefixes and names", () => {
  it("filter prefix is the node's prefix plus the filter", () => {
    assert.equal(filterPrefix("logs/", "2024-"), "logs/2024-");
    assert.equal(filterPrefix("", "a"), "a");
    assert.equal(filterPrefix("logs/", undefined), "logs/");
    assert.equal(filterPrefix("logs/", ""), "logs/");
  });
  it("folder and directory prefixes", () => {
    assert.equal(folderPrefix(""), "");
    assert.equal(folderPrefix("a"), "a/");
    assert.equal(folderPrefix("a/"), "a/");
    assert.equal(directoryPrefix(""), "");
    assert.equal(directoryPrefix("a/b"), "a/b/");
    assert.equal(directoryPrefix("/a/b/"), "a/b/");
  });
  it("child labels relative to the parent", () => {
    assert.equal(childLabel("logs/", "logs/2024/"), "2024");
    assert.equal(childLabel("logs/", "logs/a.txt"), "a.txt");
    assert.equal(childLabel("", "top.txt"), "top.txt");
    assert.equal(childLabel("a/", "a//"), "/");
  });
  it("base names and parents", () => {
    assert.equal(baseName("a/b/c.txt"), "c.txt");
    assert.equal(baseName("a/b/"), "b");
    assert.equal(baseName("c"), "c");
    assert.equal(parentPrefix("a/b/c.txt"), "a/b/");
    assert.equal(parentPrefix("a/b/"), "a/");
    assert.equal(parentPrefix("c"), "");
  });
  it("validates names people type", () => {
    assert.equal(validateName("reports"), undefined);
    assert.equal(validateName("a/b", { allowSlash: true }), undefined);
    assert.match(validateName("a/b") ?? "", /cannot contain/);
    assert.match(validateName("") ?? "", /Enter a name/);
    assert.match(validateName(" x") ?? "", /spaces/);
    assert.match(validateName("a//b", { allowSlash: true }) ?? "", /segments/);
    assert.match(validateName("../x", { allowSlash: true }) ?? "", /segments/);
    assert.match(validateName("/x", { allowSlash: true }) ?? "", /start or end/);
  });
});

describe("paging", () => {
  it("puts folders first, keeping the server's order", () => {
    const page = [{ k: "a.txt", f: false }, { k: "b/", f: true }, { k: "c.txt", f: false }, { k: "d/", f: true }];
    assert.deepEqual(foldersFirst(page, (e) => e.f).map((e) => e.k), ["b/", "d/", "a.txt", "c.txt"]);
  });
  it("appends a page in place without repeating entries", () => {
    const shown = [{ key: "a" }, { key: "b" }];
    const merged = appendPage(shown, [{ key: "b" }, { key: "c" }, { key: "c" }, { key: "d" }], (e) => e.key);
    assert.deepEqual(merged.map((e) => e.key), ["a", "b", "c", "d"]);
    assert.deepEqual(shown.map((e) => e.key), ["a", "b"], "the shown list is not modified");
  });
  it("clamps the page size to the setting's bounds", () => {
    assert.equal(clampPageSize(undefined), 200);
    assert.equal(clampPageSize(5), 10);
    assert.equal(clampPageSize(5000), 1000);
    assert.equal(clampPageSize(250.4), 250);
    assert.equal(clampPageSize("x", 100), 100);
  });

  // A listing of 25 names in pages of 5: n00 … n24.
  const names = Array.from({ length: 25 }, (_, i) => `n${String(i).padStart(2, "0")}`);
  const fetcher = (calls: string[]) => async (token: string | undefined): Promise<Page<string>> => {
    calls.push(token ?? "start");
    const start = token ? Number(token) : 0;
    const items = names.slice(start, start + 5);
    return { items, ...(start + 5 < names.length ? { nextToken: String(start + 5) } : {}) };
  };

  it("filtered paging keeps fetching until a page's worth matches", async () => {
    const calls: string[] = [];
    const page = await collectFiltered(fetcher(calls), { match: (n) => n.endsWith("3"), want: 2, maxPages: 10 });
    assert.deepEqual(page.items, ["n03", "n13"]);
    assert.equal(page.nextToken, "15");
    assert.deepEqual(calls, ["start", "5", "10"]);
  });
  it("filtered paging stops after maxPages and hands on the token", async () => {
    const calls: string[] = [];
    const page = await collectFiltered(fetcher(calls), { match: (n) => n === "n24", want: 10, maxPages: 2 });
    assert.deepEqual(page.items, []);
    assert.equal(page.nextToken, "10");
    assert.equal(page.requests, 2);
  });
  it("filtered paging continues from a token and ends with the listing", async () => {
    const calls: string[] = [];
    const page = await collectFiltered(fetcher(calls), { token: "15", match: () => true, want: 100, maxPages: 10 });
    assert.deepEqual(page.items, names.slice(15));
    assert.equal(page.nextToken, undefined);
    assert.deepEqual(calls, ["15", "20"]);
  });
});

describe("delete confirmation", () => {
  it("names a prefix and how much is under it", () => {
    const { message, detail } = deleteConfirmation([{ url: "s3://b/logs/", kind: "folder", objects: 1234, bytes: 5.6 * GB }]);
    assert.equal(message, "Delete 1,234 objects (5.6 GB) under s3://b/logs/?");
    assert.match(detail, /cannot be undone/);
  });
  it("a single object", () => {
    assert.equal(deleteConfirmation([{ url: "s3://b/a.txt", kind: "object", objects: 1, bytes: 1536 }]).message, "Delete s3://b/a.txt (1.5 KB)?");
  });
  it("an empty folder, a count stopped early, ADLS nouns", () => {
    assert.equal(deleteConfirmation([{ url: "s3://b/empty/", kind: "folder", objects: 0, bytes: 0 }]).message, "Delete the empty folder s3://b/empty/?");
    assert.equal(deleteConfirmation([{ url: "s3://b/x/", kind: "folder", objects: 1, bytes: 10, partial: true }]).message, "Delete at least 1 object (10 B) under s3://b/x/?");
    assert.equal(
      deleteConfirmation([{ url: "abfss://c@a.dfs.core.windows.net/d", kind: "folder", objects: 2, bytes: 2048 }], { singular: "file", plural: "files" }).message,
      "Delete 2 files (2.0 KB) under abfss://c@a.dfs.core.windows.net/d?",
    );
  });
  it("several items: totals in the message, each item in the detail", () => {
    const items = [
      { url: "s3://b/logs/", kind: "folder" as const, objects: 1000, bytes: GB },
      { url: "s3://b/a.txt", kind: "object" as const, objects: 1, bytes: KB },
    ];
    const { message, detail } = deleteConfirmation(items);
    assert.equal(message, "Delete 2 selected items: 1,001 objects (1.0 GB) in all?");
    assert.match(detail, /s3:\/\/b\/logs\/ — 1,000 objects, 1\.0 GB/);
    assert.match(detail, /s3:\/\/b\/a\.txt — 1\.0 KB/);
  });
  it("long selections are cut at ten lines", () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ url: `s3://b/${i}`, kind: "object" as const, objects: 1, bytes: 1 }));
    const { detail } = deleteConfirmation(items);
    assert.match(detail, /… and 2 more/);
    assert.equal(detail.split("\n").filter((l) => l.startsWith("•")).length, 11);
  });
});

describe("profiles and columns", () => {
  it("origin layers in precedence order, defaults left out", () => {
    const origins = { port: { layer: "env", source: "X" }, host: { layer: "settings.user", source: "s" }, pool: { layer: "default", source: "d" } };
    assert.deepEqual(originLayers(origins), ["settings.user", "env"]);
    assert.deepEqual(originLayers({}), []);
  });
  it("postgres hints from a DSN, without its password", () => {
    const hints = Object.fromEntries(profileHints("postgres", { dsn: "postgresql://app:hunter2@db.internal:6432/sales", sslmode: "require" }));
    assert.deepEqual(hints, { Endpoint: "db.internal:6432", Database: "sales", User: "app", TLS: "require" });
    assert.ok(!JSON.stringify(hints).includes("hunter2"));
    assert.equal(displayDsn("postgresql://app:hunter2@db/x"), "postgresql://app@db/x");
  });
  it("postgres hints from keys, default port", () => {
    assert.deepEqual(Object.fromEntries(profileHints("postgres", { host: "localhost", user: "me" })), { Endpoint: "localhost:5432", User: "me" });
  });
  it("s3 hints: endpoint, masked key id, anonymous", () => {
    const hints = Object.fromEntries(profileHints("s3", { region: "eu-west-1", accessKeyId: "AKIAABCDEFGHIJKL" }));
    assert.equal(hints["Endpoint"], "https://s3.eu-west-1.amazonaws.com");
    assert.equal(hints["Identity"], "access key AKIA…IJKL");
    assert.equal(Object.fromEntries(profileHints("s3", { region: "us-east-1", anonymous: true, endpointUrl: "http://127.0.0.1:9000" }))["Endpoint"], "http://127.0.0.1:9000");
  });
  it("adls2 hints name the kind of credential, never its value", () => {
    const hints = Object.fromEntries(profileHints("adls2", { accountName: "lake", accountKey: "secret://adls2.lake/accountKey" }));
    assert.deepEqual(hints, { Account: "lake", Identity: "shared key" });
  });
  it("column description: type, not null, PK", () => {
    assert.equal(columnDescription({ type: "integer", nullable: false, primaryKey: true }), "integer, not null, PK");
    assert.equal(columnDescription({ type: "text", nullable: true, primaryKey: false }), "text");
    assert.equal(columnDescription({ type: "text", nullable: false, primaryKey: false }), "text, not null");
  });
});

describe("URLs and errors", () => {
  it("s3:// URLs as the AWS CLI writes them", () => {
    assert.equal(s3Url("b", "logs/2024/a.csv"), "s3://b/logs/2024/a.csv");
    assert.equal(s3Url("b"), "s3://b/");
  });
  it("abfss:// URLs from the dfs endpoint", () => {
    assert.equal(abfssUrl("raw", "a/b.csv", { name: "lake", dfsUrl: "https://lake.dfs.core.windows.net" }), "abfss://raw@lake.dfs.core.windows.net/a/b.csv");
    assert.equal(abfssUrl("raw", "", { name: "lake", dfsUrl: "https://lake.dfs.core.windows.net?sv=secret" }), "abfss://raw@lake.dfs.core.windows.net/");
    assert.equal(abfssUrl("raw", "d", { name: "lake", dfsUrl: "https://lake.dfs.core.chinacloudapi.cn" }), "abfss://raw@lake.dfs.core.chinacloudapi.cn/d");
    assert.equal(abfssUrl("raw", "d/x", { name: "devstoreaccount1", dfsUrl: "http://127.0.0.1:10000/devstoreaccount1" }), "abfss://raw@127.0.0.1:10000/devstoreaccount1/d/x");
    assert.equal(abfssUrl("raw", "/d", { name: "lake" }), "abfss://raw@lake.dfs.core.windows.net/d");
  });
  it("error text: the classified message with its hint, first line for labels", () => {
    const error = new PermanentError("relation does not exist", { connector: "postgres", hint: "check the name" });
    assert.equal(errorMessage(error), "relation does not exist — check the name");
    assert.equal(errorMessage("plain"), "plain");
    assert.equal(firstLine("one\ntwo"), "one");
    assert.equal(firstLine("x".repeat(300), 10), `${"x".repeat(9)}…`);
  });
});

describe("originLabels", () => {
  it("names the layers a profile comes from in words, in precedence order, without repeats or defaults", () => {
    const origins = { host: { layer: "settings.workspace" }, port: { layer: "env" }, dsn: { layer: "env.json" }, pool: { layer: "default" }, user: { layer: "pyproject" } };
    assert.deepEqual(originLabels(origins), ["pyproject.toml", "workspace settings", "environment"]);
    assert.deepEqual(originLabels({ a: { layer: "default" } }), []);
  });
});
