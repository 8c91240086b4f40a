// The sandbox's services, started with the test fixtures (real PostgreSQL, fauxqs, Azurite, the dfs
// gateway) and filled with the sample data through the connectors library itself, so a broken profile
// shows up before VS Code opens.
import { Agent, request } from "node:http";
import { forEachConcurrent, type Registry } from "../../src/connectors/index";
import { startAzurite, type AzuriteServer } from "../../test/fixtures/azurite";
import { startDfsGateway, type DfsGateway } from "../../test/fixtures/dfs-gateway";
import { startFauxqs, type FauxqsServer } from "../../test/fixtures/fauxqs";
import { startPostgres, type PgServer } from "../../test/fixtures/postgres";
import { ADLS_CONTAINER, LAKE_EMPTY_DIRS, PAGING_KEYS, PG_DATABASE, S3_BUCKET, SHOP_SQL, lakeFiles, pagingObject, s3Objects, type SampleFile } from "./sample-data";
import { HNS_PROFILE, PROFILE } from "./workspace";

export interface StartedServices {
  postgres: PgServer;
  s3: FauxqsServer;
  azurite: AzuriteServer;
  /** The second Azurite, behind the gateway (hierarchical namespace). */
  azuriteHns: AzuriteServer;
  gateway: DfsGateway;
}

/** Something to stop on the way out, in reverse order of starting. */
export interface Stoppable {
  name: string;
  stop(): Promise<void>;
  /** Last resort on process exit (the fixtures have exit hooks of their own). */
  stopSync?(): void;
}

/**
 * Starts every service in parallel. Each one is handed to `track` as soon as it runs, so that an
 * interrupt (or a failure of another one) still stops it.
 */
export async function startServices(track: (s: Stoppable) => void, log: (line: string) => void): Promise<StartedServices> {
  const timed = async <T>(what: string, start: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const value = await start();
    log(`${what} up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return value;
  };
  const results = await Promise.allSettled([
    timed("PostgreSQL", async () => {
      const pg = await startPostgres({ startTimeoutMs: 60_000 });
      track({ name: "PostgreSQL", stop: () => pg.stop() });
      return pg;
    }),
    timed("S3 (fauxqs)", async () => {
      const s3 = await startFauxqs({ startTimeoutMs: 60_000 });
      track({ name: "S3 (fauxqs)", stop: () => s3.stop() });
      return s3;
    }),
    timed("Azurite (flat namespace)", async () => {
      const az = await startAzurite({ extentMemoryLimitMb: 512 });
      track({ name: "Azurite (flat)", stop: () => az.stop() });
      return az;
    }),
    timed("Azurite + dfs gateway (hierarchical namespace)", async () => {
      const az = await startAzurite({ extentMemoryLimitMb: 512 });
      track({ name: "Azurite (hierarchical)", stop: () => az.stop() });
      const gateway = await startDfsGateway(az, { hierarchicalNamespace: true });
      track({ name: "dfs gateway", stop: () => gateway.stop() });
      return { az, gateway };
    }),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const [postgres, s3, azurite, hns] = results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
    PgServer,
    FauxqsServer,
    AzuriteServer,
    { az: AzuriteServer; gateway: DfsGateway },
  ];
  return { postgres, s3, azurite, azuriteHns: hns.az, gateway: hns.gateway };
}

export interface SeedSummary {
  postgres: Record<string, number>;
  s3Objects: number;
  lakeFiles: number;
}

/** Fills every service with the sample data (in parallel). */
export async function seed(services: StartedServices, registry: Registry, log: (line: string) => void): Promise<SeedSummary> {
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const value = await work();
    log(`${what} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return value;
  };
  const [postgres, s3Count, lakeCount] = await Promise.all([
    timed("PostgreSQL: schema shop filled", async () => {
      await services.postgres.createDatabase(PG_DATABASE);
      await services.postgres.psql(SHOP_SQL, PG_DATABASE);
      const pg = await registry.get("postgres", PROFILE);
      const rows = await pg.query<{ table_name: string; n: string }>(
        `SELECT 'customers' AS table_name, count(*) AS n FROM shop.customers UNION ALL
         SELECT 'products', count(*) FROM shop.products UNION ALL
         SELECT 'orders', count(*) FROM shop.orders UNION ALL
         SELECT 'order_items', count(*) FROM shop.order_items`,
      );
      return Object.fromEntries(rows.map((r) => [r.table_name, Number(r.n)]));
    }),
    timed(`S3: bucket ${S3_BUCKET} filled`, async () => {
      const s3 = await registry.get("s3", PROFILE);
      await s3.createBucket(S3_BUCKET, { existOk: true });
      const files = s3Objects();
      await forEachConcurrent(files, 16, async (f) => {
        await s3.putObject(S3_BUCKET, f.path, f.body, { contentType: f.contentType });
      });
      // The many tiny paging objects: plain path-style PUTs (fauxqs checks no signatures), ~6x faster than
      // going through the SDK (which spends ~1.5 ms of CPU per request signing and checksumming).
      const agent = new Agent({ keepAlive: true, maxSockets: 16 });
      try {
        await forEachConcurrent(Array.from({ length: PAGING_KEYS }, (_, i) => pagingObject(i)), 16, (f) => putUnsigned(services.s3.port, S3_BUCKET, f, agent));
      } finally {
        agent.destroy();
      }
      return files.length + PAGING_KEYS;
    }),
    timed(`ADLS: container ${ADLS_CONTAINER} filled on both accounts`, async () => {
      const flat = await registry.get("adls2", PROFILE);
      const hns = await registry.get("adls2", HNS_PROFILE);
      const files = lakeFiles();
      await Promise.all(
        [flat, hns].map(async (adls) => {
          await adls.createContainer(ADLS_CONTAINER, { existOk: true });
          if (adls === hns) for (const dir of ["bronze", "silver", "gold", ...LAKE_EMPTY_DIRS]) await adls.makeDirs(ADLS_CONTAINER, dir);
          await forEachConcurrent(files, 8, async (f) => {
            await adls.uploadBytes(ADLS_CONTAINER, f.path, f.body, { contentType: f.contentType });
          });
        }),
      );
      return files.length;
    }),
  ]);
  return { postgres, s3Objects: s3Count, lakeFiles: lakeCount };
}

/** PUT /<bucket>/<key> without a signature (for fauxqs, which accepts any request). */
function putUnsigned(port: number, bucket: string, f: SampleFile, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(f.body);
    const key = f.path.split("/").map(encodeURIComponent).join("/");
    const req = request(
      { host: "127.0.0.1", port, method: "PUT", path: `/${bucket}/${key}`, agent, headers: { "content-type": f.contentType, "content-length": body.length } },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT ${bucket}/${f.path}: HTTP ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
