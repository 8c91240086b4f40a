// Starts every throwaway server the extension suites use — PostgreSQL (as test/vscode/with-postgres.ts
// does, same table and environment), fauxqs for S3 and Azurite for ADLS Gen2 (flat namespace) —, seeds
// them, hands their profiles to code-server through the environment (profile `vscode` of each backend),
// runs test/vscode/run.mjs, and stops them all. Arguments are passed on to run.mjs.
//
//   node scripts/build.mjs && node test/vscode/build-suite.mjs && node --import tsx test/vscode/with-storage.ts
//
// Environment reaching the extension host:
//   AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__{DSN,SSLMODE,STATEMENT_TIMEOUT}, AWC_TEST_PG_PW
//   AUTO_WORKFLOW_CONNECTORS_S3_VSCODE__JSON     (secretAccessKey = secret://env/AWC_TEST_S3_SECRET)
//   AUTO_WORKFLOW_CONNECTORS_ADLS2_VSCODE__JSON  (accountKey = secret://env/AWC_TEST_ADLS_KEY)
//   AWC_TEST_S3_BUCKET=vscode-bucket, AWC_TEST_ADLS_CONTAINER=vscode-container, AWC_TEST_STORAGE_SEED (JSON: key → text)
import { spawn } from "node:child_process";
import path from "node:path";
import { createRegistry } from "../../src/connectors/index";
import { startAzurite, type AzuriteServer } from "../fixtures/azurite";
import { startFauxqs, type FauxqsServer } from "../fixtures/fauxqs";
import { startPostgres, type PgServer } from "../fixtures/postgres";

const S3_BUCKET = "vscode-bucket";
const ADLS_CONTAINER = "vscode-container";

/** Objects both stores start with (the fs suite relies on them). */
const SEED: Record<string, string> = {
  "hello.txt": "hello from object storage\n",
  "folder/nested.txt": "nested\n",
  "folder/deeper/leaf.txt": "leaf\n",
  "docs/a b#1 ü.txt": "unicode key\n",
  "edit/doc.txt": "line one\n",
};

interface Servers {
  pg?: PgServer;
  s3?: FauxqsServer;
  azurite?: AzuriteServer;
}

async function startAll(servers: Servers): Promise<Required<Servers>> {
  const results = await Promise.allSettled([
    startPostgres().then((s) => (servers.pg = s)),
    startFauxqs().then((s) => (servers.s3 = s)),
    startAzurite().then((s) => (servers.azurite = s)),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return servers as Required<Servers>;
}

async function stopAll(servers: Servers): Promise<void> {
  await Promise.allSettled([servers.pg?.stop(), servers.s3?.stop(), servers.azurite?.stop()]);
}

function storageEnv(s3: FauxqsServer, azurite: AzuriteServer): NodeJS.ProcessEnv {
  return {
    AWC_TEST_S3_SECRET: s3.secretAccessKey,
    AUTO_WORKFLOW_CONNECTORS_S3_VSCODE__JSON: JSON.stringify({
      endpointUrl: s3.endpoint,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: "secret://env/AWC_TEST_S3_SECRET",
      checksum: "when_required",
    }),
    AWC_TEST_ADLS_KEY: azurite.accountKey,
    AUTO_WORKFLOW_CONNECTORS_ADLS2_VSCODE__JSON: JSON.stringify({
      accountName: azurite.accountName,
      blobEndpoint: azurite.blobEndpoint,
      dfsEndpoint: azurite.blobEndpoint,
      accountKey: "secret://env/AWC_TEST_ADLS_KEY",
    }),
    AWC_TEST_S3_BUCKET: S3_BUCKET,
    AWC_TEST_ADLS_CONTAINER: ADLS_CONTAINER,
    AWC_TEST_STORAGE_SEED: JSON.stringify(SEED),
  };
}

/** Creates the bucket and the container with SEED through the connectors, with exactly the profiles code-server gets. */
async function seedStorage(env: NodeJS.ProcessEnv): Promise<void> {
  const registry = createRegistry({ env });
  try {
    const s3 = await registry.get("s3", "vscode");
    await s3.createBucket(S3_BUCKET, { existOk: true });
    await s3.putObject(S3_BUCKET, "empty-folder/", "");
    const adls = await registry.get("adls2", "vscode");
    await adls.createContainer(ADLS_CONTAINER, { existOk: true });
    await adls.makeDirs(ADLS_CONTAINER, "empty-folder");
    for (const [key, text] of Object.entries(SEED)) {
      await s3.putObject(S3_BUCKET, key, text, { contentType: "text/plain" });
      await adls.uploadBytes(ADLS_CONTAINER, key, text, { contentType: "text/plain" });
    }
  } finally {
    await registry.reset();
  }
}

async function main(): Promise<number> {
  const servers: Servers = {};
  const stop = (): void => void stopAll(servers);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const { pg, s3, azurite } = await startAll(servers);
    await pg.psql(`create table public.vscode_probe (id int primary key, label text not null); insert into public.vscode_probe select g, 'row ' || g from generate_series(1, 2500) g;`);
    const storage = storageEnv(s3, azurite);
    await seedStorage(storage);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWC_TEST_PG_PW: pg.password,
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__DSN: `postgresql://postgres:secret://env/AWC_TEST_PG_PW@127.0.0.1:${pg.port}/postgres`,
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__SSLMODE: "disable",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__STATEMENT_TIMEOUT: "10s",
      ...storage,
    };
    const runner = path.join(__dirname, "run.mjs");
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [runner, ...process.argv.slice(2)], { env, stdio: "inherit" });
      child.on("error", reject);
      child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stopAll(servers);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`extension tests could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
