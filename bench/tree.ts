// Connectors tree benchmark: the first page of a prefix holding 100,000 keys — what the sidebar asks
// for when a user expands it — against the raw AWS SDK for the same request, on one throwaway fauxqs
// (test/fixtures/fauxqs.ts, in-memory S3), in one run.
//
//   npm run bench -- tree [--keys=100000] [--repeat=5] [--page-size=200] [--tree-runs=3] [--concurrency=32]
//
//   seed        `keys` small objects under keys/ (plus README.txt at the root), by unsigned path-style PUTs
//               with plain node:http (fauxqs checks no signatures), `concurrency` in flight; timed apart,
//               then counted back with a full listing (a wrong count exits 1).
//   connector   S3Connector.listPage(bucket, "keys/", { recursive: false, pageSize }) through
//               createRegistry({ env }).get("s3", …) (the profile test/integration/s3/helpers.ts builds),
//               cold = a fresh registry and client per sample (client creation + connection + request),
//               warm = one client, `repeat` samples.
//   reference   the SDK's S3Client + ListObjectsV2Command with the same Prefix/Delimiter/MaxKeys, cold and
//               warm alike; sides alternate which goes first. The ratio is connector / reference.
//   tree        the tree's own node code: src/host/tree imports vscode, so it runs from the production
//               bundle (node scripts/build.mjs --production, built in a private copy: the shared dist/ is
//               not touched) in a plain-node child with a stub of the vscode module (bench/vscode-stub.ts,
//               bench/extension-child.ts): activate(), then expand the profile → the bucket → keys/
//               (getChildren + getTreeItem of every child, as the view does). Per child process: the whole
//               cold path (loads dist/vendor/s3-sdk.js, creates the client, lists buckets, the bucket root
//               and the prefix), the prefix's first expansion, and `repeat` warm re-expansions
//               (refresh(prefix) + getChildren); `tree-runs` processes, medians.
//   floor       a plain unsigned HTTP GET of the same listing (no SDK): what the server itself takes.
//
// Every page is checked: `pageSize` objects, the first keys in order, a continuation token ("Load
// more…" in the tree). Targets are informational (≤ 500 ms for the first page): above one prints
// ABOVE-TARGET and still exits 0; a wrong result exits 1. Results also go to .test-output/bench/tree.json.
import { Agent, request } from "node:http";
import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { forEachConcurrent, type S3Connector } from "../src/connectors/index";
import { startFauxqs, type FauxqsServer } from "../test/fixtures/fauxqs";
import { s3Registry } from "../test/integration/s3/helpers";
import { UsageError, compareSamples, formatMs, intOption, machineInfo, median, packageVersion, parseOptions, renderTable, round, sideOrder, writeReport, type Comparison } from "./common";
import type { ChildRequest, ChildResult } from "./extension-child";
import { buildExtensionCopy, compileExtensionChild, removeDir, tempDir } from "./extension-bundle";
import { run } from "../test/fixtures/processes";

const BUCKET = "awc-bench-tree";
const PREFIX = "keys/";
const PROFILE = "bench";
const TARGET_MS = 500;
const SECRET_ENV = "AWC_BENCH_TREE_S3_SECRET";

interface Options {
  keys: number;
  repeat: number;
  pageSize: number;
  treeRuns: number;
  concurrency: number;
}

const keyOf = (i: number): string => `${PREFIX}key-${String(i).padStart(6, "0")}.txt`;

// ---------------------------------------------------------------------------------------------
// Unsigned HTTP (fauxqs accepts any request)

function http(agent: Agent, port: number, method: string, urlPath: string, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path: urlPath, agent, headers: body ? { "content-length": body.length, "content-type": "text/plain" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function seed(server: FauxqsServer, options: Options): Promise<{ ms: number; perSecond: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    const made = await http(agent, server.port, "PUT", `/${BUCKET}`);
    if (made.status !== 200) throw new Error(`create bucket ${BUCKET}: HTTP ${made.status} ${made.text.slice(0, 300)}`);
    const readme = await http(agent, server.port, "PUT", `/${BUCKET}/README.txt`, Buffer.from("bench bucket\n"));
    if (readme.status !== 200) throw new Error(`PUT README.txt: HTTP ${readme.status}`);
    const t0 = performance.now();
    const indexes = Array.from({ length: options.keys }, (_, i) => i);
    let done = 0;
    let nextReport = 20_000;
    await forEachConcurrent(indexes, options.concurrency, async (i) => {
      const key = keyOf(i);
      const res = await http(agent, server.port, "PUT", `/${BUCKET}/${key.split("/").map(encodeURIComponent).join("/")}`, Buffer.from(`object ${i}\n`));
      if (res.status !== 200) throw new Error(`PUT ${key}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
      if (++done >= nextReport) {
        process.stderr.write(`  seeded ${done.toLocaleString("en-US")} keys (${formatMs(performance.now() - t0)})\n`);
        nextReport += 20_000;
      }
    });
    const ms = performance.now() - t0;
    return { ms, perSecond: options.keys / (ms / 1_000) };
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Throws unless `keys` are exactly the first `pageSize` keys under the prefix, in order. */
function checkPage(who: string, keys: readonly string[], hasMore: boolean, options: Options): void {
  const expected = Math.min(options.pageSize, options.keys);
  if (keys.length !== expected) throw new Error(`${who}: ${keys.length} entries on the first page, expected ${expected}`);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== keyOf(i)) throw new Error(`${who}: entry ${i} is ${JSON.stringify(keys[i])}, expected ${JSON.stringify(keyOf(i))}`);
  }
  if (hasMore !== options.keys > options.pageSize) throw new Error(`${who}: continuation ${hasMore ? "present" : "missing"} with ${options.keys} keys and page size ${options.pageSize}`);
}

async function connectorPage(client: S3Connector, options: Options): Promise<void> {
  const page = await client.listPage(BUCKET, PREFIX, { recursive: false, pageSize: options.pageSize });
  if (page.entries.some((e) => e.type !== "object")) throw new Error("connector: the page holds prefixes, expected objects only");
  checkPage("connector listPage", page.entries.map((e) => e.key), page.nextToken !== undefined, options);
}

async function referencePage(client: S3Client, options: Options): Promise<void> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX, Delimiter: "/", MaxKeys: options.pageSize }));
  if (out.CommonPrefixes?.length) throw new Error("reference: the page holds common prefixes, expected objects only");
  checkPage("reference ListObjectsV2", (out.Contents ?? []).map((o) => o.Key ?? ""), Boolean(out.IsTruncated && out.NextContinuationToken), options);
}

function referenceClient(server: FauxqsServer): S3Client {
  return new S3Client({ endpoint: server.endpoint, region: server.region, forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
}

/** Every key under the prefix, 1,000 per request (raw SDK): checks the seeding. */
async function countKeys(server: FauxqsServer): Promise<{ count: number; ms: number }> {
  const client = referenceClient(server);
  try {
    const t0 = performance.now();
    let count = 0;
    let token: string | undefined;
    do {
      const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX, MaxKeys: 1000, ...(token ? { ContinuationToken: token } : {}) }));
      count += out.Contents?.length ?? 0;
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return { count, ms: performance.now() - t0 };
  } finally {
    client.destroy();
  }
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cli = parseOptions(process.argv.slice(2), ["keys", "repeat", "page-size", "tree-runs", "concurrency"]);
  const options: Options = {
    keys: intOption(cli, "keys", 100_000),
    repeat: intOption(cli, "repeat", 5),
    pageSize: intOption(cli, "page-size", 200, 10),
    treeRuns: intOption(cli, "tree-runs", 3),
    concurrency: intOption(cli, "concurrency", 32),
  };
  if (options.pageSize > 1000) throw new UsageError("--page-size must be ≤ 1000 (the tree's maximum)");
  const started = performance.now();
  const machine = machineInfo();
  const loadStart = os.loadavg()[0]!;
  const workDir = tempDir("awc-bench-tree-");
  // Interrupted: remove the temp dir and exit; exiting runs the fixture's exit hook, which kills fauxqs.
  const onSignal = (signal: NodeJS.Signals): void => {
    removeDir(workDir);
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, onSignal);
  let server: FauxqsServer | undefined;
  const closers: Array<() => Promise<unknown> | void> = [];
  try {
    console.log(`Connectors tree benchmark — first page (${options.pageSize}) of a prefix with ${options.keys.toLocaleString("en-US")} keys, ${options.repeat} samples per side (median)`);

    // The bundle first (CPU-heavy), so it does not overlap the measurements.
    const build = await buildExtensionCopy(workDir, true);
    const childFile = await compileExtensionChild(workDir);
    process.stderr.write(`  built the production bundle (private copy) in ${formatMs(build.buildMs)}\n`);

    const tStart = performance.now();
    server = await startFauxqs();
    const srv = server;
    process.stderr.write(`  started fauxqs (pid ${srv.pid}) on ${srv.endpoint} in ${formatMs(performance.now() - tStart)}\n`);

    const seeded = await seed(srv, options);
    process.stderr.write(`  seeded ${options.keys.toLocaleString("en-US")} keys in ${formatMs(seeded.ms)} (${Math.round(seeded.perSecond).toLocaleString("en-US")}/s)\n`);
    const counted = await countKeys(srv);
    if (counted.count !== options.keys) throw new Error(`the bucket holds ${counted.count} keys under ${PREFIX} after seeding, expected ${options.keys}`);
    process.stderr.write(`  counted them back (full listing, 1,000 per request) in ${formatMs(counted.ms)}\n`);

    // --- connector vs reference, in this process ----------------------------------------------
    // One untimed call per side first: module loading and JIT are not what "cold" means here.
    {
      const warmup = s3Registry(srv, PROFILE);
      await connectorPage(await warmup.registry.get("s3", PROFILE), options);
      await warmup.registry.reset();
      const ref = referenceClient(srv);
      await referencePage(ref, options);
      ref.destroy();
    }

    const cold = { ref: [] as number[], conn: [] as number[] };
    for (let round = 0; round < options.repeat; round++) {
      for (const side of sideOrder(round)) {
        if (side === "reference") {
          let client: S3Client | undefined;
          cold.ref.push(
            await timed(async () => {
              client = referenceClient(srv);
              await referencePage(client, options);
            }),
          );
          client?.destroy();
        } else {
          const ctx = s3Registry(srv, PROFILE);
          cold.conn.push(await timed(async () => connectorPage(await ctx.registry.get("s3", PROFILE), options)));
          await ctx.registry.reset();
        }
      }
    }

    const live = s3Registry(srv, PROFILE);
    closers.push(() => live.registry.reset());
    const connector = await live.registry.get("s3", PROFILE);
    const reference = referenceClient(srv);
    closers.push(() => reference.destroy());
    await connectorPage(connector, options);
    await referencePage(reference, options);
    const warm = { ref: [] as number[], conn: [] as number[] };
    for (let round = 0; round < options.repeat; round++) {
      for (const side of sideOrder(round)) {
        if (side === "reference") warm.ref.push(await timed(() => referencePage(reference, options)));
        else warm.conn.push(await timed(() => connectorPage(connector, options)));
      }
    }

    // The server alone: the same listing as a plain unsigned GET.
    const floorAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    closers.push(() => floorAgent.destroy());
    const floorPath = `/${BUCKET}?list-type=2&prefix=${encodeURIComponent(PREFIX)}&delimiter=%2F&max-keys=${options.pageSize}`;
    const floor: number[] = [];
    for (let i = 0; i <= options.repeat; i++) {
      const t0 = performance.now();
      const res = await http(floorAgent, srv.port, "GET", floorPath);
      const ms = performance.now() - t0;
      if (res.status !== 200 || (res.text.match(/<Key>/g)?.length ?? 0) !== Math.min(options.pageSize, options.keys)) throw new Error(`plain GET listing: HTTP ${res.status}, unexpected body ${res.text.slice(0, 300)}`);
      if (i > 0) floor.push(ms); // the first opens the connection
    }

    // --- the tree's own code (production bundle, child processes) -------------------------------
    const workspaceFolder = path.join(workDir, "workspace");
    mkdirSync(workspaceFolder);
    const childRequest: ChildRequest = {
      bundle: build.entry,
      packageJson: path.join(build.dir, "package.json"),
      workspaceFolder,
      storageDir: path.join(workDir, "storage"),
      settings: {
        "autoWorkflow.tree.pageSize": options.pageSize,
        "autoWorkflow.connectors": {
          s3: {
            [PROFILE]: { endpointUrl: srv.endpoint, region: srv.region, accessKeyId: srv.accessKeyId, secretAccessKey: `secret://env/${SECRET_ENV}`, checksum: "when_required" },
          },
        },
      },
      tree: { kind: "s3", profile: PROFILE, bucket: BUCKET, prefix: PREFIX, repeat: options.repeat },
    };
    const childEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_OPTIONS")), [SECRET_ENV]: srv.secretAccessKey };
    const treeSamples: ChildResult[] = [];
    for (let i = 0; i < options.treeRuns; i++) {
      const res = await run(process.execPath, [childFile, JSON.stringify(childRequest)], { env: childEnv, timeoutMs: 300_000 });
      const line = res.stdout.trim().split("\n").pop() ?? "";
      if (res.code !== 0 || !line.startsWith("{")) throw new Error(`tree child failed (exit ${res.code ?? res.signal}):\n${(res.stderr || res.stdout).trim().slice(-3000)}`);
      const sample = JSON.parse(line) as ChildResult;
      const t = sample.tree!;
      if (t.messages.length) throw new Error(`tree: the prefix shows message nodes: ${t.messages.join(" | ")}`);
      if (t.objects !== Math.min(options.pageSize, options.keys)) throw new Error(`tree: ${t.objects} object nodes under ${PREFIX}, expected ${Math.min(options.pageSize, options.keys)}`);
      if (t.loadMore !== options.keys > options.pageSize) throw new Error(`tree: "Load more…" ${t.loadMore ? "shown" : "missing"}`);
      if (t.firstLabels[0] !== path.posix.basename(keyOf(0)) || t.lastLabel !== path.posix.basename(keyOf(t.objects - 1))) throw new Error(`tree: labels ${t.firstLabels[0]} … ${t.lastLabel}, expected ${path.posix.basename(keyOf(0))} … ${path.posix.basename(keyOf(t.objects - 1))}`);
      if (sample.vendorAfterActivate.length) throw new Error(`tree child: activation loaded ${sample.vendorAfterActivate.join(", ")}`);
      treeSamples.push(sample);
    }
    const trees = treeSamples.map((s) => s.tree!);
    const treeWarmMedians = trees.map((t) => median(t.warmMs));
    const treeListPage = trees.map((t) => median(t.listPageMs));
    const treePrefixFirst = trees.map((t) => t.prefixFirstMs);
    const treeCold = trees.map((t) => t.coldPathMs);

    // --- report --------------------------------------------------------------------------------
    const withTarget = (c: Comparison): Comparison => ({ ...c, target: `≤ ${TARGET_MS} ms`, status: c.connector.median <= TARGET_MS ? "PASS" : "ABOVE-TARGET" });
    const compare = (operation: string, refName: string, ref: number[], connName: string, conn: number[], notes?: Record<string, unknown>): Comparison =>
      withTarget(compareSamples(operation, "ms", refName, ref, connName, conn, Number.POSITIVE_INFINITY, notes));
    const results: Comparison[] = [
      compare("first page, cold (new client + connection)", "new S3Client + ListObjectsV2", cold.ref, "new registry + get + listPage", cold.conn),
      compare("first page, warm", "ListObjectsV2", warm.ref, "listPage", warm.conn),
      compare("tree: expand keys/ again (refresh, warm)", "listPage, same process", treeListPage, "provider.getChildren + getTreeItem", treeWarmMedians, {
        perProcessWarmSamples: trees.map((t) => t.warmMs.map((v) => round(v, 1))),
        perProcessListPageSamples: trees.map((t) => t.listPageMs.map((v) => round(v, 1))),
      }),
      compare("tree: expand keys/ first time (client up)", "listPage, same process", treeListPage, "provider.getChildren + getTreeItem", treePrefixFirst),
    ];
    // No reference does this work (SDK load + client + 3 listings), so no ratio: its own row.
    const coldPath = {
      operation: "tree: profile → bucket → keys/, fresh process",
      what: "3 expansions; loads vendor/s3-sdk.js, creates the client",
      samples: treeCold.map((v) => round(v, 1)),
      median: round(median(treeCold), 1),
      target: `≤ ${TARGET_MS} ms`,
      status: median(treeCold) <= TARGET_MS ? "PASS" : "ABOVE-TARGET",
      profileMs: trees.map((t) => round(t.profileMs, 1)),
      bucketMs: trees.map((t) => round(t.bucketMs, 1)),
      prefixMs: trees.map((t) => round(t.prefixFirstMs, 1)),
    };
    const treeItemsShare = median(trees.map((t) => median(t.warmMs) - median(t.warmChildrenMs)));
    const floorMedian = median(floor);

    console.log("");
    console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.platform}, load average ${loadStart.toFixed(2)} at start`);
    console.log(`node ${machine.node}; @aws-sdk/client-s3 ${packageVersion("@aws-sdk/client-s3")}; fauxqs ${packageVersion("fauxqs")} (in-memory, Node 24 child, 127.0.0.1, no signature checks)`);
    console.log(
      `data: s3://${BUCKET}/${PREFIX} ${options.keys.toLocaleString("en-US")} keys (+ README.txt at the root); seeding took ${formatMs(seeded.ms)} ` +
        `(${Math.round(seeded.perSecond).toLocaleString("en-US")} PUT/s, ${options.concurrency} in flight, unsigned node:http); counting them back (${Math.ceil(options.keys / 1000).toLocaleString("en-US")} × 1,000-key pages) ${formatMs(counted.ms)}`,
    );
    console.log(`request: ListObjectsV2 Prefix=${PREFIX} Delimiter=/ MaxKeys=${options.pageSize} (what listPage(bucket, "${PREFIX}", { recursive: false, pageSize: ${options.pageSize} }) sends)`);
    console.log("");
    console.log(
      renderTable(
        ["operation", "reference", "reference time", "connector time", "ratio", "target", "result"],
        [
          ...results.map((c) => [c.operation, c.reference.name, formatMs(c.reference.median), formatMs(c.connector.median), `${c.ratio.toFixed(2)}×`, c.target, c.status]),
          [coldPath.operation, "-", "-", formatMs(coldPath.median), "-", coldPath.target, coldPath.status],
        ],
        [0, 1],
      ),
    );
    console.log("");
    console.log(
      `medians; cold and warm rows: ${options.repeat} samples per side, alternating order (cold = fresh client per sample, after one untimed warm-up per side); ` +
        `tree rows: ${options.treeRuns} child processes (plain node, production bundle, vscode stub), each process's ${options.repeat}-sample medians, their reference the tree's own client calling listPage in the same process, alternating; ratio = connector / reference.`,
    );
    console.log(
      `server floor: a plain unsigned GET of the same listing takes ${formatMs(floorMedian)} (median of ${floor.length}, warm connection) — ` +
        `fauxqs's own share of every row; SDK + connector on top of it: ${formatMs(results[1]!.connector.median - floorMedian)} warm.`,
    );
    console.log(
      `tree, warm re-expansion: getChildren (listing + ${options.pageSize} nodes) ${formatMs(median(trees.map((t) => median(t.warmChildrenMs))))}, ` +
        `getTreeItem of every child ${formatMs(treeItemsShare)} (medians); the tree's rows run in short-lived child processes (less warmed-up JIT than this one).`,
    );
    console.log(
      `tree cold path per process (profile | bucket | keys/): ${trees.map((t) => `${formatMs(t.profileMs)} | ${formatMs(t.bucketMs)} | ${formatMs(t.prefixFirstMs)}`).join("; ")}; ` +
        `activation in those processes ${treeSamples.map((s) => formatMs(s.requireMs + s.activateMs)).join(", ")}; dist/vendor loaded after the walk: ${[...new Set(treeSamples.flatMap((s) => s.vendorAfterTree ?? []))].join(", ") || "none"}.`,
    );
    console.log(
      "note: src/host/tree imports vscode, so the tree rows run the real node code from the production bundle with a vscode stub (no UI is drawn; the stub's cost is negligible); " +
        "the connector rows call the library from src (tsx) in this process.",
    );
    if (loadStart >= machine.nproc * 0.75) {
      console.log(
        `note: the machine was already busy when the benchmark started (1-min load average ${loadStart.toFixed(2)}, ${machine.nproc} CPUs): wall times are noisy; rerun on an idle machine to judge the targets.`,
      );
    }

    const file = writeReport("tree", {
      benchmark: "tree",
      date: new Date().toISOString(),
      options,
      machine: { ...machine, packages: { "@aws-sdk/client-s3": packageVersion("@aws-sdk/client-s3"), fauxqs: packageVersion("fauxqs"), esbuild: packageVersion("esbuild") } },
      data: { bucket: BUCKET, prefix: PREFIX, keys: options.keys, seedMs: round(seeded.ms), seedPerSecond: Math.round(seeded.perSecond), countMs: round(counted.ms) },
      loadAverage: { start: round(loadStart), end: round(os.loadavg()[0]!) },
      results,
      treeColdPath: coldPath,
      serverFloorMs: { samples: floor.map((v) => round(v, 1)), median: round(floorMedian, 1) },
      tree: treeSamples.map((s) => ({ activationMs: round(s.requireMs + s.activateMs, 1), ...s.tree, vendorAfterTree: s.vendorAfterTree })),
      buildMs: round(build.buildMs),
      durationMs: Math.round(performance.now() - started),
    });
    console.log(`wrote ${file} (total ${formatMs(performance.now() - started)})`);
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    await server?.stop();
    removeDir(workDir);
    for (const signal of signals) process.off(signal, onSignal);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench tree: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  console.error(`bench tree failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
