// PostgreSQL profile keys and their translation into a `pg` pool configuration.
import { readFileSync } from "node:fs";
import os from "node:os";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import type { PoolConfig } from "pg";
import { parse as parseDsn } from "pg-connection-string";
import { ConfigError } from "../errors";
import type { Fields } from "../config/schema";

export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const postgresFields = {
  dsn: {
    type: "string",
    description: "Connection URI, e.g. postgresql://user@host:5432/db?sslmode=require. The password part may be a secret:// reference. Explicit keys override its parts.",
  },
  host: { type: "string", description: "Server host name, IP address, or Unix socket directory. Default: localhost." },
  port: { type: "integer", minimum: 1, maximum: 65535, description: "Server port. Default: 5432." },
  database: { type: "string", description: "Database name. Default: the user name." },
  user: { type: "string", description: "Role to connect as. Default: the operating-system user." },
  password: { type: "string", secret: true, description: "Password of the role." },
  sslmode: {
    type: "string",
    enum: SSL_MODES,
    description: "TLS mode as libpq: disable, prefer, require (encrypt, no verification), verify-ca, verify-full (verify the CA and the host name). Default: require.",
  },
  sslrootcert: { type: "string", description: "PEM file of the CA(s) that signed the server certificate (verify-ca, verify-full). Default: the system CAs." },
  sslcert: { type: "string", description: "PEM file of a client certificate, for certificate authentication." },
  sslkey: { type: "string", secret: false, description: "PEM file of the client certificate's private key." },
  pool: {
    type: "object",
    description: "Connection pool.",
    fields: {
      min: { type: "integer", minimum: 0, default: 1, description: "Connections kept open while idle." },
      max: { type: "integer", minimum: 1, default: 10, description: "Most connections open at once." },
      idleTimeout: { type: "duration", default: 10_000, description: "Close a connection idle this long (above min)." },
      maxLifetime: { type: "duration", default: 0, description: "Replace connections older than this; 0 keeps them." },
    },
  },
  connectTimeout: { type: "duration", default: 10_000, description: "Give up connecting after this long." },
  statementTimeout: {
    type: "duration",
    default: 30_000,
    description: "Server-side statement_timeout for every statement (0 disables); the client also cancels a call that runs past it.",
  },
  applicationName: { type: "string", description: "application_name shown in pg_stat_activity. Default: auto-workflow-connectors." },
  readOnly: { type: "boolean", default: false, description: "Enforced by the server (default_transaction_read_only): writes fail." },
  retry: {
    type: "object",
    description: "Retries of transient failures (idempotent operations only).",
    fields: {
      attempts: { type: "integer", minimum: 1, maximum: 20, default: 3, description: "Attempts in all, the first included." },
      baseDelay: { type: "duration", default: 100, description: "First backoff; doubles per attempt, with full jitter." },
      maxDelay: { type: "duration", default: 2_000, description: "Longest single backoff." },
      deadline: { type: "duration", default: 30_000, description: "Upper bound for all attempts of one call." },
    },
  },
} as const satisfies Fields;

export interface PostgresConfig {
  dsn?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslmode?: SslMode;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  pool: { min: number; max: number; idleTimeout: number; maxLifetime: number };
  connectTimeout: number;
  statementTimeout: number;
  applicationName?: string;
  readOnly: boolean;
  retry: { attempts: number; baseDelay: number; maxDelay: number; deadline: number };
}

/** Where to connect and how, after merging the DSN with explicit keys. */
export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
  sslmode: SslMode;
  applicationName: string;
}

function dsnParts(dsn: string | undefined, profile: string): Partial<ConnectionTarget> & { sslrootcert?: string; options?: string } {
  if (!dsn) return {};
  let parsed: ReturnType<typeof parseDsn>;
  try {
    parsed = parseDsn(dsn);
  } catch (error) {
    throw new ConfigError(`postgres.${profile}: "dsn" is not a valid connection URI (${(error as Error).message})`, { connector: "postgres", operation: "config", key: "dsn", profile });
  }
  const raw = parsed as Record<string, unknown>;
  const mode = typeof raw["sslmode"] === "string" ? String(raw["sslmode"]).toLowerCase() : undefined;
  if (mode !== undefined && !(SSL_MODES as readonly string[]).includes(mode) && mode !== "no-verify") {
    throw new ConfigError(`postgres.${profile}: "dsn" has sslmode=${mode}; use one of ${SSL_MODES.join(", ")}`, { connector: "postgres", operation: "config", key: "dsn", profile });
  }
  const parts: Partial<ConnectionTarget> & { sslrootcert?: string; options?: string } = {};
  if (parsed.host) parts.host = parsed.host;
  if (parsed.port) parts.port = Number(parsed.port);
  if (parsed.database) parts.database = parsed.database;
  if (parsed.user) parts.user = parsed.user;
  if (parsed.password) parts.password = parsed.password;
  if (mode) parts.sslmode = (mode === "no-verify" ? "require" : mode) as SslMode;
  if (typeof raw["sslrootcert"] === "string") parts.sslrootcert = raw["sslrootcert"];
  if (typeof raw["application_name"] === "string") parts.applicationName = raw["application_name"];
  if (typeof raw["options"] === "string") parts.options = raw["options"];
  return parts;
}

export function connectionTarget(config: PostgresConfig, profile: string): ConnectionTarget & { sslrootcert?: string; dsnOptions?: string } {
  const fromDsn = dsnParts(config.dsn, profile);
  const user = config.user ?? fromDsn.user ?? safeUserName();
  return {
    host: config.host ?? fromDsn.host ?? "localhost",
    port: config.port ?? fromDsn.port ?? 5432,
    database: config.database ?? fromDsn.database ?? user,
    user,
    password: config.password ?? fromDsn.password,
    sslmode: config.sslmode ?? fromDsn.sslmode ?? "require",
    applicationName: config.applicationName ?? fromDsn.applicationName ?? "auto-workflow-connectors",
    ...(config.sslrootcert ?? fromDsn.sslrootcert ? { sslrootcert: config.sslrootcert ?? fromDsn.sslrootcert } : {}),
    ...(fromDsn.options ? { dsnOptions: fromDsn.options } : {}),
  };
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return "postgres";
  }
}

function readPem(path: string, key: string, profile: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`postgres.${profile}: cannot read "${key}" file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      connector: "postgres",
      operation: "config",
      key,
      profile,
    });
  }
}

/** TLS options for `pg` (false for none), following libpq's meaning of each sslmode. */
export function tlsOptions(config: PostgresConfig, target: ConnectionTarget & { sslrootcert?: string }, profile: string, mode: SslMode = target.sslmode): false | TlsOptions {
  if (mode === "disable") return false;
  const tls: TlsOptions = {};
  if (config.sslcert) tls.cert = readPem(config.sslcert, "sslcert", profile);
  if (config.sslkey) tls.key = readPem(config.sslkey, "sslkey", profile);
  if (mode === "prefer" || mode === "require") {
    // libpq: with a root certificate present, require behaves as verify-ca.
    if (mode === "require" && target.sslrootcert) return { ...tls, ca: readPem(target.sslrootcert, "sslrootcert", profile), rejectUnauthorized: true, checkServerIdentity: () => undefined };
    return { ...tls, rejectUnauthorized: false };
  }
  if (target.sslrootcert) tls.ca = readPem(target.sslrootcert, "sslrootcert", profile);
  tls.rejectUnauthorized = true;
  if (mode === "verify-ca") tls.checkServerIdentity = () => undefined;
  else if (!target.host.startsWith("/")) tls.servername = target.host;
  return tls;
}

export function poolConfig(config: PostgresConfig, profile: string, mode?: SslMode): { pool: PoolConfig; target: ReturnType<typeof connectionTarget> } {
  const target = connectionTarget(config, profile);
  const options = [target.dsnOptions, config.readOnly ? `-c default_transaction_read_only=on` : undefined].filter(Boolean).join(" ");
  const pool: PoolConfig = {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    ssl: tlsOptions(config, target, profile, mode),
    min: config.pool.min,
    max: config.pool.max,
    idleTimeoutMillis: config.pool.idleTimeout,
    maxLifetimeSeconds: Math.ceil(config.pool.maxLifetime / 1000),
    connectionTimeoutMillis: config.connectTimeout,
    application_name: target.applicationName,
    keepAlive: true,
    allowExitOnIdle: true,
    ...(config.statementTimeout > 0 ? { statement_timeout: config.statementTimeout } : {}),
    ...(options ? { options } : {}),
  };
  if (target.password !== undefined) pool.password = target.password;
  return { pool, target };
}
