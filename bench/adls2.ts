// ADLS Gen2 connector benchmark: the connector's uploadFile/downloadFile against the Azure SDK's own
// file transfer calls for the same 256 MiB file, on throwaway local servers, in one run.
//
//   npm run bench -- adls2 [--size-mib=256] [--repeat=3] [--profile]
//
//   hierarchical namespace — Azurite behind the dfs gateway (test/fixtures/dfs-gateway.ts), every
//   request through the gateway's HTTP proxy, as the SDK's proxyOptions send it:
//     upload    uploadFile(file, container, path)   vs  DataLakeFileClient.uploadFile(file, { chunkSize: 4 MiB,
//                                                        maxConcurrency: 8, singleUploadThreshold: 4 MiB })
//     download  downloadFile(container, path, file)  vs  DataLakeFileClient.readToFile(file)
//     (reference client: a DataLakeServiceClient with the same proxyOptions and StorageSharedKeyCredential)
//   flat namespace — bare Azurite (blob API):
//     upload    uploadFile(...)                      vs  BlockBlobClient.uploadFile(file, { blockSize: 4 MiB,
//                                                        concurrency: 8, maxSingleShotSize: 4 MiB })
//     download  downloadFile(...)                    vs  BlockBlobClient.downloadToFile(file)
//
// The clients run in a child process (bench/adls2-child.ts): the gateway runs in this one, and their
// CPU time should be theirs alone. Each round uploads the file with both clients (alternating which
// goes first), then each downloads the file the *other* uploaded, and both downloads are checked by
// sha256 against the source; then both are deleted. Each namespace gets a fresh Azurite (it keeps
// blobs in memory and frees deleted ones only every 10 minutes). The table shows medians. Targets are
// informational: above one prints ABOVE-TARGET and still exits 0; a wrong result exits 1. Results also
// go to .test-output/bench/adls2.json; with --profile, V8 CPU profiles of the connector's runs go to
// .test-output/bench/profiles/.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAzurite, type AzuriteServer } from "../test/fixtures/azurite";
import { startDfsGateway, type DfsGateway } from "../test/fixtures/dfs-gateway";
import { run } from "../test/fixtures/processes";
import type { ChildInit, ChildOp, ChildReply, ChildRequest } from "./adls2-child";
import {
  ROOT,
  UsageError,
  compareSamples,
  formatMiB,
  formatMs,
  intOption,
  machineInfo,
  median,
  mibPerSecond,
  packageVersion,
  parseOptions,
  renderTable,
  round,
  sha256File,
  sideOrder,
  topSelfTime,
  writeRandomFile,
  writeReport,
  type Comparison,
} from "./common";

const MIB = 1024 * 1024;
const TARGET = 1.1;
const CHUNK = 4 * MIB;
const CONCURRENCY = 8;

type Side = "reference" | "connector";
type Namespace = "hierarchical" | "flat";

// ---------------------------------------------------------------------------------------------
// The client process

class Clients {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ChildReply) => void; reject: (e: Error) => void }>();
  private onReady: { resolve: (r: ChildReply) => void; reject: (e: Error) => void } | undefined;
  private exited: Error | undefined;

  constructor() {
    this.child = fork(path.join(ROOT, "bench", "adls2-child.ts"), [], { cwd: ROOT, execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.child.on("message", (reply: ChildReply) => {
      if (reply.type === "ready") return this.settle(undefined, reply);
      if (reply.type === "error" && reply.id === undefined) return this.settle(undefined, reply);
      this.settle(reply.id, reply);
    });
    this.child.once("exit", (code, signal) => {
      this.exited = new Error(`the client process (bench/adls2-child.ts) exited (${code ?? signal})`);
      for (const p of [...this.pending.values(), ...(this.onReady ? [this.onReady] : [])]) p.reject(this.exited);
      this.pending.clear();
      this.onReady = undefined;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private settle(id: number | undefined, reply: ChildReply): void {
    const waiter = id === undefined ? this.onReady : this.pending.get(id);
    if (id === undefined) this.onReady = undefined;
    else this.pending.delete(id);
    if (!waiter) return;
    if (reply.type === "error") waiter.reject(new Error(`client process: ${reply.message}`));
    else waiter.resolve(reply);
  }

  private send(msg: ChildRequest): void {
    if (this.exited) throw this.exited;
    this.child.send(msg);
  }

  async init(msg: ChildInit): Promise<{ chunkSize: number; concurrency: number }> {
    const reply = await new Promise<ChildReply>((resolve, reject) => {
      this.onReady = { resolve, reject };
      this.send(msg);
    });
    if (reply.type !== "ready") throw new Error(`client process: unexpected reply ${reply.type}`);
    return reply.transfer;
  }

  private request(msg: Omit<ChildOp, "id"> | { type: "delete" | "stat"; path: string }): Promise<ChildReply> {
    const id = this.nextId++;
    return new Promise<ChildReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ ...msg, id } as ChildRequest);
    });
  }

  async op(msg: Omit<ChildOp, "id" | "type">): Promise<{ ms: number; cpuMs: number; bytes: number }> {
    const reply = await this.request({ type: "op", ...msg });
    if (reply.type !== "result") throw new Error(`client process: unexpected reply ${reply.type}`);
    return reply;
  }

  async stat(p: string): Promise<number> {
    const reply = await this.request({ type: "stat", path: p });
    if (reply.type !== "stat") throw new Error(`client process: unexpected reply ${reply.type}`);
    return reply.size;
  }

  async delete(p: string): Promise<void> {
    await this.request({ type: "delete", path: p });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    try {
      this.child.send({ type: "close" } satisfies ChildRequest);
    } catch {
      this.child.kill("SIGKILL");
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}

function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] !== undefined ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------

interface PhaseResult {
  namespace: Namespace;
  samples: Record<"upload" | "download", Record<Side, number[]>>;
  cpu: Record<"upload" | "download", Record<Side, number[]>>;
  /** Requests the gateway saw per operation (hierarchical only): median per side. */
  requests?: Record<"upload" | "download", Record<Side, number[]>>;
  transfer: { chunkSize: number; concurrency: number };
  azuriteRssPeak: number;
}

async function main(): Promise<void> {
  const cli = parseOptions(process.argv.slice(2), ["size-mib", "repeat", "profile"]);
  const options = { sizeMiB: intOption(cli, "size-mib", 256, 5), repeat: intOption(cli, "repeat", 3) };
  const profileDir = cli.has("profile") ? path.join(ROOT, ".test-output", "bench", "profiles") : undefined;
  const size = options.sizeMiB * MIB;
  const started = performance.now();
  const machine = machineInfo();
  const loadStart = os.loadavg()[0]!;
  const workDir = mkdtempSync(path.join(os.tmpdir(), "awc-bench-adls2-"));

  let clients: Clients | undefined;
  let azurite: AzuriteServer | undefined;
  let gateway: DfsGateway | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    clients?.kill();
    rmSync(workDir, { recursive: true, force: true });
    // Exiting runs the Azurite fixture's exit hook, which stops it synchronously.
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, onSignal);

  try {
    console.log(`ADLS Gen2 connector benchmark — ${formatMiB(size)} file, ${options.repeat} runs per side (median), connector vs the Azure SDK's own file calls`);
    const source = path.join(workDir, "source.bin");
    const tGen = performance.now();
    const sourceSha = await writeRandomFile(source, size);
    const warm = path.join(workDir, "warm.bin");
    await writeRandomFile(warm, 3 * CHUNK + 17);
    process.stderr.write(`  generated ${formatMiB(size)} of random data in ${formatMs(performance.now() - tGen)}\n`);
    clients = new Clients();
    const cl = clients;
    const profiles: Array<{ file: string; top: ReturnType<typeof topSelfTime> }> = [];
    const phases: PhaseResult[] = [];

    for (const namespace of ["hierarchical", "flat"] as const) {
      // Everything one phase stores stays in Azurite's memory: make room for it.
      const stored = (options.repeat * 2 + 2) * options.sizeMiB + 256;
      const tStart = performance.now();
      azurite = await startAzurite({ extentMemoryLimitMb: Math.max(2048, stored) });
      const az = azurite;
      gateway = namespace === "hierarchical" ? await startDfsGateway(az, { hierarchicalNamespace: true }) : undefined;
      const gw = gateway;
      process.stderr.write(`  ${namespace}: started Azurite (pid ${az.pid}, port ${az.port})${gw ? ` and the dfs gateway (proxy :${gw.proxy.port})` : ""} in ${formatMs(performance.now() - tStart)}\n`);
      const container = `bench-${namespace === "hierarchical" ? "hns" : "flat"}-${Date.now().toString(36)}`;
      const transfer = await cl.init({
        type: "init",
        namespace,
        profile: gw
          ? { accountName: az.accountName, blobEndpoint: gw.blobUrl, dfsEndpoint: gw.dfsUrl, proxyUrl: `http://127.0.0.1:${gw.proxy.port}` }
          : { accountName: az.accountName, blobEndpoint: az.blobEndpoint, dfsEndpoint: az.blobEndpoint },
        accountName: az.accountName,
        accountKey: az.accountKey,
        reference: gw ? { kind: "dfs", url: gw.dfsUrl, proxy: gw.proxy } : { kind: "blob", url: az.blobEndpoint },
        container,
        chunkSize: CHUNK,
        concurrency: CONCURRENCY,
      });
      if (transfer.chunkSize !== CHUNK || transfer.concurrency !== CONCURRENCY) {
        process.stderr.write(`  note: the connector's resolved transfer settings (chunkSize ${formatMiB(transfer.chunkSize)}, concurrency ${transfer.concurrency}) differ from the reference's\n`);
      }

      // Warm-up (not measured): both clients move a small chunked file both ways once.
      for (const side of ["reference", "connector"] as const) {
        await cl.op({ side, op: "upload", file: warm, path: `warm/${side}.bin` });
        await cl.op({ side, op: "download", file: path.join(workDir, `warm-${side}.out`), path: `warm/${side}.bin` });
        rmSync(path.join(workDir, `warm-${side}.out`), { force: true });
        await cl.delete(`warm/${side}.bin`);
      }

      const empty = (): Record<"upload" | "download", Record<Side, number[]>> => ({ upload: { reference: [], connector: [] }, download: { reference: [], connector: [] } });
      const phase: PhaseResult = { namespace, samples: empty(), cpu: empty(), ...(gw ? { requests: empty() } : {}), transfer, azuriteRssPeak: 0 };
      const pathOf = (side: Side, r: number): string => `data/${side}-${r}.bin`;
      const outOf = (side: Side): string => path.join(workDir, `download-${side}.bin`);
      const measure = async (r: number, side: Side, op: "upload" | "download", file: string, p: string): Promise<void> => {
        const profileFile = profileDir && side === "connector" ? path.join(profileDir, `adls2-${namespace}-${op}-${r}-${Date.now()}.cpuprofile`) : undefined;
        if (gw) gw.requestLog.length = 0;
        const res = await cl.op({ side, op, file, path: p, ...(profileFile ? { profileFile } : {}) });
        const requests = gw ? gw.requestLog.length : undefined;
        const bytes = op === "upload" ? await cl.stat(p) : res.bytes;
        if (bytes !== size) throw new Error(`${namespace} ${op} by the ${side}: ${bytes} bytes ${op === "upload" ? "stored" : "reported"}, expected ${size}`);
        phase.samples[op][side].push(res.ms);
        phase.cpu[op][side].push(res.cpuMs);
        if (phase.requests && requests !== undefined) phase.requests[op][side].push(requests);
        if (profileFile) profiles.push({ file: path.relative(ROOT, profileFile), top: topSelfTime(profileFile) });
        process.stderr.write(
          `  ${namespace.padEnd(12)} ${op.padEnd(8)} #${r + 1} ${side.padEnd(9)} ${formatMs(res.ms).padStart(8)}  ${mibPerSecond(size, res.ms).toFixed(0).padStart(4)} MiB/s  cpu ${formatMs(res.cpuMs)}` +
            `${requests !== undefined ? `  ${requests} requests` : ""}\n`,
        );
      };

      for (let r = 0; r < options.repeat; r++) {
        for (const side of sideOrder(r)) await measure(r, side, "upload", source, pathOf(side, r));
        for (const side of sideOrder(r)) {
          rmSync(outOf(side), { force: true });
          await measure(r, side, "download", outOf(side), pathOf(side === "reference" ? "connector" : "reference", r));
        }
        for (const side of ["reference", "connector"] as const) {
          const out = outOf(side);
          const got = statSync(out).size;
          if (got !== size) throw new Error(`${namespace} download by the ${side}: ${got} bytes on disk, expected ${size}`);
          const sha = await sha256File(out);
          if (sha !== sourceSha) throw new Error(`${namespace} download by the ${side} of the ${side === "reference" ? "connector" : "SDK"}'s upload (round ${r + 1}): sha256 ${sha} ≠ source ${sourceSha}`);
          rmSync(out, { force: true });
        }
        process.stderr.write(`  ${namespace} round ${r + 1}: sha256 of both downloads = source (${sourceSha.slice(0, 12)}…)\n`);
        for (const side of ["reference", "connector"] as const) await cl.delete(pathOf(side, r));
        phase.azuriteRssPeak = Math.max(phase.azuriteRssPeak, rssOf(az.pid));
        await run("sync", ["-f", workDir]);
      }
      phases.push(phase);
      await gw?.stop();
      gateway = undefined;
      await az.stop();
      azurite = undefined;
    }
    await cl.close();
    clients = undefined;

    // --- report --------------------------------------------------------------------------------
    const cpuMedian = (v: number[]): number | null => (v.length ? round(median(v), 1) : null);
    const results: Comparison[] = [];
    for (const phase of phases) {
      const hns = phase.namespace === "hierarchical";
      for (const op of ["upload", "download"] as const) {
        const operation = `${op} ${formatMiB(size)}, ${hns ? "hierarchical (dfs gateway)" : "flat (bare Azurite)"}`;
        const refName = hns ? (op === "upload" ? "DataLakeFileClient.uploadFile" : "DataLakeFileClient.readToFile") : op === "upload" ? "BlockBlobClient.uploadFile" : "BlockBlobClient.downloadToFile";
        const connName = op === "upload" ? "client.uploadFile" : "client.downloadFile";
        const ref = phase.samples[op].reference;
        const conn = phase.samples[op].connector;
        results.push(
          compareSamples(operation, "ms", refName, ref, connName, conn, TARGET, {
            namespace: phase.namespace,
            bytes: size,
            mibPerSecond: { reference: round(mibPerSecond(size, median(ref)), 1), connector: round(mibPerSecond(size, median(conn)), 1) },
            clientCpuMsMedian: { reference: cpuMedian(phase.cpu[op].reference), connector: cpuMedian(phase.cpu[op].connector) },
            clientCpuMsSamples: { reference: phase.cpu[op].reference.map((v) => round(v, 1)), connector: phase.cpu[op].connector.map((v) => round(v, 1)) },
            ...(phase.requests ? { gatewayRequestsMedian: { reference: median(phase.requests[op].reference), connector: median(phase.requests[op].connector) } } : {}),
          }),
        );
      }
    }
    const transfer = phases[0]!.transfer;
    console.log("");
    console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.platform}, load average ${loadStart.toFixed(2)} at start`);
    console.log(
      `node ${machine.node}; @azure/storage-file-datalake ${packageVersion("@azure/storage-file-datalake")}, @azure/storage-blob ${packageVersion("@azure/storage-blob")}; server: azurite ${packageVersion("azurite")} (in-memory), ` +
        "hierarchical through test/fixtures/dfs-gateway.ts (an HTTP proxy in the benchmark's process); clients in a child process",
    );
    console.log(
      `transfer settings: connector (resolved profile) chunkSize ${formatMiB(transfer.chunkSize)}, concurrency ${transfer.concurrency}; ` +
        `reference chunkSize/blockSize ${formatMiB(CHUNK)}, maxConcurrency/concurrency ${CONCURRENCY}, singleUploadThreshold/maxSingleShotSize ${formatMiB(CHUNK)}`,
    );
    console.log("");
    console.log(
      renderTable(
        ["operation", "reference", "reference time", "connector time", "ratio", "target", "result"],
        results.map((c) => [c.operation, c.reference.name, formatMs(c.reference.median), formatMs(c.connector.median), `${c.ratio.toFixed(2)}×`, c.target, c.status]),
        [0, 1],
      ),
    );
    console.log("");
    console.log(`medians of ${options.repeat} run${options.repeat === 1 ? "" : "s"} per side, alternating order; the ratio is connector / reference.`);
    const cell = (v: number | null): string => (v === null ? "n/a" : formatMs(v));
    for (const c of results) {
      const n = c.notes as { mibPerSecond: { reference: number; connector: number }; clientCpuMsMedian: { reference: number | null; connector: number | null }; gatewayRequestsMedian?: { reference: number; connector: number } };
      console.log(
        `  ${c.operation}: ${n.mibPerSecond.reference} / ${n.mibPerSecond.connector} MiB/s; client CPU (user+sys) ${cell(n.clientCpuMsMedian.reference)} / ${cell(n.clientCpuMsMedian.connector)}` +
          (n.gatewayRequestsMedian ? `; requests ${n.gatewayRequestsMedian.reference} / ${n.gatewayRequestsMedian.connector}` : "") +
          "  (reference / connector)",
      );
    }
    console.log(`memory: Azurite peak RSS ${phases.map((p) => `${p.namespace} ${formatMiB(p.azuriteRssPeak)}`).join(", ")} (a fresh Azurite per namespace)`);
    for (const p of profiles) console.log(`profile ${p.file}: top self time ${p.top.slice(0, 4).map((t) => `${t.fn} ${t.ms} ms`).join(", ")}`);
    if (loadStart >= machine.nproc * 0.75) {
      console.log(
        `note: the machine was already busy when the benchmark started (1-min load average ${loadStart.toFixed(2)}, ${machine.nproc} CPUs): ` +
          "wall times are noisy; the client CPU numbers are the steadier comparison; rerun on an idle machine to judge the targets.",
      );
    }

    const file = writeReport("adls2", {
      benchmark: "adls2",
      date: new Date().toISOString(),
      options,
      machine: {
        ...machine,
        packages: { "@azure/storage-file-datalake": packageVersion("@azure/storage-file-datalake"), "@azure/storage-blob": packageVersion("@azure/storage-blob"), azurite: packageVersion("azurite") },
      },
      data: { bytes: size, sha256: sourceSha },
      settings: { connector: transfer, reference: { chunkSize: CHUNK, concurrency: CONCURRENCY, singleUploadThreshold: CHUNK } },
      loadAverage: { start: round(loadStart), end: round(os.loadavg()[0]!) },
      results,
      azuriteRssPeakBytes: Object.fromEntries(phases.map((p) => [p.namespace, p.azuriteRssPeak])),
      profiles,
      durationMs: Math.round(performance.now() - started),
    });
    console.log(`wrote ${file} (total ${formatMs(performance.now() - started)})`);
  } finally {
    await clients?.close().catch(() => clients?.kill());
    await gateway?.stop().catch(() => undefined);
    await azurite?.stop();
    rmSync(workDir, { recursive: true, force: true });
    for (const signal of signals) process.off(signal, onSignal);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench adls2: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  console.error(`bench adls2 failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
