// Activation benchmark: the size of the bundle VS Code loads at activation, and the time to load it and
// run activate(), in one run.
//
//   node --import tsx bench/activation.ts [--runs=10] [--profile]
//   (npm run bench -- activation, once scripts/bench.mjs lists the name)
//
//   bundle size   dist/extension.js of `node scripts/build.mjs --production` (target ≤ 300 KB, 1 KB = 1024
//                 bytes); the lazily loaded dist/vendor/*.js are listed beside it. The build runs in a
//                 private copy of the repository (bench/extension-bundle.ts), so the shared dist/ is never
//                 overwritten; the development build (`node scripts/build.mjs`) is built and measured the
//                 same way for comparison.
//   activation    require(dist/extension.js) + activate(context) in plain Node with a stub of the vscode
//                 module (bench/vscode-stub.ts), each sample in a fresh process (bench/extension-child.ts,
//                 plain `node`, no tsx); median of --runs (target ≤ 50 ms). Also checked: no dist/vendor/*
//                 module is in require.cache after activation (a wrong result: exit 1).
//   code-server   for reference, the extension host's own logs of earlier test runs under
//                 .test-output/{vscode,e2e}: the time from its "_doActivateExtension auto-workflow…" line to
//                 the warning it logs inside activate() when registerCodeActionsProvider runs (≈ require +
//                 almost all of activate; approximate, millisecond stamps, whatever build and load those
//                 runs had).
//
// Targets are informational: above one prints ABOVE-TARGET and still exits 0. Results also go to
// .test-output/bench/activation.json; with --profile, a V8 CPU profile of one production activation goes
// to .test-output/bench/profiles/activation.cpuprofile and its top functions are printed.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "../test/fixtures/processes";
import { ROOT, UsageError, formatMs, intOption, machineInfo, median, packageVersion, parseOptions, renderTable, round, topSelfTime, writeReport } from "./common";
import type { ChildRequest, ChildResult } from "./extension-child";
import { buildExtensionCopy, compileExtensionChild, removeDir, tempDir, type BuiltExtension } from "./extension-bundle";

const KB = 1024;
const TARGETS = { bundleKB: 300, activationMs: 50 } as const;

type Status = "PASS" | "ABOVE-TARGET";

interface Row {
  measure: string;
  value: string;
  target: string;
  status: Status | "INFO";
}

function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(1)} KB`;
}

// ---------------------------------------------------------------------------------------------
// What the bundle is made of (from its source map)

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes one base64 VLQ segment into its fields. */
function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    if (digit < 0) throw new Error(`bad VLQ character ${JSON.stringify(ch)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Where a source file comes from: `node_modules/<package>` or `src/<dir>`. */
function sourceGroup(source: string): string {
  const s = source.replace(/\\/g, "/");
  const nm = s.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = s.slice(nm + "node_modules/".length).split("/");
    return `node_modules/${parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  const src = s.indexOf("src/");
  if (src >= 0) {
    const parts = s.slice(src).split("/");
    return parts.length > 3 ? parts.slice(0, 3).join("/") : parts.slice(0, -1).join("/") || s;
  }
  return s;
}

/** Bytes of the generated file attributed to each source group (unmapped bytes as "(unmapped)"). */
function bundleComposition(file: string): Array<{ group: string; bytes: number; share: number }> {
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return [];
  const map = JSON.parse(readFileSync(mapFile, "utf8")) as { sources: string[]; mappings: string };
  const lines = readFileSync(file, "utf8").split("\n");
  const bytes = new Map<string, number>();
  const add = (group: string, n: number): void => void bytes.set(group, (bytes.get(group) ?? 0) + n);
  let source = 0;
  map.mappings.split(";").forEach((line, i) => {
    const text = lines[i] ?? "";
    let col = 0;
    let last: { col: number; group: string } | undefined = { col: 0, group: "(unmapped)" };
    for (const seg of line ? line.split(",") : []) {
      const f = decodeVlq(seg);
      col += f[0]!;
      if (f.length >= 4) source += f[1]!;
      const group = f.length >= 4 ? sourceGroup(map.sources[source] ?? "?") : "(unmapped)";
      add(last.group, Buffer.byteLength(text.slice(last.col, col)));
      last = { col, group };
    }
    add(last.group, Buffer.byteLength(text.slice(last.col)) + 1);
  });
  // Lines after the last mapped one (legal comments, the sourceMappingURL line).
  const mapped = map.mappings.split(";").length;
  for (let i = mapped; i < lines.length; i++) add("(unmapped)", Buffer.byteLength(lines[i]!) + (i < lines.length - 1 ? 1 : 0));
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  return [...bytes.entries()].sort((a, b) => b[1] - a[1]).map(([group, n]) => ({ group, bytes: n, share: round(n / total, 3) }));
}

// ---------------------------------------------------------------------------------------------
// code-server's own logs (earlier test runs)

interface LoggedActivation {
  log: string;
  startedAt: string;
  ms: number;
}

function findExthostLogs(dir: string, depth = 0, out: string[] = []): string[] {
  if (depth > 8 || !existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "chromium-profile" || entry.name === "chromium" || entry.name === "node_modules" || entry.name === "extensions") continue;
      findExthostLogs(p, depth + 1, out);
    } else if (/exthost\.log$/.test(entry.name)) {
      out.push(p);
    }
  }
  return out;
}

function loggedActivations(max = 10): LoggedActivation[] {
  const stamp = (line: string): number => Date.parse(line.slice(0, 23).replace(" ", "T"));
  const found: Array<LoggedActivation & { mtime: number }> = [];
  for (const log of [".test-output/vscode", ".test-output/e2e"].flatMap((d) => findExthostLogs(path.join(ROOT, d)))) {
    const lines = readFileSync(log, "utf8").split("\n");
    const start = lines.find((l) => l.includes("ExtensionService#_doActivateExtension auto-workflow.auto-workflow-connectors"));
    const marker = lines.find((l) => l.includes("'auto-workflow.auto-workflow-connectors' uses a document selector without scheme"));
    if (!start || !marker) continue;
    const ms = stamp(marker) - stamp(start);
    if (Number.isFinite(ms) && ms >= 0) found.push({ log: path.relative(ROOT, log), startedAt: start.slice(0, 23), ms, mtime: statSync(log).mtimeMs });
  }
  return found
    .sort((a, b) => b.mtime - a.mtime)
    .slice(0, max)
    .map(({ log, startedAt, ms }) => ({ log, startedAt, ms }));
}

// ---------------------------------------------------------------------------------------------

async function runChild(childFile: string, request: ChildRequest): Promise<ChildResult & { processMs: number }> {
  const t0 = performance.now();
  // Plain node, none of this process's NODE_OPTIONS (tsx) in the child.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_OPTIONS"));
  const res = await run(process.execPath, [childFile, JSON.stringify(request)], { env, timeoutMs: 120_000 });
  const processMs = performance.now() - t0;
  const line = res.stdout.trim().split("\n").pop() ?? "";
  if (res.code !== 0 || !line.startsWith("{")) throw new Error(`activation child failed (exit ${res.code ?? res.signal}):\n${(res.stderr || res.stdout).trim().slice(-3000)}`);
  return { ...(JSON.parse(line) as ChildResult), processMs };
}

function fileSizes(build: BuiltExtension): { entry: number; vendor: Record<string, number>; connectors: number | undefined } {
  const vendorDir = path.join(build.dist, "vendor");
  const vendor: Record<string, number> = {};
  if (existsSync(vendorDir)) for (const f of readdirSync(vendorDir).filter((f) => f.endsWith(".js")).sort()) vendor[f] = statSync(path.join(vendorDir, f)).size;
  const connectors = path.join(build.dist, "connectors.js");
  return { entry: statSync(build.entry).size, vendor, connectors: existsSync(connectors) ? statSync(connectors).size : undefined };
}

async function main(): Promise<void> {
  const cli = parseOptions(process.argv.slice(2), ["runs", "profile"]);
  const options = { runs: intOption(cli, "runs", 10) };
  const started = performance.now();
  const machine = machineInfo();
  const loadStart = os.loadavg()[0]!;
  const workDir = tempDir("awc-bench-activation-");
  const onSignal = (signal: NodeJS.Signals): void => {
    removeDir(workDir);
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, onSignal);
  try {
    console.log(`Activation benchmark — production and development bundles, ${options.runs} fresh processes each (median)`);

    // --- builds ----------------------------------------------------------------------------------
    const prod = await buildExtensionCopy(workDir, true);
    process.stderr.write(`  built the production bundle (node scripts/build.mjs --production, private copy) in ${formatMs(prod.buildMs)}\n`);
    const dev = await buildExtensionCopy(workDir, false);
    process.stderr.write(`  built the development bundle (node scripts/build.mjs, private copy) in ${formatMs(dev.buildMs)}\n`);
    const sizes = { production: fileSizes(prod), development: fileSizes(dev) };
    const composition = bundleComposition(prod.entry);

    // --- activation ------------------------------------------------------------------------------
    const childFile = await compileExtensionChild(workDir);
    const workspaceFolder = path.join(workDir, "workspace");
    mkdirSync(workspaceFolder);
    const request = (build: BuiltExtension, extra: Partial<ChildRequest> = {}): ChildRequest => ({
      bundle: build.entry,
      packageJson: path.join(build.dir, "package.json"),
      workspaceFolder,
      storageDir: path.join(workDir, "storage"),
      ...extra,
    });
    const samples: { production: Array<ChildResult & { processMs: number }>; development: Array<ChildResult & { processMs: number }> } = { production: [], development: [] };
    for (let i = 0; i < options.runs; i++) {
      // Alternate which bundle goes first, so neither always meets a warmer page cache.
      const order: Array<"production" | "development"> = i % 2 === 0 ? ["production", "development"] : ["development", "production"];
      for (const which of order) samples[which].push(await runChild(childFile, request(which === "production" ? prod : dev)));
    }
    for (const [which, list] of Object.entries(samples)) {
      for (const s of list) {
        if (s.vendorAfterActivate.length) throw new Error(`${which} bundle: activation loaded ${s.vendorAfterActivate.join(", ")} (dist/vendor/* must load only on a backend's first client)`);
      }
    }
    const stat = (list: ReadonlyArray<ChildResult & { processMs: number }>) => ({
      totalMs: round(median(list.map((s) => s.requireMs + s.activateMs)), 1),
      requireMs: round(median(list.map((s) => s.requireMs)), 1),
      activateMs: round(median(list.map((s) => s.activateMs)), 1),
      settleMs: round(median(list.map((s) => s.settleMs)), 1),
      cpuMs: round(median(list.map((s) => s.requireCpuMs + s.activateCpuMs)), 1),
      bootMs: round(median(list.map((s) => s.bootMs)), 1),
      processMs: round(median(list.map((s) => s.processMs)), 1),
      samplesMs: list.map((s) => round(s.requireMs + s.activateMs, 1)),
    });
    const results = { production: stat(samples.production), development: stat(samples.development) };
    const first = samples.production[0]!;
    const misses = [...new Set([...samples.production, ...samples.development].flatMap((s) => s.misses))].sort();

    let profileTop: ReturnType<typeof topSelfTime> | undefined;
    let profileFile: string | undefined;
    if (cli.has("profile")) {
      const dir = path.join(ROOT, ".test-output", "bench", "profiles");
      mkdirSync(dir, { recursive: true });
      profileFile = path.join(dir, "activation.cpuprofile");
      await runChild(childFile, request(prod, { cpuProfile: profileFile }));
      profileTop = topSelfTime(profileFile, 10);
    }

    const logged = loggedActivations();
    const loggedMedian = logged.length ? median(logged.map((l) => l.ms)) : undefined;

    // --- report ----------------------------------------------------------------------------------
    const status = (ok: boolean): Status => (ok ? "PASS" : "ABOVE-TARGET");
    const rows: Row[] = [
      { measure: "activation bundle dist/extension.js (production)", value: kb(sizes.production.entry), target: `≤ ${TARGETS.bundleKB} KB`, status: status(sizes.production.entry <= TARGETS.bundleKB * KB) },
      {
        measure: `activation: require + activate() (production, median of ${options.runs})`,
        value: formatMs(results.production.totalMs),
        target: `≤ ${TARGETS.activationMs} ms`,
        status: status(results.production.totalMs <= TARGETS.activationMs),
      },
      { measure: "dist/vendor/* in require.cache after activation", value: "none", target: "none", status: "PASS" },
      {
        measure: `activation: require + activate() (development build, median of ${options.runs})`,
        value: formatMs(results.development.totalMs),
        target: `≤ ${TARGETS.activationMs} ms`,
        status: status(results.development.totalMs <= TARGETS.activationMs),
      },
      {
        measure: `code-server extension host, from test logs (≈, median of ${logged.length})`,
        value: loggedMedian === undefined ? "n/a" : formatMs(loggedMedian),
        target: `≤ ${TARGETS.activationMs} ms`,
        status: "INFO",
      },
    ];
    console.log("");
    console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.platform}, load average ${loadStart.toFixed(2)} at start`);
    console.log(`node ${machine.node} (children: plain node, no tsx); esbuild ${packageVersion("esbuild")}`);
    console.log("");
    console.log(renderTable(["measure", "value", "target", "result"], rows.map((r) => [r.measure, r.value, r.target, r.status])));
    console.log("");
    console.log(
      renderTable(
        ["file (lazy unless noted)", "production", "development"],
        [
          ["dist/extension.js (activation)", kb(sizes.production.entry), kb(sizes.development.entry)],
          ...Object.keys(sizes.production.vendor).map((f) => [`dist/vendor/${f}`, kb(sizes.production.vendor[f]!), sizes.development.vendor[f] === undefined ? "-" : kb(sizes.development.vendor[f])]),
          ...(sizes.production.connectors !== undefined ? [["dist/connectors.js (library for plain Node; not loaded by VS Code)", kb(sizes.production.connectors), sizes.development.connectors === undefined ? "-" : kb(sizes.development.connectors)]] : []),
        ],
        [0],
      ),
    );
    console.log("");
    for (const [which, r] of Object.entries(results)) {
      console.log(
        `${which}: require ${formatMs(r.requireMs)} + activate() ${formatMs(r.activateMs)} (medians); CPU of both ${formatMs(r.cpuMs)}; ` +
          `work queued by activate() ran in ${formatMs(r.settleMs)} more; node start-up before it ${formatMs(r.bootMs)}, whole process ${formatMs(r.processMs)}; samples ${r.samplesMs.join(", ")} ms`,
      );
    }
    console.log(
      `activate() registered ${first.commands} commands and ${first.subscriptions} subscriptions; stub APIs called: ${Object.entries(first.calls)
        .map(([k, n]) => `${k}×${n}`)
        .join(", ")}` + (misses.length ? `; APIs the stub lacks (answered by no-ops): ${misses.join(", ")}` : "; no API outside the stub was touched"),
    );
    const publicBuiltins = first.builtinsLoaded.filter((m) => !m.startsWith("internal/"));
    console.log(
      `Node modules first loaded by require + activate(): ${first.builtinsLoaded.length} (${publicBuiltins.length} public: ${publicBuiltins.join(", ") || "none"}; the rest node-internal)`,
    );
    if (composition.length) {
      console.log(`production dist/extension.js by source (source map): ${composition.slice(0, 10).map((c) => `${c.group} ${kb(c.bytes)} (${(c.share * 100).toFixed(0)} %)`).join(", ")}`);
    }
    if (logged.length) {
      console.log(
        `code-server: ${logged.map((l) => `${l.ms} ms`).join(", ")} (runs ${logged[logged.length - 1]!.startedAt} … ${logged[0]!.startedAt}) — from "_doActivateExtension" to the registerCodeActionsProvider warning inside activate(), ` +
          `in the newest ${logged.length} extension-host logs of earlier test runs (development builds of that time, machines as busy as they were; approximate).`,
      );
    } else {
      console.log("code-server: no extension-host log with both lines under .test-output/{vscode,e2e} (run `npm test` against VS Code to have some).");
    }
    if (profileTop && profileFile) {
      console.log(`CPU profile of one production activation: ${path.relative(ROOT, profileFile)}; top self time: ${profileTop.map((t) => `${t.fn} ${t.ms} ms`).join("; ")}`);
    }
    if (loadStart >= machine.nproc * 0.75) {
      console.log(
        `note: the machine was already busy when the benchmark started (1-min load average ${loadStart.toFixed(2)}, ${machine.nproc} CPUs): ` +
          "wall times are noisy; the CPU figures are the steadier measure; rerun on an idle machine to judge the targets.",
      );
    }

    const file = writeReport("activation", {
      benchmark: "activation",
      date: new Date().toISOString(),
      options,
      machine,
      loadAverage: { start: round(loadStart), end: round(os.loadavg()[0]!) },
      targets: TARGETS,
      rows,
      sizes,
      composition,
      builds: { production: { buildMs: round(prod.buildMs) }, development: { buildMs: round(dev.buildMs) } },
      activation: results,
      samples,
      stubMisses: misses,
      codeServerLogs: logged,
      ...(profileTop ? { profile: { file: profileFile && path.relative(ROOT, profileFile), top: profileTop } } : {}),
      durationMs: Math.round(performance.now() - started),
    });
    console.log(`wrote ${file} (total ${formatMs(performance.now() - started)})`);
  } finally {
    removeDir(workDir);
    for (const signal of signals) process.off(signal, onSignal);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench activation: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  console.error(`bench activation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
