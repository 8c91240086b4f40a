// Import from an aetherflow-style resources file:
//   resources:
//     warehouse:                     # or a list of { name: warehouse, … }
//       kind: postgres               # postgres|postgresql, s3, adls2|adls|azure_datalake
//       driver: pg                   # optional
//       profile: warehouse           # optional: the resource name (or "default" without one)
//       config: { host: …, password: ${PG_PASSWORD} }
//       options: { pool: { max: 5 }, retry: { attempts: 3 }, connect_timeout: 5s }
// `options` is merged into `config` (config wins). `${VAR}` / `${VAR:-default}` are substituted.
import { isPlainObject, keyToken } from "../../connectors/config/schema";
import { buildProfile, dedupe, deepMerge, type ImportKind, type ImportResult, type ImportedProfile } from "./model";
import { readYaml } from "./yaml";

const KINDS: Record<string, ImportKind> = {
  postgres: "postgres",
  postgresql: "postgres",
  pg: "postgres",
  s3: "s3",
  awss3: "s3",
  adls2: "adls2",
  adls: "adls2",
  adlsgen2: "adls2",
  azuredatalake: "adls2",
  azuredatalakegen2: "adls2",
};

export function parseAetherflowResources(text: string, file: string, env: NodeJS.ProcessEnv): ImportResult {
  const doc = readYaml(text, file);
  const warnings: string[] = [];
  const resources = isPlainObject(doc) ? doc["resources"] : undefined;
  const entries: Array<[string | undefined, unknown, string]> = [];
  if (Array.isArray(resources)) {
    resources.forEach((r, i) => {
      const name = isPlainObject(r) && typeof r["name"] === "string" ? r["name"] : undefined;
      entries.push([name, r, name ? `resources[${i}] name=${name}` : `resources[${i}]`]);
    });
  } else if (isPlainObject(resources)) {
    for (const [name, r] of Object.entries(resources)) entries.push([name, r, `resources.${name}`]);
  } else {
    return { profiles: [], warnings: [`${file} has no top-level "resources" map or list`] };
  }
  const base = file.split(/[\\/]/).pop() ?? file;
  const profiles: ImportedProfile[] = [];
  const unknown = new Set<string>();
  for (const [name, resource, where] of entries) {
    if (!isPlainObject(resource)) {
      warnings.push(`${where} is not a map; skipped`);
      continue;
    }
    const kindText = typeof resource["kind"] === "string" ? resource["kind"] : typeof resource["type"] === "string" ? resource["type"] : "";
    const kind = KINDS[keyToken(kindText)];
    if (!kind) {
      unknown.add(kindText || "(none)");
      continue;
    }
    const profile = typeof resource["profile"] === "string" && resource["profile"] ? resource["profile"] : (name ?? "default");
    const config = isPlainObject(resource["config"]) ? resource["config"] : {};
    const options = isPlainObject(resource["options"]) ? resource["options"] : {};
    if (resource["config"] !== undefined && !isPlainObject(resource["config"])) warnings.push(`${where}.config is not a map; ignored`);
    if (resource["options"] !== undefined && !isPlainObject(resource["options"])) warnings.push(`${where}.options is not a map; ignored`);
    const values = deepMerge(options, config);
    if (typeof resource["driver"] === "string" && resource["driver"]) values["driver"] = resource["driver"];
    profiles.push(buildProfile(kind, profile, values, { source: `${base} (${where})`, env, synonyms: true }));
  }
  if (unknown.size) warnings.push(`skipped resources of kinds without a matching connector: ${[...unknown].join(", ")}`);
  return { profiles: dedupe(profiles, warnings), warnings };
}
