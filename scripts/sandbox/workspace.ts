// The sandbox workspace folder: .vscode/settings.json with one connection profile per backend (secrets
// as secret://env/… references; the values are in the environment of the VS Code process), a README,
// a SQL file and a CSV to import. Also a ConfigSource that reads those settings, so the sandbox (and its
// smoke test) resolve the profiles exactly as the extension does from workspace settings.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ConfigSource, type LayerValues } from "../../src/connectors/index";
import { ADLS_CONTAINER, COUNTS, LAKE_EMPTY_DIRS, PAGING_KEYS, PAGING_PREFIX, S3_BUCKET } from "./sample-data";

/** Environment variables holding the secrets that settings.json references. */
export const SECRET_ENV = {
  pgPassword: "AWC_SANDBOX_PG_PASSWORD",
  s3SecretAccessKey: "AWC_SANDBOX_S3_SECRET_ACCESS_KEY",
  azureAccountKey: "AWC_SANDBOX_AZURE_ACCOUNT_KEY",
} as const;

export const PROFILE = "sandbox";
export const HNS_PROFILE = "sandbox-hns";

export interface Endpoints {
  postgres: { host: string; port: number; database: string; user: string };
  s3: { endpointUrl: string; region: string; accessKeyId: string };
  /** Bare Azurite: flat namespace, blob API. */
  adls: { accountName: string; blobEndpoint: string };
  /** Azurite behind the dfs gateway: hierarchical namespace, dfs API (through the gateway as HTTP proxy). */
  adlsHns?: { accountName: string; blobUrl: string; dfsUrl: string; proxyUrl: string };
}

export type Profiles = Record<string, Record<string, Record<string, unknown>>>;

const ref = (name: string): string => `secret://env/${name}`;

/** `autoWorkflow.connectors` of the workspace. */
export function profilesFor(e: Endpoints): Profiles {
  const adls2: Record<string, Record<string, unknown>> = {
    [PROFILE]: {
      accountName: e.adls.accountName,
      blobEndpoint: e.adls.blobEndpoint,
      dfsEndpoint: e.adls.blobEndpoint,
      accountKey: ref(SECRET_ENV.azureAccountKey),
    },
  };
  if (e.adlsHns) {
    adls2[HNS_PROFILE] = {
      accountName: e.adlsHns.accountName,
      blobEndpoint: e.adlsHns.blobUrl,
      dfsEndpoint: e.adlsHns.dfsUrl,
      proxyUrl: e.adlsHns.proxyUrl,
      accountKey: ref(SECRET_ENV.azureAccountKey),
    };
  }
  return {
    postgres: {
      [PROFILE]: {
        host: e.postgres.host,
        port: e.postgres.port,
        database: e.postgres.database,
        user: e.postgres.user,
        password: ref(SECRET_ENV.pgPassword),
        sslmode: "disable",
        applicationName: "awc-sandbox",
      },
    },
    s3: {
      [PROFILE]: {
        endpointUrl: e.s3.endpointUrl,
        region: e.s3.region,
        forcePathStyle: true,
        accessKeyId: e.s3.accessKeyId,
        secretAccessKey: ref(SECRET_ENV.s3SecretAccessKey),
        checksum: "when_required",
      },
    },
    adls2,
  };
}

export const SETTINGS_HEADER =
  "// Written by scripts/sandbox.ts on every `npm start` (the ports change from run to run): edits here are lost.\n" +
  "// The secret://env/… values come from the environment of the VS Code process the sandbox started.\n";

/** Reads a settings.json written by writeWorkspace (its leading // comment lines are dropped). */
export function readSettings(file: string): Record<string, unknown> {
  const text = readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !/^\s*\/\//.test(line))
    .join("\n");
  return JSON.parse(text) as Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A registry layer over an `autoWorkflow.connectors` object, as the extension's workspace-settings layer. */
export function settingsSource(profiles: Profiles, label = "workspace settings"): ConfigSource {
  return {
    layer: "settings.workspace",
    read(name: string, profile: string): LayerValues | undefined {
      const values = profiles[name]?.[profile];
      return isObject(values) ? { layer: "settings.workspace", source: `${label}: autoWorkflow.connectors.${name}.${profile}`, values } : undefined;
    },
    profiles() {
      return Object.entries(profiles).flatMap(([name, byProfile]) => Object.keys(byProfile).map((profile) => ({ name, profile })));
    },
  };
}

export interface WorkspaceInfo {
  dir: string;
  settingsFile: string;
}

/** Writes the workspace folder. settings.json and README.md are rewritten; the sample SQL/CSV only when missing. */
export async function writeWorkspace(dir: string, e: Endpoints): Promise<WorkspaceInfo> {
  await mkdir(path.join(dir, ".vscode"), { recursive: true });
  await mkdir(path.join(dir, "queries"), { recursive: true });
  await mkdir(path.join(dir, "data"), { recursive: true });
  const settings = {
    "autoWorkflow.connectors": profilesFor(e),
    "autoWorkflow.sql.defaultProfile": PROFILE,
  };
  const settingsFile = path.join(dir, ".vscode", "settings.json");
  await writeFile(settingsFile, SETTINGS_HEADER + JSON.stringify(settings, null, 2) + "\n");
  await writeFile(path.join(dir, "README.md"), readme(e));
  const keep = async (file: string, body: string): Promise<void> => {
    if (!existsSync(file)) await writeFile(file, body);
  };
  await keep(path.join(dir, "queries", "example.sql"), EXAMPLE_SQL);
  await keep(path.join(dir, "data", "new-customers.csv"), NEW_CUSTOMERS_CSV);
  return { dir, settingsFile };
}

const EXAMPLE_SQL = `-- Sample queries against the sandbox database (profile postgres.${PROFILE}, the workspace's
-- autoWorkflow.sql.defaultProfile). Schema shop: customers, products, orders, order_items, and the views
-- order_totals and revenue_by_month.

-- Best customers
SELECT c.id, c.name, c.country, count(*) AS orders, sum(t.total) AS spent
FROM shop.customers c
JOIN shop.order_totals t ON t.customer_id = c.id
WHERE t.status <> 'cancelled'
GROUP BY c.id
ORDER BY spent DESC
LIMIT 20;

-- Revenue per month
SELECT * FROM shop.revenue_by_month;

-- Top products per category
SELECT p.category, p.name, sum(i.quantity) AS units
FROM shop.order_items i
JOIN shop.products p ON p.id = i.product_id
GROUP BY p.category, p.name
ORDER BY p.category, units DESC;

-- JSON and arrays: express shipments of VIP customers
SELECT o.id, c.name, o.shipping->>'carrier' AS carrier, o.ordered_at
FROM shop.orders o
JOIN shop.customers c ON c.id = o.customer_id
WHERE (o.shipping->>'express')::boolean AND 'vip' = ANY (c.tags)
ORDER BY o.ordered_at DESC;

-- A big result, to see paging in the results grid
SELECT * FROM shop.order_items ORDER BY order_id, line_no;
`;

const NEW_CUSTOMERS_CSV = `id,name,email,country,signed_up_at,is_active,tags
2001,Hedy Lamarr,hedy@example.com,AT,2024-05-01T10:00:00Z,true,{}
2002,Katherine Johnson,katherine@example.com,US,2024-05-02T11:30:00Z,true,{vip}
2003,Radia Perlman,radia@example.com,US,2024-05-03T09:15:00Z,true,{newsletter}
2004,Sophie Wilson,sophie@example.com,GB,2024-05-04T14:45:00Z,false,{}
2005,Tim Berners-Lee,tim@example.com,GB,2024-05-05T16:20:00Z,true,"{vip,newsletter}"
`;

function readme(e: Endpoints): string {
  const hns = e.adlsHns
    ? `| \`adls2.${HNS_PROFILE}\` | a second Azurite behind the dfs gateway (proxy ${e.adlsHns.proxyUrl}): hierarchical namespace, real directories | container \`${ADLS_CONTAINER}\`: \`bronze/\`, \`silver/\`, \`gold/\` (plus empty ${LAKE_EMPTY_DIRS.map((d) => `\`${d}/\``).join(", ")}) |\n`
    : "";
  return `# Auto Workflow Connectors — sandbox

This folder was written by \`npm start\` (scripts/sandbox.ts). The services below run on 127.0.0.1 while
\`npm start\` runs, and stop (with all their data) when you press Ctrl-C there. Every run starts from the
same sample data.

| profile | service | sample data |
| --- | --- | --- |
| \`postgres.${PROFILE}\` | PostgreSQL on ${e.postgres.host}:${e.postgres.port}, database \`${e.postgres.database}\`, user \`${e.postgres.user}\` | schema \`shop\`: \`customers\` (${COUNTS.customers.toLocaleString("en-US")}), \`products\` (${COUNTS.products}), \`orders\` (${COUNTS.orders.toLocaleString("en-US")}), \`order_items\` (~15,000) with foreign keys; views \`order_totals\`, \`revenue_by_month\` |
| \`s3.${PROFILE}\` | fauxqs (in-memory S3) at ${e.s3.endpointUrl} | bucket \`${S3_BUCKET}\`: \`raw/2024/…\` (CSV, JSONL, logs), \`curated/…\`, and \`${PAGING_PREFIX}\` with ${PAGING_KEYS.toLocaleString("en-US")} small objects (the tree pages through them: "Load more…") |
| \`adls2.${PROFILE}\` | Azurite at ${e.adls.blobEndpoint}: flat namespace (blob API, virtual directories) | container \`${ADLS_CONTAINER}\`: \`bronze/\`, \`silver/\`, \`gold/\` |
${hns}
The profiles are in [.vscode/settings.json](.vscode/settings.json) under \`autoWorkflow.connectors\`. Their
secrets are \`secret://env/…\` references (${Object.values(SECRET_ENV).map((v) => `\`${v}\``).join(", ")}): the
sandbox passes the values in the environment of the VS Code it starts, and writes them to \`env.json\` next to
this folder for other tools.

## Things to try

- Command palette: **Auto Workflow: Test All Connection Profiles** checks all ${e.adlsHns ? 4 : 3} profiles and opens a report.
- **Connectors** view (activity bar): expand the profiles; Test Connection on a profile.
- Open [queries/example.sql](queries/example.sql) and run a statement (profile \`postgres.${PROFILE}\` is the default).
- S3: open \`raw/2024/01/orders.csv\`, download a prefix, upload a file, copy a presigned URL; expand \`${PAGING_PREFIX}\`.
- ADLS: compare \`adls2.${PROFILE}\` (flat) with ${e.adlsHns ? `\`adls2.${HNS_PROFILE}\` (hierarchical: rename a directory, empty directories)` : "a hierarchical account (not started in this run)"}.
- Import [data/new-customers.csv](data/new-customers.csv) into \`shop.customers\`; export a table to CSV.
- **Auto Workflow: Show Log** shows the extension's log (output channel "Auto Workflow Connectors").

## Notes

- The extension is loaded from the repository's \`dist/extension.js\` (built from \`src/\` when the sandbox starts).
  After \`npm run build\` (or with \`npm run watch\` running), run **Developer: Reload Window** to load the new build.
- \`.vscode/settings.json\` and this README are rewritten on every start; \`queries/\` and \`data/\` are only
  created when missing (delete them to get the samples back).
- \`adls2.${HNS_PROFILE}\` reaches its account through the dfs gateway as an HTTP proxy (\`proxyUrl\`); the
  sandbox's user settings set \`"http.proxySupport": "fallback"\` because VS Code's default (\`override\`)
  replaces the extension's proxy agent.
- \`npm start -- --no-open\` starts only the services and prints the environment to use them from elsewhere.
`;
}
