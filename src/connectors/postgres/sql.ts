// Generated SQL quotes every identifier and literal it builds; user SQL is passed through as written.

/** A table as a bare name, `schema.table`, `[schema, table]` or `{ schema, name }`. Names with dots need the last two forms. */
export type TableName = string | readonly [schema: string, table: string] | { schema?: string; name: string };

export function quoteIdent(name: string): string {
  if (name.length === 0) throw new TypeError("an SQL identifier cannot be empty");
  if (name.includes("\u0000")) throw new TypeError("an SQL identifier cannot contain NUL");
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) throw new TypeError("an SQL literal cannot contain NUL");
  return `'${value.replace(/'/g, "''")}'`;
}

export function qualifiedName(table: TableName): string {
  if (typeof table === "string") {
    const parts = table.split(".");
    if (parts.length > 2) throw new TypeError(`table name "${table}" has more than one dot; pass { schema, name } instead`);
    return parts.map(quoteIdent).join(".");
  }
  if (Array.isArray(table)) return `${quoteIdent(table[0]!)}.${quoteIdent(table[1]!)}`;
  const { schema, name } = table as { schema?: string; name: string };
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}
