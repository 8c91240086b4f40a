// Runs the real-VS Code extension tests: code-server (VS Code 1.139 from npm) on 127.0.0.1, headless Debian
// Chromium driven by playwright-core, the extension loaded from this repo (extensionDevelopmentPath) and the
// bundled mocha suite (out/test/vscode, extensionTestsPath) run in VS Code's Node extension host.
// See shared notes real-vscode.md for why it is done this way.
//
// Prerequisites: `node scripts/build.mjs && node test/vscode/build-suite.mjs` (this script builds nothing).
// Usage:         node test/vscode/run.mjs
// Environment:   everything in this process's environment reaches the extension host (code-server gets it).
//   AWC_VSCODE_GREP           only run tests whose title matches this regular expression
//   AWC_VSCODE_TIMEOUT_MS     hard limit for the whole run (default 600000)
//   AWC_VSCODE_VERBOSE=1      also print workbench logs and browser console lines that are filtered out
// Output: test output on stdout; the last line is `vscode: N passed, N failed`. Exit code 0 only when the
// suite ran and every test passed. Per-run files (logs, screenshot) go to .test-output/vscode/<run>/.
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, readdirSync } from "node:fs";
import { cp, mkdir, readdir, rm, stat, symlink, unlink, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { format } from "node:util";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, ensureVsCodeDeps } from "../../scripts/ensure-vscode-deps.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Copied into each run folder: tests may write settings and files without touching the repository. */
const WORKSPACE_FIXTURE = path.join(ROOT, "test/fixtures/workspace");
const TESTS_DIR = path.join(ROOT, "out/test/vscode");
const HARD_LIMIT_MS = Number(process.env.AWC_VSCODE_TIMEOUT_MS) || 10 * 60_000;
const SERVER_START_MS = 60_000;
const WORKBENCH_LOAD_MS = 90_000;
const SUITE_START_MS = 120_000;
const VERBOSE = process.env.AWC_VSCODE_VERBOSE === "1";
const RUNS_DIR = path.join(ROOT, ".test-output/vscode");
const KEEP_RUNS = 10;

const USER_SETTINGS = {
  "workbench.startupEditor": "none",
  "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
};


// Harmless offline noise, kept narrow so that a test's own network errors still show: the extension
// gallery (open-vsx), the GitHub authentication provider, telemetry/CDN host lookups, vsda (not shipped),
// and the browser failing to resolve any host (the page itself only ever talks to 127.0.0.1).
const NOISE = [
  /open-vsx\.org/i,
  /authentication provider.*github|github.*authentication/i,
  /(ENOTFOUND|EAI_AGAIN) [\w.-]*(visualstudio\.com|microsoft\.com|vscode-cdn\.net|vscode-unpkg\.net|azure\.com|github\.com|githubusercontent\.com)/i,
  /telemetry.*(ENOTFOUND|EAI_AGAIN|getaddrinfo)|(ENOTFOUND|EAI_AGAIN|getaddrinfo).*telemetry/i,
  /Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED)/,
  /Failed to load resource: the server responded with a status of 404.*vsda/is,
];
// Logged now and then while the workbench shuts down the extension host after the tests.
const TEARDOWN_NOISE = [
  /^\s*(ERR\s+)?Canceled: Canceled/, // VS Code's CancellationError
  /Unable to write into user settings because the file has unsaved changes/,
];
let tearingDown = false;
const isNoise = (/** @type {string} */ text) => NOISE.some((re) => re.test(text)) || (tearingDown && TEARDOWN_NOISE.some((re) => re.test(text)));

class RunError extends Error {}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Processes on this machine: pid, session id and command line (from /proc).
 * @returns {{ pid: number, sid: number, cmdline: string }[]}
 */
function processes() {
  const list = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid pgrp session ... — comm may contain spaces and parens: split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
      list.push({ pid: Number(entry), sid: Number(fields[3]), cmdline });
    } catch {
      // exited meanwhile
    }
  }
  return list;
}

/** Process ids in session `sid`. */
const sessionMembers = (/** @type {number} */ sid) => processes().filter((p) => p.sid === sid).map((p) => p.pid);

/**
 * Waits for a session to end, signalling its process group first (when given) and SIGKILLing whatever is
 * left after the grace period.
 * @param {number} sid
 * @param {{ term?: boolean, graceMs: number }} opts
 */
async function stopSession(sid, opts) {
  if (opts.term) {
    try {
      process.kill(-sid, "SIGTERM"); // the session leader's process group
    } catch {
      // group already gone
    }
  }
  const deadline = Date.now() + opts.graceMs;
  while (Date.now() < deadline && sessionMembers(sid).length > 0) await sleep(200);
  const left = sessionMembers(sid);
  if (left.length === 0) return;
  for (const pid of left) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
  }
  const killDeadline = Date.now() + 3_000;
  while (Date.now() < killDeadline && sessionMembers(sid).length > 0) await sleep(100);
}

/** Deletes run folders beyond the newest KEEP_RUNS that are over an hour old (never a run in progress). */
async function pruneOldRuns() {
  const names = (await readdir(RUNS_DIR).catch(() => [])).filter((n) => /^\d{8}-\d{6}-\d+$/.test(n)).sort().reverse();
  for (const name of names.slice(KEEP_RUNS)) {
    const dir = path.join(RUNS_DIR, name);
    const info = await stat(dir).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 60 * 60_000) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Creates a short symlink in the system temp folder pointing at `target`.
 * @param {string} target
 * @returns {Promise<string>}
 */
async function shortLink(target) {
  for (let attempt = 0; ; attempt++) {
    const link = path.join(os.tmpdir(), `awc-vsc-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    try {
      await symlink(target, link, "dir");
      return link;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EEXIST" || attempt > 5) throw err;
    }
  }
}

// Lines the suite (test/vscode/suite/index.ts) prints around the mocha run: the extension host's console
// reaches us through the same channel as the workbench's own info logs, so only what is printed between
// them is test output.
const SUITE_START = "[awc-vscode-suite] start";
const SUITE_END = "[awc-vscode-suite] end";

async function main() {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const log = (/** @type {string} */ line) => console.log(`[vscode] ${line}`);

  /** @type {{ passes: number, failures: number } | undefined} */
  let result;
  let exitCode = 1;
  /** @type {import("node:child_process").ChildProcess | undefined} */
  let server;
  /** @type {import("playwright-core").BrowserContext | undefined} */
  let context;
  /** @type {import("playwright-core").Page | undefined} */
  let page;
  /** @type {Promise<never> | undefined} */
  let finishing;
  /** @type {Set<number>} */
  const browserSessions = new Set();
  /** @type {import("node:fs").WriteStream | undefined} */
  let workbenchLog;
  /** @type {import("node:fs").WriteStream | undefined} */
  let serverLog;

  const stamp = new Date().toISOString().replace(/\..*$/, "").replace(/[-:]/g, "").replace("T", "-");
  const runDir = path.join(RUNS_DIR, `${stamp}-${process.pid}`);
  const resultFile = path.join(runDir, "mocha-result.json");
  const WORKSPACE = path.join(runDir, "workspace");
  /** @type {string | undefined} short link in /tmp to the run folder (Unix socket paths must stay < 108 bytes) */
  let runLink;

  const cleanup = async () => {
    if (page && !page.isClosed()) {
      try {
        await page.screenshot({ path: path.join(runDir, "workbench.png"), timeout: 10_000 });
        log(`screenshot: ${path.relative(ROOT, path.join(runDir, "workbench.png"))}`);
      } catch (err) {
        log(`screenshot failed: ${/** @type {Error} */ (err).message.split("\n")[0]}`);
      }
    }
    const serverPid = server?.pid;
    await Promise.all([
      (async () => {
        if (context) await context.close().catch(() => undefined);
        // Chromium's helpers (crash handlers) linger a moment in sessions of their own.
        await Promise.all([...browserSessions].map((sid) => stopSession(sid, { graceMs: 3_000 })));
      })(),
      // code-server leads its own session and process group; its children exit a few seconds after it.
      serverPid ? stopSession(serverPid, { term: true, graceMs: 8_000 }) : undefined,
    ]);
    if (runLink) await unlink(runLink).catch(() => undefined);
    for (const stream of [workbenchLog, serverLog]) {
      if (stream) await new Promise((resolve) => stream.end(resolve));
    }
  };

  /**
   * Stops everything, prints the summary line and exits; later calls wait for the first one.
   * @param {number} code
   * @param {string} [reason]
   * @returns {Promise<never>}
   */
  const finish = (code, reason) => (finishing ??= finishOnce(code, reason));
  /** @param {number} code @param {string} [reason] @returns {Promise<never>} */
  const finishOnce = async (code, reason) => {
    if (reason) console.error(`[vscode] ERROR: ${reason}`);
    await cleanup();
    if (existsSync(resultFile)) {
      try {
        result = JSON.parse(readFileSync(resultFile, "utf8"));
      } catch {
        // torn write; fall through
      }
    }
    const passes = result?.passes ?? 0;
    const failures = result?.failures ?? 0;
    // The suite must have run and passed; an exit code 0 without results is a harness failure.
    const final = code === 0 && result && failures === 0 ? 0 : code === 0 ? 1 : code;
    if (!result && !reason) console.error("[vscode] ERROR: the suite reported no results (it failed before running tests; see above)");
    // The browser profile is only worth keeping to investigate a failure.
    if (final === 0) await rm(path.join(runDir, "chromium-profile"), { recursive: true, force: true }).catch(() => undefined);
    log(`finished in ${elapsed()} (run folder: ${path.relative(ROOT, runDir)})`);
    console.log(`vscode: ${passes} passed, ${failures} failed`);
    process.exit(final);
  };

  const hardLimit = setTimeout(() => {
    void finish(1, `hard time limit of ${HARD_LIMIT_MS / 1000} s reached`);
  }, HARD_LIMIT_MS);
  hardLimit.unref();
  const signalCodes = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
  for (const [sig, code] of Object.entries(signalCodes)) {
    process.once(sig, () => void finish(code, `interrupted (${sig})`));
  }

  try {
    // Prerequisites.
    if (!existsSync(path.join(ROOT, "dist/extension.js"))) throw new RunError("dist/extension.js is missing: run `node scripts/build.mjs` first");
    if (!existsSync(path.join(TESTS_DIR, "index.js"))) throw new RunError("out/test/vscode/index.js is missing: run `node test/vscode/build-suite.mjs` first");
    const deps = await ensureVsCodeDeps();
    await pruneOldRuns();

    // Per-run folders: nothing goes to the real home, and only a short-lived symlink to /tmp.
    const dirs = {
      home: path.join(runDir, "home"),
      config: path.join(runDir, "home/.config"),
      data: path.join(runDir, "home/.local/share"),
      tmp: path.join(runDir, "tmp"),
      userData: path.join(runDir, "user-data"),
      extensions: path.join(runDir, "extensions"),
      chromium: path.join(runDir, "chromium-profile"),
    };
    for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
    await mkdir(path.join(dirs.userData, "User"), { recursive: true });
    await writeFile(path.join(dirs.userData, "User/settings.json"), JSON.stringify(USER_SETTINGS, null, 2) + "\n");
    // TMPDIR, XDG_RUNTIME_DIR and the user-data-dir hold Unix sockets (VS Code's vscode-ipc-<uuid>.sock,
    // code-server-ipc.sock, Chromium's SingletonSocket) whose paths are limited to 107 bytes: reach those
    // folders through a short link to the run folder.
    runLink = await shortLink(runDir);
    const socketDirs = { tmp: path.join(runLink, "tmp"), userData: path.join(runLink, "user-data") };
    const isolatedEnv = {
      HOME: dirs.home,
      XDG_CONFIG_HOME: dirs.config,
      XDG_DATA_HOME: dirs.data,
      XDG_RUNTIME_DIR: socketDirs.tmp,
      TMPDIR: socketDirs.tmp,
    };

    // code-server. The environment of this process is passed on, so it reaches the extension host.
    const port = await freePort();
    /** @type {NodeJS.ProcessEnv} */
    const serverEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      // Variables of an enclosing VS Code/Electron would confuse the server and the extension host.
      if (!/^(VSCODE_|ELECTRON_)/.test(key)) serverEnv[key] = value;
    }
    Object.assign(serverEnv, isolatedEnv, {
      PATH: `${path.dirname(deps.node24Bin)}${path.delimiter}${process.env.PATH ?? ""}`,
      AWC_VSCODE_RUN_DIR: runDir,
      AWC_VSCODE_RESULT_FILE: resultFile,
      AWC_VSCODE_ENV_PROBE: "reaches-extension-host",
      AWC_VSCODE_COLOR: process.stdout.isTTY ? "1" : "0",
    });
    const serverLogFile = path.join(runDir, "code-server.log");
    serverLog = createWriteStream(serverLogFile);
    const configFile = path.join(runDir, "code-server.yaml");
    await writeFile(configFile, "");
    const serverArgs = [
      deps.codeServerBin,
      "--config", configFile,
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--user-data-dir", socketDirs.userData,
      "--extensions-dir", dirs.extensions,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      "--reconnection-grace-time", "5",
      "--vscode-option", "enable-smoke-test-driver",
    ];
    log(`starting code-server on 127.0.0.1:${port} (log: ${path.relative(ROOT, serverLogFile)})`);
    // detached: the server leads its own session and process group, so it can be stopped with everything it starts.
    server = spawn(deps.node24Bin, serverArgs, { cwd: runDir, env: serverEnv, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    server.stdout?.pipe(serverLog, { end: false });
    server.stderr?.pipe(serverLog, { end: false });
    /** @type {string | undefined} */
    let serverExited;
    server.on("exit", (code, signal) => {
      serverExited = signal ?? `exit code ${code}`;
    });
    server.on("error", (err) => {
      serverExited = err.message;
    });

    const tailServerLog = () => {
      try {
        return "\n--- last lines of code-server.log ---\n" + readFileSync(serverLogFile, "utf8").trimEnd().split("\n").slice(-20).join("\n");
      } catch {
        return "";
      }
    };

    const base = `http://127.0.0.1:${port}`;
    const healthDeadline = Date.now() + SERVER_START_MS;
    for (;;) {
      if (serverExited) throw new RunError(`code-server exited during start-up (${serverExited})${tailServerLog()}`);
      if (Date.now() > healthDeadline) throw new RunError(`code-server did not answer ${base}/healthz within ${SERVER_START_MS / 1000} s${tailServerLog()}`);
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    log(`code-server ready after ${elapsed()}`);

    // Chromium.
    context = await chromium.launchPersistentContext(dirs.chromium, {
      executablePath: deps.chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...isolatedEnv },
      viewport: { width: 1280, height: 800 },
      // This script stops the browser itself on signals (after taking the screenshot, with code-server).
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    page = context.pages()[0] ?? (await context.newPage());
    // The browser and its crash handlers (which start sessions of their own) all name a folder of this run.
    for (const p of processes()) {
      if (p.sid !== server.pid && p.cmdline.includes(runDir)) browserSessions.add(p.sid);
    }

    /** @type {(code: number) => void} */
    let onExit = () => undefined;
    const exited = new Promise((resolve) => (onExit = resolve));
    /** @type {() => void} */
    let onSuiteStart = () => undefined;
    /** @type {Promise<void>} */
    const suiteStarted = new Promise((resolve) => (onSuiteStart = resolve));

    // Everything the workbench logs goes to workbench.log; stdout gets the test output, plus warnings and
    // errors that are not offline noise.
    const wbLog = createWriteStream(path.join(runDir, "workbench.log"));
    workbenchLog = wbLog;
    let inSuite = false;
    /** @type {string[]} */
    const shown = [];
    // Errors logged through codeAutomationLog usually show up on the browser console too, decorated
    // differently: the same text, or the same first stack frame, counts as already shown.
    const firstFrame = (/** @type {string} */ text) => /^\s+at .*$/m.exec(text)?.[0].trim();
    const recentlyShown = (/** @type {string} */ text) => {
      const frame = firstFrame(text);
      return shown.some((line) => (line.length > 0 && text.includes(line)) || (frame !== undefined && firstFrame(line) === frame));
    };
    await page.exposeFunction("codeAutomationLog", (/** @type {string} */ type, /** @type {unknown} */ args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      wbLog.write(`[${type}] ${text}\n`);
      if (text === SUITE_START || text === SUITE_END) {
        inSuite = text === SUITE_START;
        if (inSuite) onSuiteStart();
        else tearingDown = true;
        return;
      }
      const isError = type === "error";
      const isWarning = type === "warn" || type === "warning";
      // During the suite every line is test output except workbench errors that are offline noise.
      const show = VERBOSE || ((isError || isWarning) ? !isNoise(text) : inSuite);
      if (!show) return;
      shown.push(text);
      if (shown.length > 50) shown.shift();
      if (isError) console.error(text);
      else if (isWarning) console.warn(text);
      else console.log(text);
    });
    await page.exposeFunction("codeAutomationExit", (/** @type {number} */ code) => {
      tearingDown = true;
      onExit(Number(code) || 0);
    });
    page.on("console", async (msg) => {
      // Console arguments formatted like the workbench formats them (%c styling dropped).
      const args = await Promise.all(msg.args().map((arg) => arg.jsonValue().catch(() => String(arg))));
      let text = args.length > 0 ? format(...args) : msg.text();
      if (text.startsWith("Failed to load resource")) text += ` (${msg.location().url})`;
      wbLog.write(`[browser ${msg.type()}] ${text}\n`);
      if (VERBOSE) console.log(`[browser ${msg.type()}] ${text}`);
      else if (msg.type() === "error" && !isNoise(text) && !recentlyShown(text)) console.error(`[browser] ${text}`);
    });
    page.on("pageerror", (err) => {
      wbLog.write(`[browser pageerror] ${err.stack ?? err.message}\n`);
      if (!isNoise(err.message)) console.error(`[browser] page error: ${err.message}`);
    });
    page.on("crash", () => console.error("[browser] page crashed"));

    const remote = (/** @type {string} */ p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ["extensionDevelopmentPath", remote(ROOT)],
      ["extensionTestsPath", remote(TESTS_DIR)],
    ];
    await cp(WORKSPACE_FIXTURE, WORKSPACE, { recursive: true });
    const url = `${base}/?folder=${encodeURIComponent(WORKSPACE)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    log(`opening the workbench (folder ${path.relative(ROOT, WORKSPACE)}, a copy of ${path.relative(ROOT, WORKSPACE_FIXTURE)})`);
    try {
      await page.goto(url, { waitUntil: "domcontentloaded", timeout: WORKBENCH_LOAD_MS });
    } catch (err) {
      throw new RunError(`cannot open the workbench at ${base}: ${/** @type {Error} */ (err).message.split("\n")[0]}${tailServerLog()}`);
    }
    try {
      await Promise.race([
        page.locator(".monaco-workbench").first().waitFor({ state: "attached", timeout: WORKBENCH_LOAD_MS }),
        exited,
      ]);
    } catch {
      throw new RunError(`the VS Code workbench did not load within ${WORKBENCH_LOAD_MS / 1000} s${tailServerLog()}`);
    }
    log(`workbench loaded after ${elapsed()}; waiting for the extension host to run the tests`);
    /** @type {NodeJS.Timeout | undefined} */
    let startTimer;
    const startTimeout = new Promise((_, reject) => {
      startTimer = setTimeout(
        () => reject(new RunError(`the extension tests did not start within ${SUITE_START_MS / 1000} s of the workbench loading (see workbench.log and code-server.log in the run folder)`)),
        SUITE_START_MS,
      );
    });
    try {
      await Promise.race([suiteStarted, exited, startTimeout]);
    } finally {
      clearTimeout(startTimer);
    }

    /** @type {NodeJS.Timeout | undefined} */
    let watchdog;
    const serverGone = new Promise((_, reject) => {
      watchdog = setInterval(() => {
        if (serverExited) reject(new RunError(`code-server exited while tests ran (${serverExited})${tailServerLog()}`));
      }, 500);
    });
    try {
      exitCode = /** @type {number} */ (await Promise.race([exited, serverGone]));
    } finally {
      clearInterval(watchdog);
    }
    log(`extension host exited with code ${exitCode}`);
  } catch (err) {
    await finish(1, err instanceof RunError ? err.message : /** @type {Error} */ (err).stack);
    return;
  }
  await finish(exitCode);
}

await main();
