// The PostgreSQL client: a pool, and every operation wrapped in acquisition, deadline/cancellation,
// retries (idempotent operations only), error classification and telemetry.
import type { Writable } from "node:stream";
import type pg from "pg";
import { pg as pgRuntime } from "./sdk";
import type { Attributes } from "@opentelemetry/api";
import { ConnectorError, PermanentError } from "../errors";
import { Telemetry } from "../observability";
import { abortedError, createDeadline, runWithPolicy, type CallOptions, type RetryPolicy } from "../retry";
import type { Connector, DriverContext, TestReport } from "../types";
import { poolConfig, type ConnectionTarget, type PostgresConfig, type SslMode } from "./config";
import { PgConnection } from "./connection";
import { classifyPgError } from "./errors";
import { reflectCatalog, type ReflectOptions, type ReflectedSchema } from "./reflect";
import type { TableName } from "./sql";
import {
  cursorBatches,
  flattenBatches,
  runCopyFrom,
  runCopyTo,
  runExecute,
  runExecuteMany,
  runQuery,
  runQueryWithFields,
  type CopyFormatOptions,
  type CopySource,
  type CopyTarget,
  type ExecuteResult,
  type Fetch,
  type IterState,
  type QueryParams,
  type QueryResultWithFields,
  type Row,
} from "./statements";

export interface QueryOptions extends CallOptions {
  /** all rows (default), the first row only, or the first `size` rows. */
  fetch?: Fetch;
  /** Rows for fetch "many" (default 100). */
  size?: number;
}

export interface IterOptions extends CallOptions {
  /** Rows fetched from the server-side cursor per round trip (default 1000). */
  size?: number;
}

export type Isolation = "read uncommitted" | "read committed" | "repeatable read" | "serializable";

export interface TransactionOptions extends CallOptions {
  isolation?: Isolation;
  readOnly?: boolean;
  deferrable?: boolean;
}

export type CopyFromOptions = CopyFormatOptions & CallOptions;
export type CopyToOptions = CopyFormatOptions & CallOptions & { /** end the sink when done (default true) */ end?: boolean };

const ISOLATIONS: readonly Isolation[] = ["read uncommitted", "read committed", "repeatable read", "serializable"];

/** `SELECT`, `INSERT`, … for span attributes: never the statement text, which may hold literals. */
function operationName(sql: string): string {
  return /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([a-z]+)/i.exec(sql)?.[1]?.toUpperCase() ?? "UNKNOWN";
}

/** Statements a session or transaction runs on its one connection. */
export interface PostgresSession {
  query<R = Row>(sql: string, params?: QueryParams, options?: QueryOptions & { fetch?: "all" | "many" }): Promise<R[]>;
  query<R = Row>(sql: string, params: QueryParams | undefined, options: QueryOptions & { fetch: "one" }): Promise<R | undefined>;
  queryWithFields<R = Row>(sql: string, params?: QueryParams, options?: CallOptions): Promise<QueryResultWithFields<R>>;
  queryIter<R = Row>(sql: string, params?: QueryParams, options?: IterOptions): AsyncIterable<R>;
  execute(sql: string, params?: QueryParams, options?: CallOptions): Promise<ExecuteResult>;
  executeMany(sql: string, paramSets: Iterable<QueryParams> | AsyncIterable<QueryParams>, options?: CallOptions): Promise<ExecuteResult>;
  copyFrom(table: TableName, source: CopySource, options?: CopyFromOptions): Promise<ExecuteResult>;
  copyTo(target: CopyTarget, sink: Writable, options?: CopyToOptions): Promise<ExecuteResult & { bytes: number }>;
  reflect(options?: ReflectOptions & CallOptions): Promise<ReflectedSchema[]>;
}

export class PostgresClient implements Connector, PostgresSession {
  readonly name: string;
  readonly profile: string;
  readonly driver: string;
  private readonly config: PostgresConfig;
  private readonly context: DriverContext<PostgresConfig>;
  private readonly telemetry: Telemetry;
  private readonly retryPolicy: RetryPolicy;
  private target: ConnectionTarget;
  private pool: pg.Pool;
  private sslmode: SslMode;
  private closed = false;

  constructor(context: DriverContext<PostgresConfig>) {
    this.context = context;
    this.name = context.name;
    this.profile = context.profile;
    this.driver = context.driver;
    this.config = context.config;
    const { pool, target } = poolConfig(this.config, this.profile);
    this.target = target;
    this.sslmode = target.sslmode;
    this.pool = this.createPool(pool);
    this.retryPolicy = {
      attempts: this.config.retry.attempts,
      baseDelayMs: this.config.retry.baseDelay,
      maxDelayMs: this.config.retry.maxDelay,
      deadlineMs: this.config.retry.deadline,
    };
    this.telemetry = new Telemetry(
      this.name,
      this.profile,
      { "db.system.name": "postgresql", "db.system": "postgresql", "server.address": target.host, "server.port": target.port, "db.namespace": target.database, "db.user": target.user },
      context.redactor,
      context.events,
      context.telemetry,
    );
  }

  private createPool(config: pg.PoolConfig): pg.Pool {
    const pool = new pgRuntime.Pool(config);
    // Idle connections that die (server restart, network) must not crash the host process.
    pool.on("error", (error) => {
      this.telemetry.emit({ level: "warn", event: "postgres.pool.idle_error", error: { message: this.context.redactor.redact(error.message) } });
    });
    return pool;
  }

  private classify(error: unknown, operation: string): ConnectorError {
    return classifyPgError(error, { operation, profile: this.profile, redactor: this.context.redactor, ...this.target });
  }

  private assertOpen(operation: string): void {
    if (this.closed) {
      throw new PermanentError(`postgres.${this.profile} is closed`, { connector: "postgres", operation, hint: "get a new client from the registry" });
    }
  }

  /** The client-side deadline of a single statement: the server's statement timeout plus room to connect. */
  private statementDeadline(options: CallOptions | undefined): CallOptions {
    if (options?.timeoutMs !== undefined || this.config.statementTimeout <= 0) return options ?? {};
    return { ...options, timeoutMs: this.config.statementTimeout + this.config.connectTimeout + 1_000 };
  }

  private async acquire(signal: AbortSignal | undefined): Promise<PgConnection> {
    if (signal?.aborted) throw signal.reason;
    try {
      const client = await abortable(this.pool.connect(), signal, (late) => late.release());
      return new PgConnection(client, this.target.host, this.target.port);
    } catch (error) {
      // sslmode=prefer: the server offers no TLS, so continue in plain text (libpq does the same).
      if (this.sslmode === "prefer" && error instanceof Error && /does not support SSL/i.test(error.message)) {
        const old = this.pool;
        this.sslmode = "disable";
        this.pool = this.createPool(poolConfig(this.config, this.profile, "disable").pool);
        void old.end().catch(() => undefined);
        return this.acquire(signal);
      }
      throw error;
    }
  }

  /** One operation on a pooled connection: deadline, cancellation, retries, classification, telemetry. */
  private run<T>(operation: string, idempotent: boolean, options: CallOptions | undefined, attributes: Attributes, fn: (conn: PgConnection, signal: AbortSignal, annotate: (a: Attributes) => void) => Promise<T>): Promise<T> {
    try {
      this.assertOpen(operation);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.telemetry.operation(operation, attributes, (annotate) =>
      runWithPolicy(
        async (ctx) => {
          const conn = await this.acquire(ctx.signal);
          try {
            const value = await fn(conn, ctx.signal, annotate);
            conn.release();
            return value;
          } catch (error) {
            const classified = this.classify(error, operation);
            conn.release(classified);
            throw classified;
          }
        },
        {
          policy: this.retryPolicy,
          idempotent,
          call: options,
          classify: (error) => this.classify(error, operation),
          connector: "postgres",
          operation,
          onRetry: (error, attempt, delayMs) =>
            this.telemetry.emit({ level: "warn", event: `postgres.${operation}.retry`, operation, attempts: attempt, error: error.toJSON(), attributes: { delayMs } }),
        },
      ),
    );
  }

  query<R = Row>(sql: string, params?: QueryParams, options?: QueryOptions & { fetch?: "all" | "many" }): Promise<R[]>;
  query<R = Row>(sql: string, params: QueryParams | undefined, options: QueryOptions & { fetch: "one" }): Promise<R | undefined>;
  query<R = Row>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<R[] | R | undefined> {
    const fetch = options?.fetch ?? "all";
    return this.run("query", true, this.statementDeadline(options), { "db.operation.name": operationName(sql) }, async (conn, signal, annotate) => {
      const rows = await runQuery<R>(conn, signal, sql, params, fetch, options?.size ?? 100);
      annotate({ "db.response.returned_rows": rows.length });
      return fetch === "one" ? rows[0] : rows;
    });
  }

  queryWithFields<R = Row>(sql: string, params?: QueryParams, options?: CallOptions): Promise<QueryResultWithFields<R>> {
    return this.run("query", false, this.statementDeadline(options), { "db.operation.name": operationName(sql) }, async (conn, signal, annotate) => {
      const result = await runQueryWithFields<R>(conn, signal, sql, params);
      annotate({ "db.response.returned_rows": result.rows.length });
      return result;
    });
  }

  execute(sql: string, params?: QueryParams, options?: CallOptions): Promise<ExecuteResult> {
    return this.run("execute", false, this.statementDeadline(options), { "db.operation.name": operationName(sql) }, async (conn, signal, annotate) => {
      const result = await runExecute(conn, signal, sql, params);
      annotate({ "db.response.affected_rows": result.rowCount });
      return result;
    });
  }

  /** Runs `sql` once per parameter set, prepared once, inside one transaction (all or nothing). */
  executeMany(sql: string, paramSets: Iterable<QueryParams> | AsyncIterable<QueryParams>, options?: CallOptions): Promise<ExecuteResult> {
    return this.run("executeMany", false, options, { "db.operation.name": operationName(sql) }, async (conn, signal, annotate) => {
      await conn.client.query("BEGIN");
      try {
        const result = await runExecuteMany(conn, signal, sql, paramSets);
        await conn.client.query("COMMIT");
        annotate({ "db.response.affected_rows": result.rowCount });
        return result;
      } catch (error) {
        await conn.client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  copyFrom(table: TableName, source: CopySource, options: CopyFromOptions = {}): Promise<ExecuteResult> {
    return this.run("copyFrom", false, options, { "db.operation.name": "COPY", "db.collection.name": tableLabel(table) }, async (conn, signal, annotate) => {
      const result = await runCopyFrom(conn, signal, table, source, options);
      annotate({ "db.response.affected_rows": result.rowCount });
      return result;
    });
  }

  copyTo(target: CopyTarget, sink: Writable, options: CopyToOptions = {}): Promise<ExecuteResult & { bytes: number }> {
    return this.run("copyTo", false, options, { "db.operation.name": "COPY" }, async (conn, signal, annotate) => {
      const result = await runCopyTo(conn, signal, target, sink, options);
      annotate({ "db.response.returned_rows": result.rowCount, "connector.bytes": result.bytes });
      return result;
    });
  }

  reflect(options: ReflectOptions & CallOptions = {}): Promise<ReflectedSchema[]> {
    return this.run("reflect", true, this.statementDeadline(options), {}, async (conn, signal, annotate) => {
      const schemas = await reflectCatalog(conn, signal, options);
      annotate({ "connector.schemas": schemas.length });
      return schemas;
    });
  }

  /** Rows from a server-side cursor: bounded memory whatever the result size. Breaking out of the loop closes it. */
  queryIter<R = Row>(sql: string, params?: QueryParams, options: IterOptions = {}): AsyncIterable<R> {
    this.assertOpen("queryIter");
    return {
      [Symbol.asyncIterator]: () => flattenBatches(this.iterate<R>(sql, params, options, undefined)),
    };
  }

  private async *iterate<R>(sql: string, params: QueryParams | undefined, options: IterOptions, session: PgConnection | undefined, outer?: AbortSignal): AsyncGenerator<R[], void, undefined> {
    const scope = this.telemetry.begin("queryIter", { "db.operation.name": operationName(sql) });
    const deadline = createDeadline(options.timeoutMs, anySignal(options.signal, outer));
    const state: IterState = { rows: 0 };
    let conn = session;
    let failure: ConnectorError | undefined;
    try {
      // Connecting is retried like any idempotent step; rows already handed out are never fetched twice.
      const active: PgConnection =
        conn ??
        (await runWithPolicy((ctx) => this.acquire(ctx.signal), {
          policy: this.retryPolicy,
          idempotent: true,
          call: { ...options, signal: deadline.signal, timeoutMs: undefined },
          classify: (error) => this.classify(error, "queryIter"),
          connector: "postgres",
          operation: "queryIter",
        }).then((r) => r.value));
      conn = active;
      yield* cursorBatches<R>(active, deadline.signal, sql, params, options.size ?? 1_000, state);
    } catch (error) {
      failure = deadline.reason() !== undefined ? abortedError(deadline, { connector: "postgres", operation: "queryIter" }, error) : this.classify(error, "queryIter");
      throw failure;
    } finally {
      deadline.dispose();
      if (conn && !session) conn.release(failure);
      scope.annotate({ "db.response.returned_rows": state.rows });
      if (failure) scope.fail(failure);
      else scope.succeed();
    }
  }

  /** Check out one connection for several statements (session state such as SET or temp tables is kept). */
  connection<T>(fn: (session: PostgresSession) => Promise<T>, options: CallOptions = {}): Promise<T> {
    return this.run("connection", false, options, {}, (conn, signal) => fn(this.session(conn, signal)));
  }

  /** BEGIN … COMMIT around `fn`; ROLLBACK when it throws. Retried as a whole only with `idempotent: true`. */
  transaction<T>(fn: (tx: PostgresSession) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const modes: string[] = [];
    if (options.isolation) {
      if (!ISOLATIONS.includes(options.isolation)) throw new PermanentError(`unknown isolation level "${options.isolation}"`, { connector: "postgres", operation: "transaction" });
      modes.push(`ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
    }
    if (options.readOnly !== undefined) modes.push(options.readOnly ? "READ ONLY" : "READ WRITE");
    if (options.deferrable !== undefined) modes.push(options.deferrable ? "DEFERRABLE" : "NOT DEFERRABLE");
    const begin = `BEGIN${modes.length ? ` ${modes.join(", ")}` : ""}`;
    return this.run("transaction", false, options, { "connector.isolation": options.isolation ?? "default" }, async (conn, signal) => {
      await conn.guarded(signal, () => conn.client.query(begin));
      let value: T;
      try {
        value = await fn(this.session(conn, signal));
      } catch (error) {
        await conn.client.query("ROLLBACK").catch(() => undefined);
        // The caller's own errors come back unchanged; ours are already classified.
        throw error instanceof ConnectorError || !isDriverError(error) ? new UserError(error) : error;
      }
      await conn.guarded(signal, () => conn.client.query("COMMIT"));
      return value;
    }).catch((error: unknown) => {
      throw error instanceof UserError ? error.original : error;
    });
  }

  private session(conn: PgConnection, outer: AbortSignal): PostgresSession {
    const op = <T>(operation: string, options: CallOptions | undefined, attributes: Attributes, fn: (signal: AbortSignal, annotate: (a: Attributes) => void) => Promise<T>): Promise<T> =>
      this.telemetry.operation(operation, attributes, (annotate) =>
        runWithPolicy((ctx) => fn(ctx.signal, annotate), {
          policy: this.retryPolicy,
          idempotent: false,
          call: { ...options, retry: false, signal: anySignal(options?.signal, outer) },
          classify: (error) => this.classify(error, operation),
          connector: "postgres",
          operation,
        }),
      );
    const session: PostgresSession = {
      query<R>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<never> {
        const fetch = options?.fetch ?? "all";
        return op("query", options, { "db.operation.name": operationName(sql) }, async (signal) => {
          const rows = await runQuery<R>(conn, signal, sql, params, fetch, options?.size ?? 100);
          return (fetch === "one" ? rows[0] : rows) as never;
        });
      },
      queryWithFields: (sql, params, options) => op("query", options, { "db.operation.name": operationName(sql) }, (signal) => runQueryWithFields(conn, signal, sql, params)),
      queryIter: (sql, params, options = {}) => ({ [Symbol.asyncIterator]: () => flattenBatches(this.iterate(sql, params, options, conn, outer)) }),
      execute: (sql, params, options) => op("execute", options, { "db.operation.name": operationName(sql) }, (signal) => runExecute(conn, signal, sql, params)),
      executeMany: (sql, paramSets, options) => op("executeMany", options, { "db.operation.name": operationName(sql) }, (signal) => runExecuteMany(conn, signal, sql, paramSets)),
      copyFrom: (table, source, options = {}) => op("copyFrom", options, { "db.operation.name": "COPY", "db.collection.name": tableLabel(table) }, (signal) => runCopyFrom(conn, signal, table, source, options)),
      copyTo: (target, sink, options = {}) => op("copyTo", options, { "db.operation.name": "COPY" }, (signal) => runCopyTo(conn, signal, target, sink, options)),
      reflect: (options = {}) => op("reflect", options, {}, (signal) => reflectCatalog(conn, signal, options)),
    };
    return session;
  }

  /** Connects (through the pool) and reports latency, server version, TLS, user and database. */
  test(options?: CallOptions): Promise<TestReport> {
    return this.run("test", true, this.statementDeadline(options), {}, async (conn, signal) => {
      const t0 = performance.now();
      await conn.guarded(signal, () => conn.client.query("select 1"));
      const latencyMs = performance.now() - t0;
      const { rows } = await conn.guarded(signal, () =>
        conn.client.query<{
          server_version: string;
          user: string;
          database: string;
          ssl: boolean | null;
          tls_version: string | null;
          cipher: string | null;
          read_only: string;
          statement_timeout: string;
        }>(
          `select current_setting('server_version') as server_version, current_user as "user", current_database() as database,
                  s.ssl, s.version as tls_version, s.cipher,
                  current_setting('default_transaction_read_only') as read_only, current_setting('statement_timeout') as statement_timeout
           from (select 1) one left join pg_stat_ssl s on s.pid = pg_backend_pid()`,
        ),
      );
      const row = rows[0]!;
      return {
        ok: true as const,
        latencyMs: Math.round(latencyMs * 100) / 100,
        serverVersion: `PostgreSQL ${row.server_version}`,
        endpoint: `${this.target.host}:${this.target.port}/${this.target.database}`,
        tls: { enabled: row.ssl === true, ...(row.tls_version ? { protocol: row.tls_version } : {}), ...(row.cipher ? { cipher: row.cipher } : {}) },
        identity: row.user,
        details: {
          database: row.database,
          user: row.user,
          sslmode: this.sslmode,
          readOnly: row.read_only === "on",
          statementTimeout: row.statement_timeout,
          backendPid: conn.processID ?? 0,
        },
      };
    });
  }

  /** The underlying pg.Pool, for what this API does not cover. Connections you take must be released. */
  rawPool(): pg.Pool {
    return this.pool;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
    this.telemetry.emit({ level: "info", event: "postgres.client.closed" });
  }

  isClosed(): boolean {
    return this.closed;
  }
}

/** Carries a caller's error through the retry/classification layer untouched (never retried). */
class UserError extends ConnectorError {
  constructor(readonly original: unknown) {
    super("the transaction callback threw", { connector: "postgres", operation: "transaction" });
  }
}

function isDriverError(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return error instanceof pgRuntime.DatabaseError || (typeof code === "string" && /^E[A-Z]+$/.test(code));
}

function tableLabel(table: TableName): string {
  return typeof table === "string" ? table : Array.isArray(table) ? table.join(".") : [(table as { schema?: string }).schema, (table as { name: string }).name].filter(Boolean).join(".");
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

/** Await `promise` unless `signal` fires first; a value that arrives late is handed to `onLate`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onLate: (value: T) => void): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => {
      settled = true;
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (settled) onLate(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (!settled) reject(error);
      },
    );
  });
}
