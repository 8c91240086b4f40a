// Helpers shared by the benchmarks (bench/<name>.ts): options, medians, the result table, the JSON
// report under .test-output/bench/, and a description of the machine.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

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
