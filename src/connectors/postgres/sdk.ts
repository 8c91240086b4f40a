// The node-postgres packages, in one module: the extension bundles it as a separate file that loads
// only when a Postgres client is first created (activation stays cheap).
import pg from "pg";
import Cursor from "pg-cursor";
import { from as copyFromStream, to as copyToStream } from "pg-copy-streams";

export { pg, Cursor, copyFromStream, copyToStream };
