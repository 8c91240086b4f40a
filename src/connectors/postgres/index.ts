// The PostgreSQL driver: `pg` with pg-cursor and pg-copy-streams.
import type { DriverDefinition } from "../types";
import type { PostgresClient } from "./client";
import { postgresFields, type PostgresConfig } from "./config";

export const postgresDriver: DriverDefinition<PostgresConfig, PostgresClient> = {
  kind: "postgres",
  driver: "pg",
  description: "PostgreSQL through node-postgres (pg), with server-side cursors and COPY streams.",
  fields: postgresFields,
  // The implementation (and its SDK) is imported on first use.
  load: async () => {
    const { PostgresClient: Client } = await import("./client");
    return (context) => new Client(context);
  },
};

declare module "../registry" {
  interface ConnectorTypes {
    postgres: PostgresClient;
  }
}

export type { PostgresClient } from "./client";
export type { PostgresSession, QueryOptions, IterOptions, TransactionOptions, Isolation, CopyFromOptions, CopyToOptions } from "./client";
export type { PostgresConfig, SslMode } from "./config";
export { SSL_MODES, postgresFields } from "./config";
export type { ReflectOptions, ReflectedSchema, ReflectedRelation, ReflectedColumn, RelationKind } from "./reflect";
export type { TableName } from "./sql";
export { quoteIdent, quoteLiteral, qualifiedName } from "./sql";
export type { Row, QueryParams, Fetch, ExecuteResult, QueryResultWithFields, CopyFormat, CopyFormatOptions, CopySource, CopyTarget } from "./statements";
