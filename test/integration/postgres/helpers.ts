// Shared set-up for the PostgreSQL integration suites: a registry whose default profile points at a
// fixture server, with the password passed as a secret://env reference (as users are told to).
import { createRegistry, type ConnectorEvent, type Registry, type RegistryOptions } from "../../../src/connectors/index";
import type { PgServer } from "../../fixtures/postgres";

export interface TestRegistry {
  registry: Registry;
  events: ConnectorEvent[];
  env: NodeJS.ProcessEnv;
}

/** Env for profile `<profile>`: DSN with a secret reference for the password, sslmode disable unless set. */
export function profileEnv(server: PgServer, profile = "default", keys: Record<string, string> = {}, user: "postgres" | "app" = "postgres"): NodeJS.ProcessEnv {
  const seg = profile.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  const prefix = `AUTO_WORKFLOW_CONNECTORS_POSTGRES_${seg}__`;
  const env: NodeJS.ProcessEnv = {
    [`PG_TEST_PW_${seg}`]: user === "app" ? server.appPassword : server.password,
    [`${prefix}DSN`]: `postgresql://${user}:secret://env/PG_TEST_PW_${seg}@127.0.0.1:${server.port}/postgres`,
    [`${prefix}SSLMODE`]: "disable",
  };
  for (const [key, value] of Object.entries(keys)) env[`${prefix}${key}`] = value;
  return env;
}

export function testRegistry(env: NodeJS.ProcessEnv, options: Omit<RegistryOptions, "env"> = {}): TestRegistry {
  const events: ConnectorEvent[] = [];
  const registry = createRegistry({ ...options, env, onEvent: (e) => events.push(e) });
  return { registry, events, env };
}

/** Backends other than ours that run a statement matching `pattern` (leftover-query checks). */
export async function runningQueries(server: PgServer, pattern: string): Promise<number> {
  const out = await server.psql(`select count(*) from pg_stat_activity where state = 'active' and query like '%${pattern.replace(/'/g, "''")}%' and pid <> pg_backend_pid() and query not like '%pg_stat_activity%'`);
  return Number(out.trim());
}

/** Client backends connected with our application name. */
export async function ourBackends(server: PgServer, applicationName = "auto-workflow-connectors"): Promise<number> {
  const out = await server.psql(`select count(*) from pg_stat_activity where application_name = '${applicationName}'`);
  return Number(out.trim());
}

export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}
