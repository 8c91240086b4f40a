// One queryIter measurement in a process of its own, so each peak RSS is independent of the others.
// Spawned by bench/postgres.ts:
//
//   AWC_BENCH_PG='{"host":…,"port":…,"user":…,"database":…,"sql":…,"size":…}' AWC_BENCH_PG_PASSWORD=… \
//     node --import tsx bench/postgres-iter-child.ts reference|connector
//
// Both modes connect first (not timed), then time reading every row of `sql` through a server-side
// cursor `size` rows per round trip, touching one column of each row. Prints one JSON line:
// { mode, rows, checksum, ms, cpuMs, maxRssBytes, rssBeforeBytes }.
import pg from "pg";
import Cursor from "pg-cursor";
import { createRegistry } from "../src/connectors/index";

interface ChildConfig {
  host: string;
  port: number;
  user: string;
  database: string;
  sql: string;
  size: number;
}

export interface IterSample {
  mode: "reference" | "connector";
  rows: number;
  checksum: number;
  ms: number;
  /** CPU time (user + system) of this process during the timed part: less sensitive to a busy machine than `ms`. */
  cpuMs: number;
  /** process.resourceUsage().maxRSS, in bytes (the peak of the whole child process). */
  maxRssBytes: number;
  /** RSS once connected, just before the timed part. */
  rssBeforeBytes: number;
}

type IdRow = { id: number };

async function reference(cfg: ChildConfig, password: string): Promise<Omit<IterSample, "mode" | "maxRssBytes">> {
  const client = new pg.Client({ host: cfg.host, port: cfg.port, user: cfg.user, password, database: cfg.database, ssl: false });
  await client.connect();
  try {
    await client.query("select 1");
    const rssBeforeBytes = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const cursor = client.query(new Cursor<IdRow>(cfg.sql));
    let rows = 0;
    let checksum = 0;
    for (;;) {
      const batch = await cursor.read(cfg.size);
      if (batch.length === 0) break;
      for (const row of batch) {
        rows++;
        checksum += row.id;
      }
    }
    await cursor.close();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { rows, checksum, ms, cpuMs: (cpu.user + cpu.system) / 1_000, rssBeforeBytes };
  } finally {
    await client.end();
  }
}

async function connector(cfg: ChildConfig, password: string): Promise<Omit<IterSample, "mode" | "maxRssBytes">> {
  const registry = createRegistry({ env: { AWC_BENCH_PG_PASSWORD: password } });
  try {
    const client = await registry.get("postgres", "default", {
      host: cfg.host,
      port: cfg.port,
      user: cfg.user,
      database: cfg.database,
      password: "secret://env/AWC_BENCH_PG_PASSWORD",
      sslmode: "disable",
      statementTimeout: "0",
    });
    await client.query("select 1");
    const rssBeforeBytes = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let rows = 0;
    let checksum = 0;
    for await (const row of client.queryIter<IdRow>(cfg.sql, undefined, { size: cfg.size })) {
      rows++;
      checksum += row.id;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { rows, checksum, ms, cpuMs: (cpu.user + cpu.system) / 1_000, rssBeforeBytes };
  } finally {
    await registry.reset();
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== "reference" && mode !== "connector") throw new Error(`usage: postgres-iter-child.ts reference|connector (got ${String(mode)})`);
  const raw = process.env["AWC_BENCH_PG"];
  if (!raw) throw new Error("AWC_BENCH_PG is not set (this script is spawned by bench/postgres.ts)");
  const cfg = JSON.parse(raw) as ChildConfig;
  const password = process.env["AWC_BENCH_PG_PASSWORD"] ?? "";
  const result = mode === "reference" ? await reference(cfg, password) : await connector(cfg, password);
  const sample: IterSample = { mode, ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
