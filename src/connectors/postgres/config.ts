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
    check: checkDsn,
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

const DSN_SCHEME = /^postgres(?:ql)?:\/\//i;
/** Query parameters we interpret ourselves (pg-connection-string would read the files and warn on sslmode). */
const OWN_PARAMS = new Set(["sslmode", "sslrootcert", "sslcert", "sslkey", "uselibpqcompat"]);

type DsnParts = Partial<ConnectionTarget> & { sslrootcert?: string; sslcert?: string; sslkey?: string; options?: string };

function splitDsn(dsn: string): { base: string; own: Record<string, string> } {
  const q = dsn.indexOf("?");
  if (q < 0) return { base: dsn, own: {} };
  const own: Record<string, string> = {};
  const rest = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(dsn.slice(q + 1))) {
    if (OWN_PARAMS.has(key.toLowerCase())) own[key.toLowerCase()] = value;
    else rest.append(key, value);
  }
  const query = rest.toString();
  return { base: dsn.slice(0, q) + (query ? `?${query}` : ""), own };
}

/** Parse a DSN; throws a sentence describing what is wrong (never the DSN itself, which may hold a password). */
function parseParts(dsn: string): DsnParts {
  if (!DSN_SCHEME.test(dsn.trim())) throw new Error("must start with postgresql:// or postgres://");
  const { base, own } = splitDsn(dsn.trim());
  let parsed: ReturnType<typeof parseDsn>;
  try {
    parsed = parseDsn(base);
  } catch (error) {
    throw new Error(`is not a valid connection URI (${(error as Error).message.split("\n")[0]})`);
  }
  const mode = own["sslmode"]?.toLowerCase();
  if (mode !== undefined && !(SSL_MODES as readonly string[]).includes(mode) && mode !== "no-verify") {
    throw new Error(`has sslmode=${mode}; use one of ${SSL_MODES.join(", ")}`);
  }
  const parts: DsnParts = {};
  if (parsed.port) {
    const port = Number(parsed.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`has an invalid port "${parsed.port}"`);
    parts.port = port;
  }
  if (parsed.host) parts.host = parsed.host;
  if (parsed.database) parts.database = parsed.database;
  if (parsed.user) parts.user = parsed.user;
  if (parsed.password) parts.password = parsed.password;
  if (mode) parts.sslmode = (mode === "no-verify" ? "require" : mode) as SslMode;
  if (own["sslrootcert"]) parts.sslrootcert = own["sslrootcert"];
  if (own["sslcert"]) parts.sslcert = own["sslcert"];
  if (own["sslkey"]) parts.sslkey = own["sslkey"];
  const raw = parsed as Record<string, unknown>;
  if (typeof raw["application_name"] === "string") parts.applicationName = raw["application_name"];
  if (typeof raw["options"] === "string") parts.options = raw["options"];
  return parts;
}

/** The `dsn` field's check: runs during resolution, so the error names the layer the DSN came from. */
export function checkDsn(dsn: string): string | undefined {
  try {
    parseParts(dsn);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function dsnParts(dsn: string | undefined, profile: string): DsnParts {
  if (!dsn) return {};
  try {
    return parseParts(dsn);
  } catch (error) {
    throw new ConfigError(`postgres.${profile}: "dsn" ${(error as Error).message}`, { connector: "postgres", operation: "config", key: "dsn", profile });
  }
}

export type ResolvedTarget = ConnectionTarget & { sslrootcert?: string; sslcert?: string; sslkey?: string; dsnOptions?: string };

export function connectionTarget(config: PostgresConfig, profile: string): ResolvedTarget {
  const fromDsn = dsnParts(config.dsn, profile);
  const user = config.user ?? fromDsn.user ?? safeUserName();
  const sslrootcert = config.sslrootcert ?? fromDsn.sslrootcert;
  const sslcert = config.sslcert ?? fromDsn.sslcert;
  const sslkey = config.sslkey ?? fromDsn.sslkey;
  return {
    host: config.host ?? fromDsn.host ?? "localhost",
    port: config.port ?? fromDsn.port ?? 5432,
    database: config.database ?? fromDsn.database ?? user,
    user,
    password: config.password ?? fromDsn.password,
    sslmode: config.sslmode ?? fromDsn.sslmode ?? "require",
    applicationName: config.applicationName ?? fromDsn.applicationName ?? "auto-workflow-connectors",
    ...(sslrootcert ? { sslrootcert } : {}),
    ...(sslcert ? { sslcert } : {}),
    ...(sslkey ? { sslkey } : {}),
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
export function tlsOptions(target: ResolvedTarget, profile: string, mode: SslMode = target.sslmode): false | TlsOptions {
  if (mode === "disable") return false;
  const tls: TlsOptions = {};
  if (target.sslcert) tls.cert = readPem(target.sslcert, "sslcert", profile);
  if (target.sslkey) tls.key = readPem(target.sslkey, "sslkey", profile);
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
    ssl: tlsOptions(target, profile, mode),
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
