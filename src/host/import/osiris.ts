// Import from Osiris' `osiris_connections.yaml`:
//   version: 1
//   connections:
//     <family>:            # mysql, postgres/postgresql, supabase, s3, azure/adls, …
//       <alias>:
//         host: …          # plus port, database, user/username, password, schema, sslmode, url/dsn,
//         default: true    #   bucket, region, endpoint, access keys, account_name, account_key, …
// Values may hold `${VAR}` or `${VAR:-default}`, substituted from the given environment.
import { isPlainObject, keyToken } from "../../connectors/config/schema";
import { buildProfile, dedupe, type ImportKind, type ImportResult, type ImportedProfile } from "./model";
import { readYaml } from "./yaml";

/** Osiris connector families → our kinds. */
const FAMILIES: Record<string, ImportKind> = {
  postgres: "postgres",
  postgresql: "postgres",
  pg: "postgres",
  supabase: "postgres",
  redshift: "postgres",
  s3: "s3",
  awss3: "s3",
  minio: "s3",
  azure: "adls2",
  adls: "adls2",
  adls2: "adls2",
  adlsgen2: "adls2",
  azuredatalake: "adls2",
  azureblob: "adls2",
  azurestorage: "adls2",
};

const POSTGRES_URL = /^postgres(?:ql)?(?:\+[a-z0-9_]+)?:\/\//i;

/** Osiris-only keys that never become profile keys. */
const DROPPED = new Set(["default", "description", "type", "family", "alias"]);

function osirisValues(kind: ImportKind, raw: Record<string, unknown>, warnings: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const token = keyToken(key);
    if (DROPPED.has(token)) continue;
    if (kind === "postgres") {
      if (token === "schema" || token === "searchpath") {
        warnings.push(`"${key}" has no equivalent (qualify names in SQL or set search_path on the role); left out`);
        continue;
      }
      if ((token === "url" || token === "dsn" || token === "uri" || token === "connectionstring") && typeof value === "string") {
        // SQLAlchemy-style postgresql+psycopg2:// → postgresql://; anything else (Supabase's https API URL) is no DSN.
        if (!POSTGRES_URL.test(value.trim()) && !value.trim().startsWith("${")) {
          warnings.push(`"${key}" is not a PostgreSQL connection URI; left out`);
          continue;
        }
        out[key] = value.trim().replace(/^postgres(?:ql)?\+[a-z0-9_]+:\/\//i, "postgresql://");
        continue;
      }
      if (token === "ssl" && typeof value === "boolean") {
        out["sslmode"] ??= value ? "require" : "disable";
        continue;
      }
      if (token === "connecttimeout" && (typeof value === "number" || /^\s*\d+(\.\d+)?\s*$/.test(String(value)))) {
        // Osiris (like libpq) counts seconds; a bare number is milliseconds for us.
        out["connectTimeout"] = `${String(value).trim()}s`;
        continue;
      }
    }
    out[key] = value;
  }
  return out;
}

export function parseOsirisConnections(text: string, file: string, env: NodeJS.ProcessEnv): ImportResult {
  const doc = readYaml(text, file);
  const warnings: string[] = [];
  if (!isPlainObject(doc)) return { profiles: [], warnings: [`${file} holds no connections`] };
  // `connections:` normally; early files put the families at the top level.
  const families = isPlainObject(doc["connections"]) ? doc["connections"] : Object.fromEntries(Object.entries(doc).filter(([k, v]) => k !== "version" && isPlainObject(v)));
  const profiles: ImportedProfile[] = [];
  const skipped: string[] = [];
  const taken = new Set<string>();
  const base = file.split(/[\\/]/).pop() ?? file;
  for (const [family, aliases] of Object.entries(families)) {
    const kind = FAMILIES[keyToken(family)];
    if (!kind) {
      skipped.push(family);
      continue;
    }
    if (!isPlainObject(aliases)) {
      warnings.push(`connections.${family} is not a map of aliases; skipped`);
      continue;
    }
    for (const [alias, raw] of Object.entries(aliases)) {
      if (!isPlainObject(raw)) {
        warnings.push(`connections.${family}.${alias} is not a map; skipped`);
        continue;
      }
      const own: string[] = [];
      // Two families that both map to postgres (postgres and supabase) may share an alias.
      let profile = alias;
      if (taken.has(`${kind}.${profile}`)) {
        profile = `${family}-${alias}`;
        own.push(`connections.${family}.${alias} is imported as ${kind}.${profile} (${kind}.${alias} comes from another family)`);
      }
      taken.add(`${kind}.${profile}`);
      const values = osirisValues(kind, raw, own);
      profiles.push(buildProfile(kind, profile, values, { source: `${base} (connections.${family}.${alias})`, env, synonyms: true, warnings: own }));
    }
  }
  if (skipped.length) warnings.push(`skipped connection families without a matching connector: ${skipped.join(", ")}`);
  return { profiles: dedupe(profiles, warnings), warnings };
}
