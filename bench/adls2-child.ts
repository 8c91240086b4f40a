// The clients of bench/adls2.ts, in a process of their own: the dfs gateway (test/fixtures/dfs-gateway.ts)
// runs inside the benchmark's main process, so keeping the clients here means their CPU time is
// theirs alone and they never share an event loop with the server side.
//
// Driven over the IPC channel of child_process.fork(): `init` (one namespace: the connector's profile
// and the reference SDK client), then `op` messages (upload / download, reference or connector, each
// timed with its own CPU time), `stat` (an uploaded file's size), `delete`, and `close`. Not meant to be run by hand.
import path from "node:path";
import { BlobServiceClient, StorageSharedKeyCredential as BlobKeyCredential } from "@azure/storage-blob";
import { DataLakeServiceClient, StorageSharedKeyCredential } from "@azure/storage-file-datalake";
import { createRegistry, type Adls2Connector, type Registry } from "../src/connectors/index";
import { cpuMsSince, startCpuProfile } from "./common";

export interface ChildInit {
  type: "init";
  namespace: "hierarchical" | "flat";
  /** Connector profile keys (the account key is passed separately, as a secret://env reference). */
  profile: Record<string, unknown>;
  accountName: string;
  accountKey: string;
  /** The reference: a DataLakeServiceClient (through the gateway's proxy) or a BlobServiceClient. */
  reference: { kind: "dfs"; url: string; proxy: { host: string; port: number } } | { kind: "blob"; url: string };
  container: string;
  chunkSize: number;
  concurrency: number;
}

export interface ChildOp {
  type: "op";
  id: number;
  side: "reference" | "connector";
  op: "upload" | "download";
  /** Local file: the source of an upload, the target of a download. */
  file: string;
  /** Path in the container. */
  path: string;
  /** Write a V8 CPU profile of this operation here. */
  profileFile?: string;
}

export type ChildRequest = ChildInit | ChildOp | { type: "delete" | "stat"; id: number; path: string } | { type: "close" };

export type ChildReply =
  | { type: "ready"; transfer: { chunkSize: number; concurrency: number } }
  /** bytes: what a download reported; -1 for uploads (checked with a `stat` afterwards). */
  | { type: "result"; id: number; ms: number; cpuMs: number; bytes: number }
  | { type: "stat"; id: number; size: number }
  | { type: "deleted"; id: number }
  | { type: "error"; id?: number; message: string };

let registry: Registry | undefined;
let connector: Adls2Connector | undefined;
let setup: ChildInit | undefined;
let dfs: DataLakeServiceClient | undefined;
let blob: BlobServiceClient | undefined;

function send(reply: ChildReply): void {
  process.send!(reply);
}

async function init(msg: ChildInit): Promise<void> {
  await registry?.reset();
  setup = msg;
  registry = createRegistry({
    env: {
      AWC_BENCH_ADLS2_KEY: msg.accountKey,
      AUTO_WORKFLOW_CONNECTORS_ADLS2_BENCH__JSON: JSON.stringify({ ...msg.profile, accountKey: "secret://env/AWC_BENCH_ADLS2_KEY" }),
    },
  });
  const resolved = await registry.resolveConfig("adls2", "bench");
  const transfer = resolved.values["transfer"] as { chunkSize: number; concurrency: number };
  connector = await registry.get("adls2", "bench");
  const detected = await connector.namespace();
  if (detected !== msg.namespace) throw new Error(`the connector detected a ${detected} namespace, expected ${msg.namespace}`);
  await connector.createContainer(msg.container, { existOk: true });
  const ref = msg.reference;
  dfs = ref.kind === "dfs" ? new DataLakeServiceClient(ref.url, new StorageSharedKeyCredential(msg.accountName, msg.accountKey), { proxyOptions: ref.proxy }) : undefined;
  blob = ref.kind === "blob" ? new BlobServiceClient(ref.url, new BlobKeyCredential(msg.accountName, msg.accountKey)) : undefined;
  send({ type: "ready", transfer });
}

/**
 * The reference: the SDK's own file transfer calls with the same chunk size and concurrency as the
 * connector's defaults. Returns the bytes a download reported (uploads are checked after the clock stops).
 */
async function reference(op: ChildOp): Promise<number | undefined> {
  const s = setup!;
  if (dfs) {
    const file = dfs.getFileSystemClient(s.container).getFileClient(op.path);
    if (op.op === "upload") {
      await file.uploadFile(op.file, { chunkSize: s.chunkSize, maxConcurrency: s.concurrency, singleUploadThreshold: s.chunkSize });
      return undefined;
    }
    return (await file.readToFile(op.file)).contentLength ?? -1;
  }
  const file = blob!.getContainerClient(s.container).getBlockBlobClient(op.path);
  if (op.op === "upload") {
    await file.uploadFile(op.file, { blockSize: s.chunkSize, concurrency: s.concurrency, maxSingleShotSize: s.chunkSize });
    return undefined;
  }
  return (await file.downloadToFile(op.file)).contentLength ?? -1;
}

async function viaConnector(op: ChildOp): Promise<number | undefined> {
  const s = setup!;
  if (op.op === "upload") {
    await connector!.uploadFile(op.file, s.container, op.path);
    return undefined;
  }
  return (await connector!.downloadFile(s.container, op.path, op.file)).size;
}

async function runOp(op: ChildOp): Promise<void> {
  const profiler = op.profileFile ? await startCpuProfile() : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const reported = op.side === "reference" ? await reference(op) : await viaConnector(op);
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  if (profiler) await profiler.stop(path.resolve(op.profileFile!));
  send({ type: "result", id: op.id, ms, cpuMs, bytes: reported ?? -1 });
}

process.on("message", (msg: ChildRequest) => {
  const id = "id" in msg ? msg.id : undefined;
  const fail = (error: unknown): void => send({ type: "error", ...(id !== undefined ? { id } : {}), message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  switch (msg.type) {
    case "init":
      init(msg).catch(fail);
      break;
    case "op":
      runOp(msg).catch(fail);
      break;
    case "stat":
      connector!
        .getProperties(setup!.container, msg.path)
        .then((props) => send({ type: "stat", id: msg.id, size: props.size }))
        .catch(fail);
      break;
    case "delete":
      connector!
        .deletePath(setup!.container, msg.path)
        .then(() => send({ type: "deleted", id: msg.id }))
        .catch(fail);
      break;
    case "close":
      void (registry?.reset() ?? Promise.resolve()).finally(() => process.disconnect());
      break;
  }
});
process.on("disconnect", () => process.exit(0));
