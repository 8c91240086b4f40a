// Shared fakes for the unit tests: settings sources, drivers that record what the registry hands
// them, and throwaway workspaces holding a pyproject.toml. No servers, no globals.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ConfigSource, LayerValues } from "../../src/connectors/config/layers";
import type { Fields } from "../../src/connectors/config/schema";
import { postgresFields, type PostgresConfig } from "../../src/connectors/postgres/config";
import type { Connector, DriverContext, DriverDefinition, TestReport } from "../../src/connectors/types";

export const PG_ENV = "AUTO_WORKFLOW_CONNECTORS_POSTGRES_DEFAULT__";

/** A settings layer (what the VS Code host contributes) backed by a plain map. */
export class FakeSource implements ConfigSource {
  readonly reads: Array<{ name: string; profile: string }> = [];
  constructor(
    readonly layer: string,
    private readonly data: Record<string, Record<string, Record<string, unknown>>> = {},
    private readonly keySources?: Record<string, string>,
  ) {}
  set(name: string, profile: string, values: Record<string, unknown>): void {
    (this.data[name] ??= {})[profile] = values;
  }
  read(name: string, profile: string): LayerValues | undefined {
    this.reads.push({ name, profile });
    const values = this.data[name]?.[profile];
    if (!values) return undefined;
    return {
      layer: this.layer,
      source: `${this.layer} autoWorkflow.connectors.${name}.${profile}`,
      values,
      ...(this.keySources ? { keySources: this.keySources } : {}),
    };
  }
  profiles(): Array<{ name: string; profile: string }> {
    return Object.entries(this.data).flatMap(([name, profiles]) => Object.keys(profiles).map((profile) => ({ name, profile })));
  }
}

/** A client that records close() calls; what a plugin driver returns. */
export class FakeClient implements Connector {
  closeCalls = 0;
  private closed = false;
  constructor(
    readonly name: string,
    readonly profile: string,
    readonly driver: string,
    readonly config: unknown,
    readonly context: DriverContext<unknown>,
  ) {}
  async test(): Promise<TestReport> {
    return { ok: true, latencyMs: 0, endpoint: "fake://", tls: { enabled: false }, details: {} };
  }
  async close(): Promise<void> {
    this.closeCalls++;
    this.closed = true;
  }
  isClosed(): boolean {
    return this.closed;
  }
}

export interface FakeDriver extends DriverDefinition<unknown, FakeClient> {
  created: FakeClient[];
}

/** A driver definition whose clients are FakeClients; `created` lists every client it made. */
export function fakeDriver(kind: string, driver: string, fields: Fields): FakeDriver {
  const created: FakeClient[] = [];
  return {
    kind,
    driver,
    description: `fake ${kind}/${driver}`,
    fields,
    created,
    create(context) {
      const client = new FakeClient(context.name, context.profile, context.driver, context.config, context);
      created.push(client);
      return client;
    },
  };
}

export const fakeFields = {
  url: { type: "string", description: "Where." },
  token: { type: "string", secret: true, description: "Secret token." },
  retries: { type: "integer", minimum: 0, maximum: 5, default: 2, description: "Retries." },
} as const satisfies Fields;

/**
 * A second driver for the `postgres` kind with the real postgres field declaration: selected with
 * `driver: "capture"`, it exposes the validated, secret-resolved configuration the real driver would get.
 */
export function captureDriver(): FakeDriver {
  return fakeDriver("postgres", "capture", postgresFields);
}

export function pgConfigOf(client: FakeClient): PostgresConfig {
  return client.config as PostgresConfig;
}

/** A temporary workspace folder holding `pyproject.toml` with the given text. */
export function tempWorkspace(pyproject: string | undefined): { root: string; file: string; dispose(): void } {
  const root = mkdtempSync(path.join(tmpdir(), "awc-unit-"));
  const file = path.join(root, "pyproject.toml");
  if (pyproject !== undefined) writeFileSync(file, pyproject);
  return { root, file, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Run `fn` and return what it threw (fails when it does not throw). */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, but the call resolved");
}
