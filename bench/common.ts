// Helpers shared by the benchmarks (bench/<name>.ts): options, medians, the result table, the JSON
// report under .test-output/bench/, and a description of the machine.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { accessSync, constants as fsc, createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";

/** The repository root (scripts/bench.mjs runs every benchmark from there). */
export const ROOT = path.resolve(__dirname, "..");

/** A mistake on the command line: reported as one line, exit status 2. */
export class UsageError extends Error {}

/** `--name=value` options (bare `--name` is "true"); anything not in `known` is an error. */
export function parseOptions(argv: readonly string[], known: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (const arg of argv) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/i.exec(arg);
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (options are --name=value)`);
    if (!known.includes(m[1]!)) throw new UsageError(`unknown option --${m[1]} (known: ${known.map((k) => `--${k}`).join(", ")})`);
    options.set(m[1]!, m[2] ?? "true");
  }
  return options;
}

export function intOption(options: Map<string, string>, name: string, fallback: number, min = 1): number {
  const raw = options.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

export function median(values: readonly number[]): number {
  if (!values.length) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function formatMs(ms: number): string {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** A plain-text table: the columns in `alignLeft` (default: the first) and the last are left-aligned, the others right-aligned. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, alignLeft: readonly number[] = [0]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (alignLeft.includes(i) || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export interface MachineInfo {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  platform: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

/** The installed version of a dependency (from its package.json under node_modules). */
export function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Writes `.test-output/bench/<name>.json`; returns its path relative to the root. */
export function writeReport(name: string, report: unknown): string {
  const dir = path.join(ROOT, ".test-output", "bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return path.relative(ROOT, file);
}

// ---------------------------------------------------------------------------------------------
// Shared by the transfer benchmarks (bench/s3.ts, bench/adls2.ts)

/** One row of a result table: the connector against a reference for the same work. */
export interface Comparison {
  operation: string;
  unit: "ms" | "MiB";
  reference: { name: string; samples: number[]; median: number };
  connector: { name: string; samples: number[]; median: number };
  ratio: number;
  target: string;
  status: "PASS" | "ABOVE-TARGET";
  notes?: Record<string, unknown>;
}

export function compareSamples(
  operation: string,
  unit: "ms" | "MiB",
  refName: string,
  ref: readonly number[],
  connName: string,
  conn: readonly number[],
  targetRatio: number,
  notes?: Record<string, unknown>,
): Comparison {
  const r = median(ref);
  const c = median(conn);
  const ratio = c / r;
  return {
    operation,
    unit,
    reference: { name: refName, samples: ref.map((v) => round(v, 1)), median: round(r, 1) },
    connector: { name: connName, samples: conn.map((v) => round(v, 1)), median: round(c, 1) },
    ratio: round(ratio, 3),
    target: `≤ ${Number.isInteger(targetRatio) ? targetRatio.toFixed(1) : targetRatio}×`,
    status: ratio <= targetRatio ? "PASS" : "ABOVE-TARGET",
    ...(notes ? { notes } : {}),
  };
}

/** Which side goes first in round `round` (0-based): the reference on even rounds. */
export function sideOrder(round: number): readonly ["reference", "connector"] | readonly ["connector", "reference"] {
  return round % 2 === 0 ? (["reference", "connector"] as const) : (["connector", "reference"] as const);
}

/** User + system CPU of this process since `since`, in ms. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1_000;
}

/** MiB/s for `bytes` moved in `ms`. */
export function mibPerSecond(bytes: number, ms: number): number {
  return bytes / 1024 / 1024 / (ms / 1_000);
}

/** Writes `bytes` of random data (crypto.randomBytes, 16 MiB at a time) to `file`; returns its sha256 (hex). */
export async function writeRandomFile(file: string, bytes: number): Promise<string> {
  const hash = createHash("sha256");
  const out = createWriteStream(file);
  for (let done = 0; done < bytes; ) {
    const chunk = randomBytes(Math.min(16 * 1024 * 1024, bytes - done));
    hash.update(chunk);
    done += chunk.length;
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await finished(out);
  return hash.digest("hex");
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export const GNU_TIME = "/usr/bin/time";

/** Commands started by timedRun() that are still running (a benchmark's signal handler kills them). */
export const runningChildren = new Set<ChildProcess>();

export interface TimedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit, including the program's own start-up. */
  ms: number;
  /** User + system CPU of the command (and its children), from GNU time; undefined without it. */
  cpuMs?: number;
  /** Peak RSS of the command, from GNU time. */
  maxRssKiB?: number;
}

/**
 * Runs a command to completion, under GNU time (`/usr/bin/time`) when it is installed, so its CPU time
 * and peak RSS are known too. Never rejects for a non-zero exit; kills the child after `timeoutMs`.
 */
export function timedRun(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; timeFile: string }): Promise<TimedRun> {
  let timed = true;
  try {
    accessSync(GNU_TIME, fsc.X_OK);
  } catch {
    timed = false;
  }
  rmSync(opts.timeFile, { force: true });
  const [bin, argv] = timed ? [GNU_TIME, ["-o", opts.timeFile, "-f", "%U %S %M", cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, argv, { env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"] });
    runningChildren.add(child);
    child.once("exit", () => runningChildren.delete(child));
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs ?? 600_000} ms]`;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 600_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      const result: TimedRun = { code, signal, stdout, stderr, ms };
      if (timed) {
        try {
          const [user, system, rss] = readFileSync(opts.timeFile, "utf8").trim().split("\n").pop()!.split(/\s+/).map(Number);
          if (Number.isFinite(user) && Number.isFinite(system)) result.cpuMs = (user! + system!) * 1_000;
          if (Number.isFinite(rss)) result.maxRssKiB = rss!;
        } catch {
          /* no numbers: leave them out */
        }
      }
      resolve(result);
    });
  });
}

/**
 * A V8 CPU profile of this process from now until `stop(file)` is called (which writes the
 * `.cpuprofile`; open it in Chrome DevTools or VS Code). For --profile options.
 */
export async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return {
    async stop(file: string) {
      const { profile } = await session.post("Profiler.stop");
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** The functions that used the most self time in a CPU profile (a quick summary for the console). */
export function topSelfTime(profileFile: string, count = 8): Array<{ fn: string; ms: number; share: number }> {
  interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; }
  const profile = JSON.parse(readFileSync(profileFile, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1_000;
    total += dt;
    const frame = byId.get(id)?.callFrame;
    const name = frame ? `${frame.functionName || "(anonymous)"} ${frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : ""}`.trim() : "?";
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, ms]) => ({ fn, ms: round(ms, 1), share: round(ms / Math.max(total, 1e-9), 3) }));
}
