// A PostgreSQL profile: its schemas (those the role may use), listed on expand.
import { ProfileNode } from "./profileNode";
import { PgSchemaNode } from "./pgSchemaNode";
import type { TreeNode } from "./treeNode";

// The schemas reflect() would cover: not pg_* nor information_schema, and usable by the role.
const SCHEMAS_SQL = `
select nspname as name from pg_catalog.pg_namespace
where nspname <> 'information_schema' and nspname not like 'pg\\_%'
  and has_schema_privilege(oid, 'USAGE')
order by nspname`;

export class PostgresProfileNode extends ProfileNode {
  protected async load(): Promise<TreeNode[]> {
    const client = await this.ctx.connections.client("postgres", this.profile);
    const rows = await client.query<{ name: string }>(SCHEMAS_SQL);
    return rows.map((row) => new PgSchemaNode(this, this.ctx, this.profile, row.name));
  }

  protected emptyText(): string {
    return "No schemas this role can use";
  }
}
