// The SQL operations, each on one already-acquired connection. The client adds acquisition,
// retries and telemetry around them; sessions and transactions add telemetry only.
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Cursor, copyFromStream, copyToStream } from "./sdk";
import type { FieldDef } from "pg";
import type { PgConnection } from "./connection";
import { qualifiedName, quoteIdent, quoteLiteral, type TableName } from "./sql";

export type Row = Record<string, unknown>;
export type QueryParams = readonly unknown[];
export type Fetch = "all" | "one" | "many";

export interface ExecuteResult {
  /** Rows inserted, updated, deleted, copied or returned. */
  rowCount: number;
  /** The command tag's verb: INSERT, UPDATE, CREATE, … */
  command: string;
}

export interface QueryResultWithFields<R = Row> extends ExecuteResult {
  rows: R[];
  fields: Array<{ name: string; dataTypeID: number }>;
}

export async function runQuery<R>(conn: PgConnection, signal: AbortSignal | undefined, sql: string, params: QueryParams | undefined, fetch: Fetch, size: number): Promise<R[]> {
  if (fetch === "all") {
    const result = await conn.guarded(signal, () => conn.client.query({ text: sql, values: params as unknown[] | undefined }));
    return result.rows as R[];
  }
  // "one" and "many" read only what they return, through a portal, so a huge result is never buffered.
  const limit = fetch === "one" ? 1 : size;
  const cursor = conn.client.query(new Cursor<R>(sql, params as unknown[] | undefined));
  try {
    return await conn.guarded(signal, () => cursor.read(limit));
  } finally {
    await closeCursor(conn, cursor);
  }
}

export async function runQueryWithFields<R>(conn: PgConnection, signal: AbortSignal | undefined, sql: string, params: QueryParams | undefined): Promise<QueryResultWithFields<R>> {
  const result = await conn.guarded(signal, () => conn.client.query({ text: sql, values: params as unknown[] | undefined }));
  return {
    rows: result.rows as R[],
    fields: result.fields.map((f: FieldDef) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    rowCount: result.rowCount ?? result.rows.length,
    command: result.command,
  };
}

export async function runExecute(conn: PgConnection, signal: AbortSignal | undefined, sql: string, params: QueryParams | undefined): Promise<ExecuteResult> {
  const result = await conn.guarded(signal, () => conn.client.query({ text: sql, values: params as unknown[] | undefined }));
  return { rowCount: result.rowCount ?? 0, command: result.command };
}

let statementCounter = 0;

/** One statement, many parameter sets: prepared once, executed per set. The caller provides the transaction. */
export async function runExecuteMany(conn: PgConnection, signal: AbortSignal | undefined, sql: string, paramSets: Iterable<QueryParams> | AsyncIterable<QueryParams>): Promise<ExecuteResult> {
  const name = `awc_many_${process.pid}_${++statementCounter}`;
  let rowCount = 0;
  let command = "";
  try {
    for await (const params of paramSets) {
      if (signal?.aborted) throw signal.reason;
      const result = await conn.guarded(signal, () => conn.client.query({ name, text: sql, values: params as unknown[] }));
      rowCount += result.rowCount ?? 0;
      command = result.command;
    }
  } finally {
    await conn.deallocate(name);
  }
  return { rowCount, command };
}

/**
 * Close a cursor's portal. pg-cursor's close() waits for ReadyForQuery, which never comes on a dead
 * connection, and a failed cursor has no portal left: skip those, and never wait past the connection's end.
 */
async function closeCursor(conn: PgConnection, cursor: InstanceType<typeof Cursor>): Promise<void> {
  const state = (cursor as unknown as { state?: string }).state;
  if (state === "error" || state === "done" || conn.isEnded) return;
  await Promise.race([cursor.close().catch(() => undefined), conn.ended]);
}

export interface IterState {
  fields?: Array<{ name: string; dataTypeID: number }>;
  rows: number;
}

/** Batches of rows from a server-side cursor, `size` at a time: memory stays bounded whatever the result size. */
export async function* cursorBatches<R>(conn: PgConnection, signal: AbortSignal | undefined, sql: string, params: QueryParams | undefined, size: number, state: IterState): AsyncGenerator<R[], void, undefined> {
  const cursor = conn.client.query(new Cursor<R>(sql, params as unknown[] | undefined));
  try {
    for (;;) {
      const batch = await conn.guarded(signal, () => cursor.read(size));
      if (batch.length === 0) return;
      state.rows += batch.length;
      yield batch;
      if (batch.length < size) return;
    }
  } finally {
    await closeCursor(conn, cursor);
  }
}

/**
 * Rows one by one from an iterator of batches. Hand-written rather than a nested async generator:
 * a generator per row costs ~0.2 s per million rows, this ~0.06 s (measured by `npm run bench -- postgres`).
 */
export function flattenBatches<R>(batches: AsyncGenerator<R[], void, undefined>): AsyncIterableIterator<R> {
  let batch: R[] = [];
  let index = 0;
  const pull = async (): Promise<IteratorResult<R, undefined>> => {
    for (;;) {
      const next = await batches.next();
      if (next.done) return { done: true, value: undefined };
      batch = next.value;
      index = 0;
      if (batch.length > 0) return { done: false, value: batch[index++]! };
    }
  };
  const iterator: AsyncIterableIterator<R> = {
    next: () => (index < batch.length ? Promise.resolve({ done: false, value: batch[index++]! }) : pull()),
    return: async (value?: unknown) => {
      batch = [];
      await batches.return(undefined);
      return { done: true, value: value as undefined };
    },
    throw: async (error?: unknown) => {
      batch = [];
      await batches.throw(error);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

export type CopyFormat = "csv" | "binary" | "text";

export interface CopyFormatOptions {
  format?: CopyFormat;
  columns?: readonly string[];
  /** One character (csv, text). */
  delimiter?: string;
  /** The first line holds column names (csv only). */
  header?: boolean;
  /** How NULL is written (csv: empty unquoted string; text: \N). */
  null?: string;
  quote?: string;
  escape?: string;
  encoding?: string;
}

function copyOptions(options: CopyFormatOptions): string {
  const format = options.format ?? "csv";
  const parts = [`FORMAT ${format}`];
  if (options.delimiter !== undefined) {
    if ([...options.delimiter].length !== 1) throw new TypeError("COPY delimiter must be a single character");
    parts.push(`DELIMITER ${quoteLiteral(options.delimiter)}`);
  }
  if (options.header !== undefined) parts.push(`HEADER ${options.header ? "true" : "false"}`);
  if (options.null !== undefined) parts.push(`NULL ${quoteLiteral(options.null)}`);
  if (options.quote !== undefined) parts.push(`QUOTE ${quoteLiteral(options.quote)}`);
  if (options.escape !== undefined) parts.push(`ESCAPE ${quoteLiteral(options.escape)}`);
  if (options.encoding !== undefined) parts.push(`ENCODING ${quoteLiteral(options.encoding)}`);
  return parts.join(", ");
}

function columnList(columns: readonly string[] | undefined): string {
  return columns && columns.length ? ` (${columns.map(quoteIdent).join(", ")})` : "";
}

export type CopySource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> | Uint8Array | string;

function toReadable(source: CopySource): Readable {
  if (source instanceof Readable) return source;
  if (typeof source === "string" || source instanceof Uint8Array) return Readable.from([source], { objectMode: false });
  return Readable.from(source as AsyncIterable<Uint8Array | string>, { objectMode: false });
}

/** Statement timeouts apply to COPY too; bulk loads run without one, bounded by the caller's deadline instead. */
async function withoutStatementTimeout<T>(conn: PgConnection, fn: () => Promise<T>): Promise<T> {
  await conn.client.query("SET statement_timeout TO 0");
  try {
    return await fn();
  } finally {
    await conn.client.query("RESET statement_timeout").catch(() => undefined);
  }
}

export async function runCopyFrom(conn: PgConnection, signal: AbortSignal | undefined, table: TableName, source: CopySource, options: CopyFormatOptions): Promise<ExecuteResult> {
  const sql = `COPY ${qualifiedName(table)}${columnList(options.columns)} FROM STDIN WITH (${copyOptions(options)})`;
  return withoutStatementTimeout(conn, async () => {
    const stream = conn.client.query(copyFromStream(sql));
    // Aborting the pipeline makes pg-copy-streams send CopyFail: the server rolls the COPY back.
    await conn.guarded(signal, () => pipeline(toReadable(source), stream, signal ? { signal } : {}));
    return { rowCount: stream.rowCount, command: "COPY" };
  });
}

/** What `copyTo` reads: a table, or a query when the text is a statement (`{ query }` to be explicit). */
export type CopyTarget = TableName | { query: string };

function isQueryText(text: string): boolean {
  return /^\s*(select|with|values|table|\()\b/i.test(text) || /\s/.test(text.trim());
}

export async function runCopyTo(conn: PgConnection, signal: AbortSignal | undefined, target: CopyTarget, sink: Writable, options: CopyFormatOptions & { end?: boolean }): Promise<ExecuteResult & { bytes: number }> {
  const what =
    typeof target === "object" && !Array.isArray(target) && "query" in target
      ? `(${target.query})`
      : typeof target === "string" && isQueryText(target)
        ? `(${target})`
        : `${qualifiedName(target as TableName)}${columnList(options.columns)}`;
  const sql = `COPY ${what} TO STDOUT WITH (${copyOptions(options)})`;
  return withoutStatementTimeout(conn, async () => {
    const stream = conn.client.query(copyToStream(sql));
    let bytes = 0;
    stream.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    await conn.guarded(signal, () => pipeline(stream, sink, { end: options.end ?? true, ...(signal ? { signal } : {}) }));
    return { rowCount: stream.rowCount, command: "COPY", bytes };
  });
}
