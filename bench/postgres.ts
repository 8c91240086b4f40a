// PostgreSQL connector benchmark: the connector against the reference tool for the same work, on the
// same throwaway server (test/fixtures/postgres.ts), in one run.
//
//   npm run bench -- postgres [--rows=1000000] [--repeat=3] [--size=1000] [--profile]
//
//   copyFrom   1M rows × 5 columns of CSV from a file   vs  psql \copy t from 'file' csv
//   copyTo     the same rows to a file as CSV           vs  psql \copy t to 'file' csv
//   queryIter  select * from t, `size` rows per fetch   vs  pg-cursor on a plain pg.Client
//              (each run in a child process of its own, which also reports its peak RSS)
//
// Each measurement runs `repeat` times, alternating which side goes first; the table shows medians.
// Targets are informational: being above one prints ABOVE-TARGET and still exits 0. Errors (a failed
// COPY, a wrong row count, a crashed child) exit 1. Results also go to .test-output/bench/postgres.json;
// with --profile, the queryIter children's V8 CPU profiles go to .test-output/bench/profiles/.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants as fsc, createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import pg from "pg";
import { createRegistry, type PostgresClient } from "../src/connectors/index";
import { startPostgres, type PgServer } from "../test/fixtures/postgres";
import { run } from "../test/fixtures/processes";
import { ROOT, UsageError, compareSamples, formatMiB, formatMs, intOption, machineInfo, median, packageVersion, parseOptions, renderTable, round, writeReport, type Comparison } from "./common";
import type { IterSample } from "./postgres-iter-child";

const TABLE = "bench_t";
const TARGETS = { copyFrom: 1.1, copyTo: 1.1, queryIter: 1.2, iterRssMiB: 150 } as const;

interface Options {
  rows: number;
  repeat: number;
  size: number;
}

// ---------------------------------------------------------------------------------------------
// Input data

/** Deterministic PRNG (mulberry32), so every run loads the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa"];

/**
 * `rows` lines of `id,name,amount,ts,flag` (integer, text, numeric(12,2), timestamp, boolean): every
 * 10th name is quoted with an embedded comma and doubled quotes, every 50th amount is NULL.
 */
async function writeCsv(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const random = prng(0x5eed);
  const base = Date.UTC(2024, 0, 1);
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)]!;
  let bytes = 0;
  for (let start = 0; start < rows; start += 10_000) {
    let chunk = "";
    for (let i = start, end = Math.min(rows, start + 10_000); i < end; i++) {
      const id = i + 1;
      const name = i % 10 === 7 ? `"${pick()}, ${pick()} ""${id % 997}"""` : `${pick()}_${pick()}_${Math.floor(random() * 0x7fffffff).toString(36)}`;
      const amount = i % 50 === 13 ? "" : ((random() - 0.1) * 1e7).toFixed(2);
      const iso = new Date(base + i * 31_537 + Math.floor(random() * 1_000)).toISOString();
      const flag = random() < 0.5 ? "true" : "false";
      chunk += `${id},${name},${amount},${iso.slice(0, 10)} ${iso.slice(11, 23)},${flag}\n`;
    }
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await finished(out);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// The reference: psql

function findPsql(): string {
  for (const candidate of ["/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql"]) {
    try {
      accessSync(candidate, fsc.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  throw new Error("psql not found at /usr/lib/postgresql/15/bin/psql or /usr/bin/psql (apt-get install postgresql-client)");
}

const GNU_TIME = "/usr/bin/time";

/**
 * psql's own path: TCP to 127.0.0.1 with the password, no TLS, like the connector's profile. When GNU
 * time is installed, psql runs under it so its CPU time (user + system) is known too.
 */
function psqlRunner(psqlBin: string, server: PgServer, workDir: string) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("PG")) env[k] = v;
  Object.assign(env, { PGPASSWORD: server.password, PGSSLMODE: "disable", PGCONNECT_TIMEOUT: "10", LC_ALL: "C" });
  const args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.host, "-p", String(server.port), "-U", server.user, "-d", server.database];
  const timeFile = path.join(workDir, "psql.time");
  let timed = true;
  try {
    accessSync(GNU_TIME, fsc.X_OK);
  } catch {
    timed = false;
  }
  return async (command: string): Promise<{ ms: number; cpuMs: number | undefined; stdout: string }> => {
    rmSync(timeFile, { force: true });
    const [cmd, argv] = timed ? [GNU_TIME, ["-o", timeFile, "-f", "%U %S", psqlBin, ...args, "-c", command]] : [psqlBin, [...args, "-c", command]];
    const t0 = performance.now();
    const res = await run(cmd, argv, { env, timeoutMs: 300_000 });
    const ms = performance.now() - t0;
    if (res.code !== 0) throw new Error(`psql -c ${JSON.stringify(command)} failed (exit ${res.code ?? res.signal}): ${res.stderr.trim()}`);
    let cpuMs: number | undefined;
    if (timed) {
      const [user, system] = readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number);
      if (Number.isFinite(user) && Number.isFinite(system)) cpuMs = (user! + system!) * 1_000;
    }
    return { ms, cpuMs, stdout: res.stdout };
  };
}

function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

// ---------------------------------------------------------------------------------------------
// Measurements


/** Runs `reference` and `connector` `repeat` times each, reference first on even rounds. */
async function alternate(repeat: number, label: string, reference: () => Promise<number>, connector: () => Promise<number>): Promise<{ ref: number[]; conn: number[] }> {
  const ref: number[] = [];
  const conn: number[] = [];
  for (let round = 0; round < repeat; round++) {
    const order = round % 2 === 0 ? (["reference", "connector"] as const) : (["connector", "reference"] as const);
    for (const side of order) {
      const value = side === "reference" ? await reference() : await connector();
      (side === "reference" ? ref : conn).push(value);
      process.stderr.write(`  ${label} #${round + 1} ${side.padEnd(9)} ${label.includes("RSS") ? `${value.toFixed(1)} MiB` : formatMs(value)}\n`);
    }
  }
  return { ref, conn };
}

/** Children still running (ended on SIGINT/SIGTERM). */
const children = new Set<ChildProcess>();

function spawnIterChild(mode: "reference" | "connector", server: PgServer, size: number, profileDir: string | undefined): Promise<IterSample> {
  const cfg = { host: server.host, port: server.port, user: server.user, database: server.database, sql: `select * from ${TABLE}`, size };
  const profile = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=iter-${mode}-${Date.now()}.cpuprofile`] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join("bench", "postgres-iter-child.ts"), mode], {
      cwd: ROOT,
      env: { ...process.env, AWC_BENCH_PG: JSON.stringify(cfg), AWC_BENCH_PG_PASSWORD: server.password },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    child.once("exit", () => children.delete(child));
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`queryIter child (${mode}) failed (exit ${code ?? signal}):\n${stderr.trim() || stdout.trim()}`));
        return;
      }
      resolve(JSON.parse(line) as IterSample);
    });
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cli = parseOptions(process.argv.slice(2), ["rows", "repeat", "size", "profile"]);
  const options: Options = { rows: intOption(cli, "rows", 1_000_000), repeat: intOption(cli, "repeat", 3), size: intOption(cli, "size", 1_000) };
  // --profile: the queryIter children write V8 CPU profiles (open them in Chrome DevTools / VS Code).
  const profileDir = cli.has("profile") ? path.join(ROOT, ".test-output", "bench", "profiles") : undefined;
  const started = performance.now();
  const machine = machineInfo();
  const loadStart = os.loadavg()[0]!;
  const psqlBin = findPsql();
  const workDir = mkdtempSync(path.join(os.tmpdir(), "awc-bench-pg-"));
  // Interrupted: remove the data, end a running child, and exit; exiting runs the fixture's exit
  // hook, which stops the server synchronously.
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(workDir, { recursive: true, force: true });
    for (const child of children) child.kill("SIGKILL");
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, onSignal);
  let server: PgServer | undefined;
  let admin: pg.Client | undefined;
  const registry = createRegistry({ env: {} });
  try {
    console.log(`PostgreSQL connector benchmark — ${options.rows.toLocaleString("en-US")} rows, ${options.repeat} runs per side (median), fetch size ${options.size}`);

    const csv = path.join(workDir, "input.csv");
    const tGen = performance.now();
    const csvBytes = await writeCsv(csv, options.rows);
    process.stderr.write(`  generated ${formatMiB(csvBytes)} of CSV in ${formatMs(performance.now() - tGen)}\n`);

    const tStart = performance.now();
    server = await startPostgres();
    process.stderr.write(`  started PostgreSQL on ${server.host}:${server.port} in ${formatMs(performance.now() - tStart)}\n`);
    const srv = server;

    admin = new pg.Client({ host: srv.host, port: srv.port, user: srv.user, password: srv.password, database: srv.database, ssl: false });
    await admin.connect();
    const adminClient = admin;
    const serverVersion = (await adminClient.query<{ v: string }>("select version() as v")).rows[0]!.v;
    const psqlVersion = (await run(psqlBin, ["--version"])).stdout.trim();
    // No autovacuum on the table: it would compete for the CPU in the middle of a measurement.
    await adminClient.query(`create table ${TABLE} (id integer not null, name text, amount numeric(12,2), ts timestamp, flag boolean) with (autovacuum_enabled = false)`);

    const client: PostgresClient = await registry.get("postgres", "default", {
      host: srv.host,
      port: srv.port,
      user: srv.user,
      database: srv.database,
      password: srv.password,
      sslmode: "disable",
      statementTimeout: "0",
    });
    const psql = psqlRunner(psqlBin, srv, workDir);

    // Both sides start from a warm state: the pool holds a connection; psql's own start-up (process,
    // connection, SCRAM) is part of its time and measured separately below for reference.
    await client.query("select 1");
    const startups: number[] = [];
    for (let i = 0; i < 3; i++) startups.push((await psql("select 1")).ms);
    const psqlStartup = median(startups);

    const results: Comparison[] = [];
    // Client-side CPU time (user + system) per COPY: the connector's from this process, psql's from GNU
    // time. Less sensitive than wall time to a busy machine, and it shows what each client costs.
    const copyCpu = { from: [] as number[], to: [] as number[], psqlFrom: [] as number[], psqlTo: [] as number[] };
    const cpuMedian = (values: number[]): number | null => (values.length ? round(median(values), 1) : null);
    const cpuMs = (since: NodeJS.CpuUsage): number => {
      const d = process.cpuUsage(since);
      return (d.user + d.system) / 1_000;
    };

    // --- copyFrom ----------------------------------------------------------------------------
    const resetTable = async (): Promise<void> => {
      await adminClient.query(`truncate ${TABLE}`);
      await adminClient.query("checkpoint");
    };
    const checkLoaded = async (who: string): Promise<void> => {
      const n = Number((await adminClient.query<{ n: string }>(`select count(*) as n from ${TABLE}`)).rows[0]!.n);
      if (n !== options.rows) throw new Error(`${who}: the table holds ${n} rows after the load, expected ${options.rows}`);
    };
    const from = await alternate(
      options.repeat,
      "copyFrom",
      async () => {
        await resetTable();
        const { ms, cpuMs: cpu, stdout } = await psql(`\\copy ${TABLE} from ${sqlLiteral(csv)} csv`);
        if (cpu !== undefined) copyCpu.psqlFrom.push(cpu);
        if (stdout.trim() && !stdout.includes(`COPY ${options.rows}`)) throw new Error(`psql \\copy from: unexpected output ${stdout.trim()}`);
        await checkLoaded("psql \\copy from");
        return ms;
      },
      async () => {
        await resetTable();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const result = await client.copyFrom(TABLE, createReadStream(csv), { format: "csv" });
        const ms = performance.now() - t0;
        copyCpu.from.push(cpuMs(cpu0));
        if (result.rowCount !== options.rows) throw new Error(`copyFrom reported ${result.rowCount} rows, expected ${options.rows}`);
        await checkLoaded("copyFrom");
        return ms;
      },
    );
    results.push(compareSamples("copyFrom (CSV file → table)", "ms", "psql \\copy from", from.ref, "client.copyFrom", from.conn, TARGETS.copyFrom, { csvBytes, clientCpuMsMedian: { reference: cpuMedian(copyCpu.psqlFrom), connector: cpuMedian(copyCpu.from) } }));

    // The table now holds the rows; set hint bits and statistics once so no reader pays for them.
    await adminClient.query(`vacuum (freeze, analyze) ${TABLE}`);
    await adminClient.query("checkpoint");
    const tableBytes = Number((await adminClient.query<{ b: string }>(`select pg_table_size('${TABLE}') as b`)).rows[0]!.b);
    await adminClient.query(`select count(*) from ${TABLE}`);

    // --- copyTo ------------------------------------------------------------------------------
    const outRef = path.join(workDir, "out-psql.csv");
    const outConn = path.join(workDir, "out-connector.csv");
    const outSizes = { reference: 0, connector: 0 };
    const to = await alternate(
      options.repeat,
      "copyTo",
      async () => {
        rmSync(outRef, { force: true });
        const { ms, cpuMs: cpu } = await psql(`\\copy ${TABLE} to ${sqlLiteral(outRef)} csv`);
        if (cpu !== undefined) copyCpu.psqlTo.push(cpu);
        outSizes.reference = statSync(outRef).size;
        rmSync(outRef, { force: true });
        return ms;
      },
      async () => {
        rmSync(outConn, { force: true });
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const result = await client.copyTo(TABLE, createWriteStream(outConn), { format: "csv" });
        const ms = performance.now() - t0;
        copyCpu.to.push(cpuMs(cpu0));
        if (result.rowCount !== options.rows) throw new Error(`copyTo reported ${result.rowCount} rows, expected ${options.rows}`);
        outSizes.connector = statSync(outConn).size;
        if (outSizes.connector !== result.bytes) throw new Error(`copyTo reported ${result.bytes} bytes but the file holds ${outSizes.connector}`);
        rmSync(outConn, { force: true });
        return ms;
      },
    );
    if (outSizes.reference !== outSizes.connector) throw new Error(`copyTo wrote ${outSizes.connector} bytes, psql \\copy to wrote ${outSizes.reference}`);
    results.push(compareSamples("copyTo (table → CSV file)", "ms", "psql \\copy to", to.ref, "client.copyTo", to.conn, TARGETS.copyTo, { outputBytes: outSizes.connector, clientCpuMsMedian: { reference: cpuMedian(copyCpu.psqlTo), connector: cpuMedian(copyCpu.to) } }));

    // --- queryIter (child processes) -----------------------------------------------------------
    const iterSamples: IterSample[] = [];
    const iterMeasure = async (mode: "reference" | "connector"): Promise<number> => {
      const sample = await spawnIterChild(mode, srv, options.size, profileDir);
      if (sample.rows !== options.rows) throw new Error(`queryIter child (${mode}) read ${sample.rows} rows, expected ${options.rows}`);
      const expected = (options.rows * (options.rows + 1)) / 2;
      if (sample.checksum !== expected) throw new Error(`queryIter child (${mode}): id checksum ${sample.checksum}, expected ${expected}`);
      iterSamples.push(sample);
      return sample.ms;
    };
    const iter = await alternate(options.repeat, "queryIter", () => iterMeasure("reference"), () => iterMeasure("connector"));
    const rssOf = (mode: IterSample["mode"]): number[] => iterSamples.filter((s) => s.mode === mode).map((s) => s.maxRssBytes / 1024 / 1024);
    const rssBefore = (mode: IterSample["mode"]): number => round(median(iterSamples.filter((s) => s.mode === mode).map((s) => s.rssBeforeBytes / 1024 / 1024)), 1);
    const cpuOf = (mode: IterSample["mode"]): number => round(median(iterSamples.filter((s) => s.mode === mode).map((s) => s.cpuMs)), 1);
    const iterCpu = { reference: cpuOf("reference"), connector: cpuOf("connector") };
    results.push(compareSamples(`queryIter (select *, fetch ${options.size})`, "ms", "pg-cursor", iter.ref, "client.queryIter", iter.conn, TARGETS.queryIter, { clientCpuMsMedian: iterCpu }));
    const rss = {
      reference: rssOf("reference"),
      connector: rssOf("connector"),
    };
    const connRss = median(rss.connector);
    const rssRow: Comparison = {
      ...compareSamples("queryIter peak RSS (child process)", "MiB", "pg-cursor", rss.reference, "client.queryIter", rss.connector, Number.POSITIVE_INFINITY, {
        rssBeforeQueryMiB: { reference: rssBefore("reference"), connector: rssBefore("connector") },
      }),
      target: `≤ ${TARGETS.iterRssMiB} MiB`,
      status: connRss <= TARGETS.iterRssMiB ? "PASS" : "ABOVE-TARGET",
    };
    results.push(rssRow);

    // --- report --------------------------------------------------------------------------------
    const fmt = (c: Comparison, v: number): string => (c.unit === "ms" ? formatMs(v) : `${v.toFixed(1)} MiB`);
    console.log("");
    console.log(`machine: nproc ${machine.nproc}, ${machine.cpu}, ${machine.memoryGiB} GiB RAM, ${machine.platform}, load average ${loadStart.toFixed(2)} at start`);
    console.log(`node ${machine.node}; pg ${packageVersion("pg")}, pg-cursor ${packageVersion("pg-cursor")}, pg-copy-streams ${packageVersion("pg-copy-streams")}`);
    console.log(`server: ${serverVersion}`);
    console.log(`client: ${psqlVersion} (TCP 127.0.0.1, sslmode disable; its start-up + connect is ~${formatMs(psqlStartup)}, included in its times)`);
    console.log(`data: ${options.rows.toLocaleString("en-US")} rows × 5 columns (int, text, numeric, timestamp, bool); CSV ${formatMiB(csvBytes)}, table ${formatMiB(tableBytes)}`);
    console.log("");
    console.log(
      renderTable(
        ["operation", "reference", "reference time", "connector time", "ratio", "target", "result"],
        results.map((c) => [c.operation, c.reference.name, fmt(c, c.reference.median), fmt(c, c.connector.median), `${c.ratio.toFixed(2)}×`, c.target, c.status]),
        [0, 1],
      ),
    );
    console.log("");
    console.log(`medians of ${options.repeat} run${options.repeat === 1 ? "" : "s"} per side, alternating order; the ratio is connector / reference; the RSS target is the connector's own peak (the ratio is informational).`);
    const cpuCell = (v: number | null): string => (v === null ? "n/a" : formatMs(v));
    const cpuRatio = (r: number | null, c: number | null): string => (r === null || c === null || r <= 0 ? "" : ` (${(c / r).toFixed(2)}×)`);
    const fromCpu = { r: cpuMedian(copyCpu.psqlFrom), c: cpuMedian(copyCpu.from) };
    const toCpu = { r: cpuMedian(copyCpu.psqlTo), c: cpuMedian(copyCpu.to) };
    console.log(
      `client CPU, user+sys, median (reference / connector): copyFrom ${cpuCell(fromCpu.r)} / ${cpuCell(fromCpu.c)}${cpuRatio(fromCpu.r, fromCpu.c)}; ` +
        `copyTo ${cpuCell(toCpu.r)} / ${cpuCell(toCpu.c)}${cpuRatio(toCpu.r, toCpu.c)}; ` +
        `queryIter ${formatMs(iterCpu.reference)} / ${formatMs(iterCpu.connector)}${cpuRatio(iterCpu.reference, iterCpu.connector)}` +
        (fromCpu.r === null ? ` (psql's CPU needs GNU time at ${GNU_TIME})` : ""),
    );
    console.log(`queryIter RSS before the query (after connect, node + tsx): pg-cursor ${rssBefore("reference")} MiB, connector ${rssBefore("connector")} MiB.`);
    if (loadStart >= machine.nproc * 0.75) {
      console.log(
        `note: the machine was already busy when the benchmark started (1-min load average ${loadStart.toFixed(2)}, ${machine.nproc} CPUs): ` +
          "wall times are noisy; the client CPU line above is the steadier comparison; rerun on an idle machine to judge the targets.",
      );
    }

    const file = writeReport("postgres", {
      benchmark: "postgres",
      date: new Date().toISOString(),
      options,
      machine: { ...machine, serverVersion, psql: psqlVersion, packages: { pg: packageVersion("pg"), "pg-cursor": packageVersion("pg-cursor"), "pg-copy-streams": packageVersion("pg-copy-streams") } },
      data: { rows: options.rows, csvBytes, tableBytes, columns: ["id integer", "name text", "amount numeric(12,2)", "ts timestamp", "flag boolean"] },
      loadAverage: { start: round(loadStart), end: round(os.loadavg()[0]!) },
      psqlStartupMs: round(psqlStartup, 1),
      results,
      iterSamples,
      durationMs: Math.round(performance.now() - started),
    });
    console.log(`wrote ${file} (total ${formatMs(performance.now() - started)})`);
  } finally {
    await registry.reset().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    await server?.stop();
    rmSync(workDir, { recursive: true, force: true });
    for (const signal of signals) process.off(signal, onSignal);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`bench postgres: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  console.error(`bench postgres failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
