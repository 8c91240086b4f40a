// The `npm start` sandbox as a child process of the e2e run: `node --import tsx scripts/sandbox.ts
// --state-dir <run>/sandbox --code-server`, exactly what a user starts (services + sample data, the
// workspace with the sandbox profiles, code-server with the extension symlinked in — no smoke-test driver).
// Started in a session of its own; stopped with SIGTERM (the sandbox stops what it started), then by
// process group and pid if anything is left. `stop()` reports every process of the run still alive.
import { spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { processes, stopSession, type ProcInfo } from "../../scripts/sandbox/processes";

/** `<state>/state.json` of a ready sandbox (what scripts/sandbox.ts writes). */
export interface SandboxState {
  pid: number;
  ready: boolean;
  workspace: string;
  settingsFile: string;
  envFile: string;
  url: string;
  services: Record<string, { pid: number; port?: number }>;
  profiles: string[];
}

export interface SandboxOptions {
  root: string;
  /** The sandbox's --state-dir (a folder of this run, never the user's .sandbox). */
  stateDir: string;
  /** Where its output goes (its tail is also in the start-up error messages). */
  logFile: string;
  port?: number;
  startTimeoutMs: number;
  log: (line: string) => void;
}

export interface StopReport {
  /** Processes of the run that were still alive after the stop (they were SIGKILLed by pid). */
  leftovers: ProcInfo[];
  ms: number;
}

export interface RunningSandbox {
  pid: number;
  /** Resolves (with why) when the sandbox process exits. */
  exited: Promise<string>;
  /** Resolves with the sandbox's state.json once it printed "ready"; rejects when it exits or times out. */
  ready(): Promise<SandboxState>;
  /** Every process of this run (the sandbox's session, code-server's, the services, anything naming `markers`). */
  ours(extraMarkers?: string[]): ProcInfo[];
  stop(extraMarkers?: string[]): Promise<StopReport>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The environment of the sandbox: ours, minus coverage collection (c8 under `npm test`). */
function sandboxEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWC_SANDBOX_DEBUG: "1" };
  delete env["NODE_V8_COVERAGE"];
  return env;
}

/** Spawns the sandbox (returns at once, so that it can be stopped while it starts). */
export function spawnSandbox(opts: SandboxOptions): RunningSandbox {
  const args = ["--import", "tsx", path.join(opts.root, "scripts", "sandbox.ts"), "--state-dir", opts.stateDir, "--code-server"];
  if (opts.port !== undefined) args.push("--port", String(opts.port));
  const out = createWriteStream(opts.logFile, { flags: "w" });
  // detached: the sandbox leads its own session and process group.
  const child = spawn(process.execPath, args, { cwd: opts.root, env: sandboxEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  if (pid === undefined) throw new Error("cannot start scripts/sandbox.ts");
  let text = "";
  const onData = (d: Buffer): void => {
    out.write(d);
    if (text.length < 256_000) text += d.toString();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      resolve();
    });
    child.once("error", (err) => {
      exited = err.message;
      resolve();
    });
  });
  const stateFile = path.join(opts.stateDir, "state.json");
  /** Session ids seen during the run (code-server leads one of its own). */
  const sessions = new Set<number>([pid]);
  const pids = new Set<number>([pid]);

  const ours = (extraMarkers: string[] = []): ProcInfo[] => {
    const markers = [opts.stateDir, `awc-sandbox-${pid}`, ...extraMarkers];
    return processes().filter((p) => p.pid !== process.pid && (sessions.has(p.sid) || pids.has(p.pid) || markers.some((m) => p.cmdline.includes(m))));
  };

  let stopping: Promise<StopReport> | undefined;
  const stop = (extraMarkers: string[] = []): Promise<StopReport> =>
    (stopping ??= (async () => {
      const t0 = Date.now();
      // Everything of the run, noted before anything is signalled.
      const before = ours(extraMarkers);
      if (!exited) {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // already gone
        }
        await Promise.race([exit, sleep(30_000)]);
      }
      // What the sandbox did not stop: its session (SIGTERM, then SIGKILL), then anything else by pid.
      await stopSession(pid, exited ? 2_000 : 5_000);
      const deadline = Date.now() + 10_000;
      let left = before.filter((p) => alive(p.pid));
      while (left.length > 0 && Date.now() < deadline) {
        await sleep(100);
        left = left.filter((p) => alive(p.pid));
      }
      // Also anything that started meanwhile and names this run.
      const late = ours(extraMarkers).filter((p) => !left.some((l) => l.pid === p.pid));
      const leftovers = [...left, ...late];
      for (const p of leftovers) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      await new Promise((resolve) => out.end(resolve));
      return { leftovers, ms: Date.now() - t0 };
    })());

  let ready: Promise<SandboxState> | undefined;
  const waitReady = (): Promise<SandboxState> =>
    (ready ??= (async () => {
      const deadline = Date.now() + opts.startTimeoutMs;
      let state: SandboxState | undefined;
      for (;;) {
        if (/^\[sandbox\] ready in /m.test(text)) {
          state = JSON.parse(readFileSync(stateFile, "utf8")) as SandboxState;
          if (state.ready && state.url) break;
        }
        if (exited) throw new Error(`the sandbox exited during start-up (${exited}):\n${tail(text)}`);
        if (Date.now() > deadline) throw new Error(`the sandbox was not ready within ${opts.startTimeoutMs / 1000} s:\n${tail(text)}`);
        await sleep(100);
      }
      // The services (and code-server, detached) may lead sessions of their own (PostgreSQL's postmaster
      // does): those sessions are the run's too.
      const all = processes();
      for (const service of Object.values(state.services)) {
        pids.add(service.pid);
        const info = all.find((p) => p.pid === service.pid);
        if (info && info.sid === info.pid) sessions.add(info.sid);
      }
      return state;
    })());
  return { pid, exited: exit.then(() => exited ?? "exited"), ready: waitReady, ours, stop };
}

function tail(text: string, n = 30): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
