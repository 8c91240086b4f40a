// Starts a throwaway PostgreSQL for the extension suites, hands its profile to code-server through the
// environment (AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__*), runs test/vscode/run.mjs, and stops it.
import { spawn } from "node:child_process";
import path from "node:path";
import { startPostgres } from "../fixtures/postgres";

async function main(): Promise<number> {
  const server = await startPostgres();
  const stop = (): void => void server.stop();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await server.psql(`create table public.vscode_probe (id int primary key, label text not null); insert into public.vscode_probe select g, 'row ' || g from generate_series(1, 2500) g;`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWC_TEST_PG_PW: server.password,
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__DSN: `postgresql://postgres:secret://env/AWC_TEST_PG_PW@127.0.0.1:${server.port}/postgres`,
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__SSLMODE: "disable",
      AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__STATEMENT_TIMEOUT: "10s",
    };
    const runner = path.join(__dirname, "run.mjs");
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [runner, ...process.argv.slice(2)], { env, stdio: "inherit" });
      child.on("error", reject);
      child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`extension tests could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
