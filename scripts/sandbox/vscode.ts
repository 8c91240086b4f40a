// Opens VS Code on the sandbox workspace with the extension loaded from this repository:
// - the desktop `code` when it is on PATH: `--extensionDevelopmentPath=<repo>`, with a user-data-dir and
//   extensions-dir of its own (so a new instance starts, with the sandbox's environment);
// - else code-server (VS Code 1.139 from npm, on the cached Node 24; see shared notes real-vscode.md) on
//   127.0.0.1. code-server has no --extensionDevelopmentPath: the repository is symlinked into its
//   --extensions-dir as <publisher>.<name>-<version>, so it loads dist/extension.js from the repo.
// Both run in a session of their own and are stopped by process group, then by pid.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { lstat, mkdir, readdir, rm, symlink, unlink, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { killSessionSync, processes, stopSession, type ProcInfo } from "./processes";

export interface VsCodeHandle {
  kind: "code-server" | "desktop";
  /** code-server: the workbench URL (with ?folder=). */
  url?: string;
  port?: number;
  pid: number;
  logFile: string;
  /** Resolves when the process exits (code-server: the server; desktop: the `code --wait` CLI). */
  exited: Promise<string>;
  stop(): Promise<void>;
  /** Last resort on process exit. */
  stopSync(): void;
}

export interface OpenOptions {
  root: string;
  stateDir: string;
  workspace: string;
  /** Added to the environment of VS Code (the secrets). */
  env: Record<string, string>;
  port?: number;
  log: (line: string) => void;
  /** Called as soon as the process runs (before it is ready), so that an interrupt can stop it. */
  onSpawn?: (handle: VsCodeHandle) => void;
}

interface VsCodeDepsModule {
  ensureNode24(log?: (line: string) => void): Promise<{ dir: string; bin: string }>;
  ensureCodeServer(node24: { dir: string; bin: string }, log?: (line: string) => void): Promise<string>;
  CODE_SERVER_VERSION: string;
}

/**
 * User settings of the sandbox's VS Code profile (added when missing, so changes made in the sandbox stay):
 * quiet, offline-friendly, trusted.
 */
const USER_SETTINGS: Record<string, unknown> = {
  "workbench.startupEditor": "readme",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  // The workspace lives inside this repository's git work tree.
  "git.openRepositoryInParentFolders": "never",
  // VS Code's default ("override") replaces the agents of extensions' HTTP requests, which drops the
  // adls2 profile's proxyUrl: adls2.sandbox-hns (reached through the dfs gateway as a proxy) then fails
  // with "endpoint host … not found". "fallback" keeps an extension's own agent when no proxy is configured.
  "http.proxySupport": "fallback",
};

/** Adds the USER_SETTINGS keys that `file` lacks (creating it when missing). */
async function mergeUserSettings(file: string, log: (line: string) => void): Promise<void> {
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
      log(`note: ${file} is not plain JSON; leaving it as it is`);
      return;
    }
  }
  const missing = Object.keys(USER_SETTINGS).filter((k) => !(k in current));
  if (missing.length === 0) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ ...current, ...Object.fromEntries(missing.map((k) => [k, USER_SETTINGS[k]])) }, null, 2) + "\n");
}

/** The environment VS Code gets: ours minus what would confuse it or leak in, plus `extra`. */
function vscodeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // An enclosing VS Code's variables; Node flags of this (tsx) process; coverage collection; npm's
    // lifecycle variables; connector profiles from the developer's shell (only the workspace's count).
    if (/^(VSCODE_|ELECTRON_|npm_|AUTO_WORKFLOW_CONNECTORS_)/i.test(key)) continue;
    if (key === "NODE_OPTIONS" || key === "NODE_V8_COVERAGE" || key === "INIT_CWD") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** `?folder=` value: the path with everything but `/` percent-encoded. */
export const folderQuery = (dir: string): string => encodeURIComponent(dir).replace(/%2F/g, "/");

function manifest(root: string): { publisher: string; name: string; version: string } {
  return JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { publisher: string; name: string; version: string };
}

/**
 * Symlinks the repository into `extensionsDir` as <publisher>.<name>-<version> (replacing links of
 * other versions of it), so code-server loads it like an installed extension.
 */
async function linkExtension(root: string, extensionsDir: string): Promise<string> {
  const m = manifest(root);
  const id = `${m.publisher}.${m.name}`;
  const folder = `${id}-${m.version}`;
  await mkdir(extensionsDir, { recursive: true });
  for (const name of await readdir(extensionsDir)) {
    if (!name.startsWith(`${id}-`) || name === folder) continue;
    const full = path.join(extensionsDir, name);
    if ((await lstat(full)).isSymbolicLink()) await unlink(full);
  }
  const link = path.join(extensionsDir, folder);
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== root) {
    await rm(link, { force: true, recursive: false }).catch(() => undefined);
    await symlink(root, link, "dir");
  }
  return `${id}@${m.version}`;
}

function listenOnce(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once("error", (err) => resolve(err.message));
  });
}

function tail(file: string, n = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

/**
 * A folder for Unix sockets: `dir` itself when short enough (socket paths are limited to 107 bytes and
 * VS Code puts `vscode-ipc-<uuid>.sock` into TMPDIR), else a short link to it in the system temp folder.
 */
async function socketSafe(dir: string, systemTmp: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  if (Buffer.byteLength(dir) <= 48) return { dir, cleanup: async () => undefined };
  const link = path.join(systemTmp, `awc-sandbox-${process.pid}`);
  await rm(link, { force: true }).catch(() => undefined);
  await symlink(dir, link, "dir");
  const removeSync = (): void => rmSync(link, { force: true });
  process.once("exit", removeSync); // also when start-up fails before there is anything to stop
  return {
    dir: link,
    cleanup: async () => {
      process.off("exit", removeSync);
      await unlink(link).catch(() => undefined);
    },
  };
}

/** True when nothing listens on 127.0.0.1:port (we could bind it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** code-server on 127.0.0.1 with the extension symlinked in. */
export async function startCodeServer(opts: OpenOptions & { systemTmp?: string }): Promise<VsCodeHandle> {
  const spec = pathToFileURL(path.join(opts.root, "scripts", "ensure-vscode-deps.mjs")).href;
  const deps = (await import(spec)) as VsCodeDepsModule;
  const depLog = (line: string): void => opts.log(`vscode deps: ${line}`);
  const node24 = await deps.ensureNode24(depLog);
  const codeServerBin = await deps.ensureCodeServer(node24, depLog);

  const base = path.join(opts.stateDir, "vscode");
  const sockets = await socketSafe(base, opts.systemTmp ?? os.tmpdir());
  const dirs = {
    home: path.join(base, "home"),
    config: path.join(base, "home", ".config"),
    data: path.join(base, "home", ".local", "share"),
    tmp: path.join(sockets.dir, "tmp"),
    userData: path.join(sockets.dir, "user-data"),
    extensions: path.join(base, "extensions"),
  };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  await mergeUserSettings(path.join(dirs.userData, "User", "settings.json"), opts.log);
  // Cached extension manifests would hide changes to package.json (contributions) until a later reload.
  await rm(path.join(dirs.userData, "CachedProfilesData"), { recursive: true, force: true });
  const configFile = path.join(base, "code-server.yaml");
  // Not empty of keys (a comment-only file fails to parse); every other option is on the command line.
  await writeFile(configFile, "# written by scripts/sandbox/vscode.ts\nauth: none\n");
  const logDir = path.join(opts.stateDir, "logs");
  await mkdir(logDir, { recursive: true });
  const logFile = path.join(logDir, "code-server.log");

  const env = vscodeEnv({
    ...opts.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_RUNTIME_DIR: dirs.tmp,
    TMPDIR: dirs.tmp,
    PATH: `${path.dirname(node24.bin)}${path.delimiter}${process.env["PATH"] ?? ""}`,
  });
  const common = ["--config", configFile, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions];

  // Install (symlink) and check that code-server sees the extension before starting it.
  const wanted = await linkExtension(opts.root, dirs.extensions);
  let listing = "";
  const listed = async (): Promise<boolean> => {
    const out = await new Promise<string>((resolve) => {
      const child = spawn(node24.bin, [codeServerBin, ...common, "--list-extensions", "--show-versions"], { env, stdio: ["ignore", "pipe", "pipe"] });
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.stderr.on("data", (d: Buffer) => (text += d.toString()));
      child.on("error", (err) => resolve(err.message));
      child.on("close", () => resolve(text));
    });
    listing = out.trim();
    return out.split("\n").some((line) => line.trim() === wanted);
  };
  if (!(await listed())) {
    // A stale extensions.json (e.g. from another version) can hide the link: let VS Code rebuild it.
    await rm(path.join(dirs.extensions, "extensions.json"), { force: true });
    if (!(await listed())) throw new Error(`code-server does not list ${wanted} from ${dirs.extensions}:\n${listing}`);
  }

  const port = opts.port ?? 0;
  if (port && !(await portFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use: pick another with --port, or leave it out for a free one`);
  const args = [
    codeServerBin,
    ...common,
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--disable-telemetry",
    "--disable-update-check",
    "--disable-workspace-trust",
    "--disable-getting-started-override",
    "--ignore-last-opened",
    // A closed tab's extension host (and its connections) goes away after 5 minutes instead of 3 hours.
    "--reconnection-grace-time", "300",
  ];
  const out = createWriteStream(logFile, { flags: "w" });
  // detached: code-server leads its own session and process group (stopped as a whole).
  const child = spawn(node24.bin, args, { cwd: opts.workspace, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start code-server (${node24.bin} ${codeServerBin})`);
  const exited = listenOnce(child);
  let gone: string | undefined;
  void exited.then((why) => (gone = why));
  let text = "";
  const onData = (d: Buffer): void => {
    out.write(d);
    if (text.length < 64_000) text += d.toString();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  child.unref();

  let stopping: Promise<void> | undefined;
  let stopped = false;
  const handle: VsCodeHandle = {
    kind: "code-server",
    pid,
    logFile,
    exited,
    stop: () =>
      (stopping ??= (async () => {
        await stopSession(pid, 8_000);
        stopped = true;
        await new Promise((resolve) => out.end(resolve));
        await sockets.cleanup();
      })()),
    stopSync: () => {
      if (!stopped) killSessionSync(pid);
    },
  };
  opts.onSpawn?.(handle);

  try {
    // code-server says where it listens ("HTTP server listening on http://127.0.0.1:N/"; with port 0 the
    // OS picked N); then /healthz must answer.
    const deadline = Date.now() + 60_000;
    let actualPort = 0;
    for (;;) {
      if (gone) throw new Error(`code-server exited during start-up (${gone})\n${tail(logFile)}`);
      if (Date.now() > deadline) throw new Error(`code-server did not start within 60 s\n${tail(logFile)}`);
      if (!actualPort) {
        const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (m) actualPort = Number(m[1]);
      }
      if (actualPort) {
        try {
          const res = await fetch(`http://127.0.0.1:${actualPort}/healthz`, { signal: AbortSignal.timeout(2_000) });
          if (res.ok) break;
        } catch {
          // not listening yet
        }
      }
      await sleep(200);
    }
    handle.port = actualPort;
    handle.url = `http://127.0.0.1:${actualPort}/?folder=${folderQuery(opts.workspace)}`;
    return handle;
  } catch (err) {
    await handle.stop();
    throw err;
  }
}

/** The desktop VS Code (`code` on PATH) with --extensionDevelopmentPath. */
export async function startDesktop(codeBin: string, opts: OpenOptions): Promise<VsCodeHandle> {
  const base = path.join(opts.stateDir, "vscode-desktop");
  const userData = path.join(base, "user-data");
  const extensions = path.join(base, "extensions");
  await mkdir(path.join(userData, "User"), { recursive: true });
  await mkdir(extensions, { recursive: true });
  await mergeUserSettings(path.join(userData, "User", "settings.json"), opts.log);
  const logDir = path.join(opts.stateDir, "logs");
  await mkdir(logDir, { recursive: true });
  const logFile = path.join(logDir, "code-desktop.log");
  const args = [
    "--new-window",
    "--wait",
    `--user-data-dir=${userData}`,
    `--extensions-dir=${extensions}`,
    `--extensionDevelopmentPath=${opts.root}`,
    "--disable-workspace-trust",
    ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
    opts.workspace,
  ];
  const out = createWriteStream(logFile, { flags: "w" });
  const child = spawn(codeBin, args, { cwd: opts.workspace, env: vscodeEnv(opts.env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${codeBin}`);
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  child.unref();
  const exited = listenOnce(child);
  // The window's processes may start sessions of their own; every one of them carries our user-data-dir.
  // Only sessions led by such a process (or by the CLI) are signalled as a group; stragglers by pid.
  const ours = (): ProcInfo[] => processes().filter((p) => p.cmdline.includes(userData));
  const sessions = (): number[] => [...new Set([pid, ...ours().filter((p) => p.pid === p.sid).map((p) => p.sid)])];
  const killStragglers = (signal: NodeJS.Signals): void => {
    for (const p of ours()) {
      try {
        process.kill(p.pid, signal);
      } catch {
        // gone
      }
    }
  };
  let stopping: Promise<void> | undefined;
  let stopped = false;
  const handle: VsCodeHandle = {
    kind: "desktop",
    pid,
    logFile,
    exited,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all(sessions().map((sid) => stopSession(sid, 8_000)));
        killStragglers("SIGTERM");
        const deadline = Date.now() + 5_000;
        while (Date.now() < deadline && ours().length > 0) await sleep(100);
        killStragglers("SIGKILL");
        stopped = true;
        await new Promise((resolve) => out.end(resolve));
      })()),
    stopSync: () => {
      if (stopped) return;
      sessions().forEach(killSessionSync);
      killStragglers("SIGKILL");
    },
  };
  opts.onSpawn?.(handle);
  return handle;
}
