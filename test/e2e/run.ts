// Runs the UI end-to-end test (test/e2e/connectors.e2e.ts) the way a new user meets the extension:
// the `npm start` sandbox (PostgreSQL, S3, Azurite + dfs gateway with sample data, the workspace with its
// profiles, code-server with the extension symlinked in) on a state folder of this run, headless Debian
// Chromium driven by playwright-core through the real workbench UI, then everything stopped (and checked).
//
//   node --import tsx test/e2e/run.ts [--port N] [--verbose] [--keep]
//
//   --port N    code-server's port (default: a free one)
//   --verbose   also print the browser console
//   --keep      keep the whole run folder (by default the browser profile and VS Code's data go when the run passes)
//
// Needs a built extension (dist/extension.js; the sandbox rebuilds it anyway) and the real-VS Code
// dependencies (scripts/ensure-vscode-deps.mjs installs code-server / Node 24 / Chromium when missing).
// Output: one line per step, timings, the screenshots' folder, then as the last line
// `e2e: N passed, N failed` (the steps, plus the check that no process of the run is left).
// Exit code 0 only when everything passed. Files: .test-output/e2e/<run>/ (NN-<step>.png screenshots,
// sandbox.log, browser.log, sandbox/ = the sandbox's --state-dir); the last 10 runs are kept.
import { createWriteStream, existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium, type BrowserContext } from "playwright-core";
import { connectorsScenario, type Scenario } from "./connectors.e2e";
import { BrowserErrors, runSteps, type StepResult } from "./harness";
import { spawnSandbox, type RunningSandbox } from "./sandbox";

const ROOT = path.resolve(__dirname, "../..");
const RUNS_DIR = path.join(ROOT, ".test-output", "e2e");
const KEEP_RUNS = 10;
const SANDBOX_START_MS = 120_000;
/** User settings of the sandbox's VS Code for this run, before the sandbox adds its own. */
/**
 * A person's editor, minus what makes typed keys nondeterministic: auto save (uploads while typing) and
 * word suggestions (Enter may accept one instead of breaking the line).
 */
const E2E_USER_SETTINGS = {
  "files.autoSave": "off",
  "editor.quickSuggestions": { other: "off", comments: "off", strings: "off" },
  "editor.wordBasedSuggestions": "off",
  "editor.suggestOnTriggerCharacters": false,
  "editor.acceptSuggestionOnEnter": "off",
};
// The test process reads S3 through the connectors library (AWS SDK): its Node 20 notice is noise here.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

const log = (line: string): void => console.log(`[e2e] ${line}`);
const rel = (p: string): string => (p.startsWith(ROOT + path.sep) ? path.relative(ROOT, p) : p);
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface VsCodeDeps {
  chromiumPath: string;
}
interface VsCodeDepsModule {
  ensureVsCodeDeps(opts?: { log?: (line: string) => void }): Promise<VsCodeDeps>;
  CHROMIUM_ARGS: readonly string[];
}

/** A new folder .test-output/e2e/<UTC yyyymmdd-hhmmss>[-n] (short: PostgreSQL's socket path lives under it). */
async function newRunDir(): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  await mkdir(RUNS_DIR, { recursive: true });
  for (let n = 1; ; n++) {
    const dir = path.join(RUNS_DIR, n === 1 ? stamp : `${stamp}-${n}`);
    if (!existsSync(dir)) {
      await mkdir(dir, { recursive: true });
      return dir;
    }
  }
}

const alive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pid of the sandbox of a run folder while it runs (from its state.json), else undefined. */
function sandboxPidOf(dir: string): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(path.join(dir, "sandbox", "state.json"), "utf8")) as { pid?: number };
    return pid && alive(pid) && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("sandbox") ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Earlier runs: a sandbox whose runner died without stopping it (SIGKILL) is stopped (SIGTERM to its pid;
 * it stops its services itself); folders beyond the newest KEEP_RUNS are removed.
 */
async function tidyRuns(current: string): Promise<void> {
  const runs = readdirSync(RUNS_DIR)
    .filter((name) => /^\d{8}-\d{6}(-\d+)?$/.test(name))
    .sort()
    .map((name) => path.join(RUNS_DIR, name))
    .filter((dir) => dir !== current);
  for (const dir of runs) {
    const pid = sandboxPidOf(dir);
    let runner: number | undefined;
    try {
      runner = (JSON.parse(readFileSync(path.join(dir, "runner.json"), "utf8")) as { pid?: number }).pid;
    } catch {
      runner = undefined;
    }
    if (pid && !alive(runner)) {
      log(`stopping the sandbox left running by an interrupted run (${rel(dir)}, pid ${pid})`);
      process.kill(pid, "SIGTERM");
    }
  }
  for (const dir of runs.slice(0, Math.max(0, runs.length - (KEEP_RUNS - 1)))) {
    if (!sandboxPidOf(dir)) await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: "string" }, verbose: { type: "boolean", default: false }, keep: { type: "boolean", default: false } },
    strict: true,
  });
  const port = values.port !== undefined ? Number(values.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`--port: expected a port number, got ${values.port}`);

  const started = Date.now();
  const timings: Array<[string, number]> = [];
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await work();
    } finally {
      timings.push([what, Date.now() - t0]);
    }
  };

  const runDir = await newRunDir();
  await writeFile(path.join(runDir, "runner.json"), JSON.stringify({ pid: process.pid }) + "\n");
  await tidyRuns(runDir);
  const stateDir = path.join(runDir, "sandbox");
  log(`run folder ${rel(runDir)}`);

  const checks: StepResult[] = [];
  let sandbox: RunningSandbox | undefined;
  let context: BrowserContext | undefined;
  /** The browser's HOME/TMPDIR: a short folder in /tmp (see below), removed at the end. */
  let chromiumHome: string | undefined;
  let scenario: Scenario | undefined;
  let leftovers = -1;

  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaning ??= (async () => {
      await timed("stop", async () => {
        await scenario?.dispose().catch(() => undefined);
        await context?.close().catch(() => undefined);
        if (sandbox) {
          const report = await sandbox.stop([runDir]);
          // Nothing of this run may be left: the sandbox, its services, code-server and its children, Chromium.
          const still = sandbox.ours([runDir]);
          leftovers = report.leftovers.length + still.length;
          for (const p of [...report.leftovers, ...still]) log(`LEFT RUNNING (killed): pid ${p.pid} ${p.cmdline.slice(0, 160)}`);
        } else {
          leftovers = 0;
        }
      });
    })());

  let interrupted = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      log(`${signal}: stopping everything…`);
      void cleanup().finally(() => {
        log(`interrupted; processes of the run left after stopping: ${leftovers === 0 ? "none" : leftovers}`);
        console.log("e2e: 0 passed, 1 failed");
        process.exit(130);
      });
    });
  }

  try {
    const deps = await timed("dependencies", async () => {
      const spec = pathToFileURL(path.join(ROOT, "scripts", "ensure-vscode-deps.mjs")).href;
      const mod = (await import(spec)) as VsCodeDepsModule;
      return { ...(await mod.ensureVsCodeDeps({ log: (line) => log(`deps: ${line}`) })), chromiumArgs: mod.CHROMIUM_ARGS };
    });

    // VS Code in a browser saves files 1 s after an edit by default (files.autoSave "afterDelay"); the
    // desktop's default is "off", and step 6 checks that Ctrl+S is what writes the object. The sandbox
    // keeps user settings it finds (scripts/sandbox/vscode.ts: <state>/vscode/user-data/User/settings.json).
    const userSettings = path.join(stateDir, "vscode", "user-data", "User", "settings.json");
    await mkdir(path.dirname(userSettings), { recursive: true });
    await writeFile(userSettings, JSON.stringify(E2E_USER_SETTINGS, null, 2) + "\n");

    const spawned = spawnSandbox({ root: ROOT, stateDir, logFile: path.join(runDir, "sandbox.log"), startTimeoutMs: SANDBOX_START_MS, log, ...(port !== undefined ? { port } : {}) });
    sandbox = spawned;
    const state = await timed("sandbox start", () => spawned.ready());
    log(`sandbox ready (pid ${spawned.pid}): ${state.url}`);

    // Chromium's singleton socket lives in TMPDIR and a Unix socket path must stay under 108 bytes: a run
    // folder in a deep checkout (CI clones anywhere) is too long, so the browser's home is a short /tmp folder.
    const home = await mkdtemp(path.join("/tmp", "awc-e2e-"));
    chromiumHome = home;
    await mkdir(path.join(home, "tmp"), { recursive: true });
    // playwright-core makes a playwright-artifacts-* folder in os.tmpdir() at launch: inside the run folder
    // (it stays behind when this process is killed).
    const systemTmp = process.env["TMPDIR"];
    process.env["TMPDIR"] = path.join(home, "tmp");
    try {
      context = await timed("browser start", () =>
        chromium.launchPersistentContext(path.join(runDir, "chromium"), {
          executablePath: deps.chromiumPath,
          headless: true,
          args: [...deps.chromiumArgs],
          viewport: { width: 1400, height: 900 },
          timeout: 30_000,
          // Our signal handlers stop everything in order (playwright's own would exit before the sandbox is stopped).
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
          env: {
            ...(process.env as Record<string, string>),
            HOME: home,
            TMPDIR: path.join(home, "tmp"),
            XDG_CONFIG_HOME: path.join(home, ".config"),
            XDG_CACHE_HOME: path.join(home, ".cache"),
            XDG_DATA_HOME: path.join(home, ".local", "share"),
          },
        }),
      );
    } finally {
      if (systemTmp === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = systemTmp;
    }
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    const browserLog = createWriteStream(path.join(runDir, "browser.log"));
    page.on("console", (msg) => browserLog.write(`[${msg.type()}] ${msg.text()}${msg.location().url ? ` (${msg.location().url})` : ""}\n`));
    page.on("pageerror", (err) => browserLog.write(`[pageerror] ${err.stack ?? err.message}\n`));
    const errors = new BrowserErrors(page, log, values.verbose);

    scenario = connectorsScenario({ page, url: state.url, settingsFile: state.settingsFile, envFile: state.envFile });
    log("steps:");
    const abort = spawned.exited.then((why) => {
      throw new Error(`the sandbox exited during the test (${why}); see ${rel(path.join(runDir, "sandbox.log"))}`);
    });
    abort.catch(() => undefined); // observed by the steps; unobserved once they are done
    const results = await timed("steps", () => runSteps(page, scenario!.steps, { screenshotDir: runDir, errors, log, problems: () => scenario!.problems(), abort }));
    checks.push(...results);
    const other = errors.all.filter((p) => !p.fromExtension);
    if (other.length) log(`browser errors not from the extension (not counted; see browser.log): ${other.length}`);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    log(`ERROR: ${e.message}`);
    checks.push({ index: 0, title: "set-up (sandbox, browser)", status: "failed", ms: 0, error: e.message });
  } finally {
    await cleanup();
  }

  checks.push({ index: checks.length + 1, title: "no process of the run is left", status: leftovers === 0 ? "passed" : "failed", ms: 0 });
  log(`processes of the run left after stopping: ${leftovers === 0 ? "none" : leftovers}`);
  const passed = checks.filter((c) => c.status === "passed").length;
  const failed = checks.filter((c) => c.status === "failed").length;
  const notRun = checks.filter((c) => c.status === "not run").length;
  const ok = failed === 0 && notRun === 0;
  if (ok && !values.keep) {
    // Large and of no use once the run passed: the browser profile and VS Code's data (the screenshots and logs stay).
    for (const dir of [path.join(runDir, "chromium"), path.join(stateDir, "vscode"), path.join(stateDir, "tmp")]) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  // Outside the run folder: never left behind.
  if (chromiumHome) await rm(chromiumHome, { recursive: true, force: true }).catch(() => undefined);
  timings.push(["total", Date.now() - started]);
  log(`timings: ${timings.map(([what, ms]) => `${what} ${secs(ms)}`).join(", ")}`);
  log(`screenshots: ${rel(runDir)}/NN-*.png`);
  if (notRun) log(`${notRun} step(s) not run after the failure`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`[e2e] ERROR: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    console.log("e2e: 0 passed, 1 failed");
    process.exit(1);
  },
);
