// Catalog reflection for the sidebar and SQL completion: schemas → relations → columns, read from
// pg_catalog in one statement per call (schemas first when none are named).
import type { PgConnection } from "./connection";

export type RelationKind = "table" | "view" | "materializedView" | "foreignTable" | "partitionedTable";

export interface ReflectedColumn {
  name: string;
  /** As format_type prints it: `integer`, `character varying(40)`, `timestamp with time zone`. */
  type: string;
  nullable: boolean;
  default: string | null;
  primaryKey: boolean;
  position: number;
  comment: string | null;
}

export interface ReflectedRelation {
  schema: string;
  name: string;
  kind: RelationKind;
  comment: string | null;
  columns: ReflectedColumn[];
}

export interface ReflectedSchema {
  name: string;
  relations: ReflectedRelation[];
}

export interface ReflectOptions {
  /** One schema or several; default: every schema but pg_* and information_schema. */
  schema?: string | readonly string[];
  /** Only these relation names. */
  only?: readonly string[];
}

const KINDS: Record<string, RelationKind> = { r: "table", v: "view", m: "materializedView", f: "foreignTable", p: "partitionedTable" };

const SCHEMAS_SQL = `
select nspname as name from pg_catalog.pg_namespace
where nspname <> 'information_schema' and nspname not like 'pg\\_%'
  and has_schema_privilege(oid, 'USAGE')
order by nspname`;

const RELATIONS_SQL = `
select n.nspname as schema, c.relname as name, c.relkind as kind,
       pg_catalog.obj_description(c.oid, 'pg_class') as comment,
       coalesce(json_agg(json_build_object(
         'name', a.attname,
         'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
         'nullable', not a.attnotnull,
         'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid),
         'primaryKey', coalesce(a.attnum = any(pk.conkey), false),
         'position', a.attnum,
         'comment', pg_catalog.col_description(c.oid, a.attnum)
       ) order by a.attnum) filter (where a.attnum is not null), '[]'::json) as columns
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
left join pg_catalog.pg_constraint pk on pk.conrelid = c.oid and pk.contype = 'p'
where c.relkind in ('r', 'v', 'm', 'f', 'p')
  and not c.relispartition
  and n.nspname = any($1::text[])
  and ($2::text[] is null or c.relname = any($2::text[]))
group by n.nspname, c.relname, c.relkind, c.oid
order by n.nspname, c.relname`;

interface RelationRow {
  schema: string;
  name: string;
  kind: string;
  comment: string | null;
  columns: ReflectedColumn[];
}

export async function reflectCatalog(conn: PgConnection, signal: AbortSignal | undefined, options: ReflectOptions): Promise<ReflectedSchema[]> {
  const names =
    options.schema === undefined
      ? (await conn.guarded(signal, () => conn.client.query<{ name: string }>(SCHEMAS_SQL))).rows.map((r) => r.name)
      : typeof options.schema === "string"
        ? [options.schema]
        : [...options.schema];
  const result = await conn.guarded(signal, () => conn.client.query<RelationRow>(RELATIONS_SQL, [names, options.only ? [...options.only] : null]));
  const schemas = new Map<string, ReflectedSchema>(names.map((name) => [name, { name, relations: [] }]));
  for (const row of result.rows) {
    schemas.get(row.schema)?.relations.push({ schema: row.schema, name: row.name, kind: KINDS[row.kind] ?? "table", comment: row.comment, columns: row.columns });
  }
  return [...schemas.values()];
}
