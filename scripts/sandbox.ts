// `npm start`: a local sandbox to try the extension against real services with sample data.
//
//   node --import tsx scripts/sandbox.ts [--no-open] [--port N] [--state-dir DIR] [--code-server]
//
// 1. Starts on 127.0.0.1 (the test fixtures): PostgreSQL (the distribution's server), an S3 server
//    (fauxqs, on the cached Node 24), Azurite (flat namespace) and a second Azurite behind the dfs
//    gateway (ADLS Gen2 hierarchical namespace), and fills them with sample data (scripts/sandbox/sample-data.ts).
// 2. Writes the workspace <state>/workspace: .vscode/settings.json with the profiles postgres.sandbox,
//    s3.sandbox, adls2.sandbox and adls2.sandbox-hns (secrets as secret://env/… references), a README,
//    queries/example.sql and data/new-customers.csv; the secret values go to <state>/env.json.
// 3. Builds the extension (scripts/build.mjs) and opens VS Code on the workspace with the extension loaded
//    from this repository: the desktop `code` when it is on PATH, else code-server on 127.0.0.1 (prints the URL).
// Ctrl-C (SIGINT), SIGTERM or SIGHUP stops everything it started, by pid / process group, and exits 0.
//
// Options:
//   --no-open        services and workspace only (no build, no VS Code); prints the environment to use them
//   --port N         code-server's port (default: a free one)
//   --state-dir DIR  where everything of a run lives (default: <repo>/.sandbox)
//   --code-server    use code-server even when the desktop `code` is on PATH
// Output: progress lines `[sandbox] …`, a summary, then one line `[sandbox] ready in N s …`.
// Errors: `[sandbox] ERROR: …` and exit code 1 (AWC_SANDBOX_DEBUG=1 prints stacks); usage errors exit 2.
// <state>/state.json describes the running sandbox (pid, ports, pids, URL) and is removed on exit.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createRegistry, type TestReport } from "../src/connectors/index";
import { pidAlive } from "../test/fixtures/processes";
import { which } from "./sandbox/processes";
import { ADLS_CONTAINER, LAKE_EMPTY_DIRS, PAGING_KEYS, PAGING_PREFIX, PG_DATABASE, S3_BUCKET } from "./sandbox/sample-data";
import { seed, startServices, type Stoppable } from "./sandbox/services";
import { startCodeServer, startDesktop, type VsCodeHandle } from "./sandbox/vscode";
import { SECRET_ENV, profilesFor, settingsSource, writeWorkspace, type Endpoints } from "./sandbox/workspace";

const ROOT = path.resolve(__dirname, "..");
// The AWS SDK's "Node 20 support ends in 2027" warning is noise in the sandbox's output (this process only
// seeds data; the extension runs in VS Code's own Node).
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";
const SYSTEM_TMP = os.tmpdir();
const started = Date.now();
const seconds = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (line: string): void => console.log(`[sandbox] ${line}`);
const rel = (p: string): string => (p.startsWith(ROOT + path.sep) ? path.relative(ROOT, p) : p);

class UsageError extends Error {}
class Interrupted extends Error {}

interface Options {
  open: boolean;
  port?: number;
  stateDir: string;
  forceCodeServer: boolean;
}

function parseOptions(argv: string[]): Options | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      "no-open": { type: "boolean", default: false },
      port: { type: "string" },
      "state-dir": { type: "string" },
      "code-server": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port: expected a port number, got ${JSON.stringify(values.port)}`);
  }
  return {
    open: !values["no-open"],
    ...(port !== undefined ? { port } : {}),
    stateDir: path.resolve(values["state-dir"] ?? path.join(ROOT, ".sandbox")),
    forceCodeServer: values["code-server"] ?? false,
  };
}

const HELP = `Usage: npm start [-- options]   (node --import tsx scripts/sandbox.ts [options])

Starts PostgreSQL, an S3 server and Azurite (+ dfs gateway) on 127.0.0.1 with sample data, writes a
workspace with connection profiles for them, and opens VS Code with the extension loaded from this repo.
Ctrl-C stops everything.

  --no-open        services and workspace only; print the environment and exit on Ctrl-C
  --port N         code-server port (default: a free one)
  --state-dir DIR  state folder (default: .sandbox in the repo)
  --code-server    use code-server even if the desktop \`code\` is on PATH
`;

// ---------------------------------------------------------------------------------------------
// Shutdown: everything started is tracked (and stopped newest first); signals and failures end here.

/** Set by the first signal; start-up steps check it and stop early. */
let stopRequested = false;
const resources: Stoppable[] = [];
/** Every resource ever tracked: their stopSync runs on process exit (a second Ctrl-C, an uncaught error). */
const tracked: Stoppable[] = [];
let stopping: Promise<void> | undefined;
/** The services' start, while it runs: a signal waits for it, so no half-started server is left behind. */
let startingServices: Promise<unknown> | undefined;
let vscode: VsCodeHandle | undefined;
let stateFile: string | undefined;

function track(resource: Stoppable): void {
  tracked.push(resource);
  resources.push(resource);
  // Started while shutting down (an interrupt during start-up): stop it right away.
  if (stopping) void resource.stop().catch(() => undefined);
}

function shutdown(): Promise<void> {
  stopping ??= (async () => {
    const t0 = Date.now();
    const errors: string[] = [];
    while (resources.length > 0) {
      const r = resources.pop()!;
      try {
        await r.stop();
      } catch (err) {
        errors.push(`${r.name}: ${(err as Error).message}`);
      }
    }
    if (stateFile) rmSync(stateFile, { force: true });
    for (const e of errors) console.error(`[sandbox] stopping ${e}`);
    if (tracked.length > 0) log(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  })();
  return stopping;
}

let signalled = 0;
function onSignal(signal: NodeJS.Signals): void {
  signalled++;
  if (signalled > 1) {
    log(`${signal} again: killing what is left`);
    process.exit(1); // exit hooks: ours (stopSync) and the fixtures' (synchronous stop of their servers)
  }
  stopRequested = true;
  console.log("");
  log(`${signal}: stopping everything…`);
  // VS Code first and at once: the fixtures' own signal hooks, which run right after this one, stop
  // their servers synchronously.
  for (const r of resources) if (r.name === "VS Code") void r.stop().catch(() => undefined);
  void (async () => {
    await startingServices?.catch(() => undefined);
    await shutdown();
    process.exit(0);
  })();
}

// ---------------------------------------------------------------------------------------------

/** Refuses to run twice on one state folder; returns the state file path. */
function claimStateDir(stateDir: string): string {
  const file = path.join(stateDir, "state.json");
  try {
    const previous = JSON.parse(readFileSync(file, "utf8")) as { pid?: number };
    if (previous.pid && previous.pid !== process.pid && pidAlive(previous.pid)) {
      const cmdline = readFileSync(`/proc/${previous.pid}/cmdline`, "utf8");
      if (cmdline.includes("sandbox")) throw new UsageError(`a sandbox already runs on ${rel(stateDir)} (pid ${previous.pid}); stop it first or pass --state-dir`);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  return file;
}

/** A temp folder for the fixtures' files (PostgreSQL data dir, Azurite's folder) inside the state folder. */
async function fixtureTmp(stateDir: string): Promise<string | undefined> {
  const dir = path.join(stateDir, "tmp");
  // Leftovers of a run that was killed (SIGKILL) before it could clean up.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // PostgreSQL runs as the `postgres` user when we are root: it must reach the folder; and its socket
  // path (<dir>/awc-pg-XXXXXX/data/.s.PGSQL.NNNNN) must stay short.
  if (Buffer.byteLength(dir) > 60) return undefined;
  if (process.getuid?.() === 0) {
    await chmod(dir, 0o755);
    for (let d = stateDir; ; d = path.dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) return undefined; // not traversable by others: use the system temp folder
      if (path.dirname(d) === d) break;
    }
  }
  return dir;
}

function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`scripts/build.mjs failed (exit ${code}):\n${out.trim()}`))));
  });
}

const fmt = (n: number): string => n.toLocaleString("en-US");

function describeReport(r: TestReport): string {
  const parts = [r.serverVersion, r.identity ? `as ${r.identity}` : undefined, typeof r.details["namespace"] === "string" ? `namespace ${r.details["namespace"]}` : undefined];
  return `${parts.filter(Boolean).join(", ")} (${r.latencyMs} ms)`;
}

async function main(): Promise<number> {
  let opts: Options | "help";
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`[sandbox] ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts === "help") {
    console.log(HELP);
    return 0;
  }
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, onSignal);
  process.on("exit", () => {
    for (const r of tracked) r.stopSync?.();
    if (stateFile) rmSync(stateFile, { force: true });
  });

  const { stateDir } = opts;
  await mkdir(stateDir, { recursive: true });
  const lockFile = claimStateDir(stateDir);
  stateFile = lockFile;
  await writeFile(lockFile, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), ready: false }, null, 2) + "\n");
  const workspaceDir = path.join(stateDir, "workspace");
  const envFile = path.join(stateDir, "env.json");

  // Fixtures create their temp folders in os.tmpdir(), which follows TMPDIR.
  const tmp = await fixtureTmp(stateDir);
  if (tmp) process.env["TMPDIR"] = tmp;

  log(`starting services on 127.0.0.1 (state: ${rel(stateDir)})`);
  const building = opts.open
    ? build().then(
        () => log("extension built (scripts/build.mjs → dist/extension.js)"),
        (err: unknown) => {
          if (!existsSync(path.join(ROOT, "dist", "extension.js"))) throw err;
          log(`WARNING: build failed, using the existing dist/extension.js:\n${(err as Error).message}`);
        },
      )
    : Promise.resolve();
  const starting = startServices(track, log);
  startingServices = starting;
  const [services] = await Promise.all([starting, building]);
  startingServices = undefined;
  if (stopRequested) throw new Interrupted();

  const secrets: Record<string, string> = {
    [SECRET_ENV.pgPassword]: services.postgres.password,
    [SECRET_ENV.s3SecretAccessKey]: services.s3.secretAccessKey,
    [SECRET_ENV.azureAccountKey]: services.azurite.accountKey,
  };
  const endpoints: Endpoints = {
    postgres: { host: services.postgres.host, port: services.postgres.port, database: PG_DATABASE, user: services.postgres.user },
    s3: { endpointUrl: services.s3.endpoint, region: services.s3.region, accessKeyId: services.s3.accessKeyId },
    adls: { accountName: services.azurite.accountName, blobEndpoint: services.azurite.blobEndpoint },
    adlsHns: {
      accountName: services.azuriteHns.accountName,
      blobUrl: services.gateway.blobUrl,
      dfsUrl: services.gateway.dfsUrl,
      proxyUrl: `http://127.0.0.1:${services.gateway.proxy.port}`,
    },
  };
  const workspace = await writeWorkspace(workspaceDir, endpoints);
  await writeFile(envFile, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });

  // The profiles exactly as the extension resolves them from workspace settings + its environment.
  const profiles = profilesFor(endpoints);
  const registry = createRegistry({ env: secrets, sources: [settingsSource(profiles)] });
  track({ name: "connector clients", stop: () => registry.reset() });
  const seeded = await seed(services, registry, log);
  if (stopRequested) throw new Interrupted();
  const names = Object.entries(profiles).flatMap(([name, byProfile]) => Object.keys(byProfile).map((profile) => ({ name, profile })));
  const reports = await Promise.all(names.map(async ({ name, profile }) => ({ name, profile, report: await (await registry.get(name, profile)).test() })));
  await registry.reset();

  // VS Code.
  const code = opts.open && !opts.forceCodeServer && !process.env["VSCODE_IPC_HOOK_CLI"] ? which("code") : undefined;
  if (opts.open) {
    const openOpts = { root: ROOT, stateDir, workspace: workspaceDir, env: secrets, log, systemTmp: SYSTEM_TMP, ...(opts.port !== undefined ? { port: opts.port } : {}) };
    log(code ? `opening the desktop VS Code (${code})` : "starting code-server");
    // Tracked as soon as its process exists, before it is ready.
    const onSpawn = (h: VsCodeHandle): void => track({ name: "VS Code", stop: () => h.stop(), stopSync: () => h.stopSync() });
    vscode = code ? await startDesktop(code, { ...openOpts, onSpawn }) : await startCodeServer({ ...openOpts, onSpawn });
    const handle = vscode;
    if (stopRequested) throw new Interrupted();
    void handle.exited.then((why) => {
      if (stopRequested || stopping) return;
      if (handle.kind === "desktop") {
        log(`VS Code closed (${why}); the services keep running until Ctrl-C`);
        return;
      }
      console.error(`[sandbox] code-server exited unexpectedly (${why}); see ${rel(handle.logFile)}. Stopping.`);
      void shutdown().then(() => process.exit(1));
    });
  }

  // Summary.
  const lines: string[] = [];
  const pg = services.postgres;
  lines.push("", "Services (127.0.0.1; their data goes away on Ctrl-C):");
  lines.push(`  PostgreSQL      127.0.0.1:${pg.port}  database ${PG_DATABASE}, schema shop: ${Object.entries(seeded.postgres).map(([t, n]) => `${t} ${fmt(n)}`).join(", ")}; views order_totals, revenue_by_month`);
  lines.push(`  S3 (fauxqs)     ${services.s3.endpoint}  bucket ${S3_BUCKET}: ${fmt(seeded.s3Objects)} objects (${fmt(PAGING_KEYS)} under ${PAGING_PREFIX})`);
  lines.push(`  Azurite         ${services.azurite.blobEndpoint}  container ${ADLS_CONTAINER} (flat namespace): ${seeded.lakeFiles} files in bronze/ silver/ gold/`);
  lines.push(`  Azurite + dfs   proxy 127.0.0.1:${services.gateway.proxy.port} → ${services.azuriteHns.blobEndpoint}  container ${ADLS_CONTAINER} (hierarchical namespace): ${seeded.lakeFiles} files, empty dirs ${LAKE_EMPTY_DIRS.join(", ")}`);
  lines.push("", `Profiles (autoWorkflow.connectors in ${rel(workspace.settingsFile)}), Test Connection:`);
  for (const { name, profile, report } of reports) lines.push(`  ${`${name}.${profile}`.padEnd(18)} ok  ${describeReport(report)}`);
  lines.push("", `Environment (secret://env/… values; also in ${rel(envFile)}):`);
  for (const [k, v] of Object.entries(secrets)) lines.push(`  export ${k}='${v}'`);
  if (!opts.open) {
    lines.push("", "To open it in your own VS Code with the extension from this repo (after `npm run build`):");
    lines.push(`  (export the variables above) && code --extensionDevelopmentPath=${ROOT} ${workspaceDir}`);
  } else if (vscode?.kind === "code-server") {
    lines.push("", `VS Code (code-server; extension ${manifestId()} loaded from ${ROOT}):`);
    lines.push(`  ${vscode.url}`);
    lines.push(`  log: ${rel(vscode.logFile)}`);
  } else if (vscode) {
    lines.push("", `VS Code (desktop, --extensionDevelopmentPath=${ROOT}); log: ${rel(vscode.logFile)}`);
  }
  console.log(lines.join("\n") + "\n");

  const state = {
    pid: process.pid,
    startedAt: new Date(started).toISOString(),
    ready: true,
    workspace: workspaceDir,
    settingsFile: workspace.settingsFile,
    envFile,
    url: vscode?.url,
    services: {
      postgres: { port: pg.port, pid: pg.pid, database: PG_DATABASE },
      s3: { port: services.s3.port, pid: services.s3.pid, endpoint: services.s3.endpoint, bucket: S3_BUCKET },
      azurite: { port: services.azurite.port, pid: services.azurite.pid, blobEndpoint: services.azurite.blobEndpoint },
      azuriteHns: { port: services.azuriteHns.port, pid: services.azuriteHns.pid, blobEndpoint: services.azuriteHns.blobEndpoint },
      dfsGateway: { port: services.gateway.proxy.port, pid: process.pid },
      ...(vscode ? { vscode: { kind: vscode.kind, pid: vscode.pid, ...(vscode.port ? { port: vscode.port } : {}) } } : {}),
    },
    profiles: names.map(({ name, profile }) => `${name}.${profile}`),
  };
  await writeFile(lockFile, JSON.stringify(state, null, 2) + "\n");
  log(`ready in ${seconds()}${vscode?.url ? `: ${vscode.url}` : ""} (Ctrl-C stops everything)`);
  return new Promise<number>(() => undefined); // runs until a signal
}

function manifestId(): string {
  const m = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { publisher: string; name: string; version: string };
  return `${m.publisher}.${m.name}@${m.version}`;
}

main().then(
  (code) => process.exit(code), // only --help and usage errors return
  (err: unknown) => {
    if (err instanceof Interrupted || stopRequested) return; // the signal handler finishes (errors of interrupted steps are expected)
    // Messages say what failed (the fixtures' include log tails); AWC_SANDBOX_DEBUG=1 adds the stack.
    const e = err instanceof Error ? err : new Error(String(err));
    console.error(`[sandbox] ERROR: ${process.env["AWC_SANDBOX_DEBUG"] === "1" ? (e.stack ?? e.message) : e.message}`);
    void shutdown().then(() => process.exit(1));
  },
);
