// The importers: pyproject.toml, Osiris' osiris_connections.yaml and aetherflow resources files become
// profiles whose values are safe for settings, with every plaintext secret (a DSN's password included)
// split off for SecretStorage.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinDrivers, createRegistry } from "../../src/connectors/index";
import type { ConfigSource } from "../../src/connectors/config/layers";
import { parseAetherflowResources } from "../../src/host/import/aetherflow";
import { detectFormat, parseImportFile } from "../../src/host/import/formats";
import { buildProfile, describeImported, fieldsOf, IMPORT_KINDS, settingsValues, substituteEnv, urlPassword, type ImportedProfile } from "../../src/host/import/model";
import { parseOsirisConnections } from "../../src/host/import/osiris";
import { parsePyprojectProfiles } from "../../src/host/import/pyproject";
import { captureDriver, pgConfigOf } from "./helpers";

const find = (profiles: ImportedProfile[], id: string): ImportedProfile => {
  const p = profiles.find((x) => `${x.name}.${x.profile}` === id);
  assert.ok(p, `${id} not among ${profiles.map((x) => `${x.name}.${x.profile}`).join(", ")}`);
  return p;
};

/** No secret value may appear anywhere in what goes to settings, nor in any warning. */
function assertNoLeak(profiles: ImportedProfile[], warnings: string[], secrets: string[]): void {
  const visible = JSON.stringify([profiles.map(settingsValues), profiles.map((p) => p.values), warnings, profiles.map((p) => p.warnings)]);
  for (const s of secrets) assert.ok(!visible.includes(s), `secret ${s} leaked into settings values or warnings`);
}

const OSIRIS = `# Osiris connections (ADR-0020): secrets come from the environment
version: 1
connections:
  mysql:
    db_movies:
      host: mysql.internal
      port: 3306
      database: movies
      user: \${MYSQL_USER:-osiris}
      password: \${MYSQL_PASSWORD}
      default: true
  postgres:
    warehouse:
      default: true
      host: \${PG_HOST:-pg.internal}
      port: 5432
      database: analytics
      username: etl
      password: \${PG_PASSWORD}
      schema: public
      sslmode: verify-full
      connect_timeout: 15
    reporting:
      url: postgresql+psycopg2://report:s%40cr%2Ft@pg.internal:5432/reports?sslmode=require
  supabase:
    main:
      url: https://abcd.supabase.co
      service_role_key: \${SUPABASE_SERVICE_ROLE_KEY}
      dsn: postgresql://postgres.abcd:\${SUPABASE_DB_PASSWORD}@aws-0-eu.pooler.supabase.com:6543/postgres
    warehouse:
      host: db.abcd.supabase.co
      password: \${SUPABASE_PW:-}
  s3:
    lake:
      bucket: raw-events
      region: \${AWS_REGION:-eu-west-1}
      endpoint_url: http://minio.internal:9000
      aws_access_key_id: AKIAEXAMPLE
      aws_secret_access_key: \${AWS_SECRET_ACCESS_KEY}
  azure:
    datalake:
      account_name: contosolake
      account_key: \${AZURE_STORAGE_KEY}
      container: landing
    sas_only:
      account_name: contosolake
      sas_token: "?sv=2024-01-01&sig=abc%2Bdef"
  duckdb:
    local:
      path: ./local.duckdb
  filesystem:
    out:
      base_dir: ./output
`;

const OSIRIS_ENV = {
  PG_PASSWORD: "pg-Pa55:w/rd@1",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG",
  AZURE_STORAGE_KEY: "a2V5a2V5a2V5==",
  SUPABASE_DB_PASSWORD: "sb/pw@x",
  MYSQL_PASSWORD: "never-imported",
};

describe("${VAR} substitution", () => {
  it("substitutes set variables and applies defaults", () => {
    const env = { A: "a", EMPTY: "" };
    assert.equal(substituteEnv("x-${A}-y", env), "x-a-y");
    assert.equal(substituteEnv("${B:-fallback}", env), "fallback");
    assert.equal(substituteEnv("${EMPTY:-fallback}", env), "fallback");
    assert.equal(substituteEnv("${EMPTY-fallback}", env), "");
    assert.equal(substituteEnv("${B-fallback}", env), "fallback");
    assert.equal(substituteEnv("$A and $${A}", env), "$A and $a");
  });

  it("finds the password part of a URL", () => {
    assert.deepEqual(urlPassword("postgresql://u:p%40ss@h/db"), { start: 15, end: 21, raw: "p%40ss", password: "p@ss" });
    assert.equal(urlPassword("postgresql://u@h/db"), undefined);
    assert.equal(urlPassword("https://abcd.supabase.co"), undefined);
  });
});

describe("Osiris osiris_connections.yaml", () => {
  const result = parseOsirisConnections(OSIRIS, "/ws/config/osiris_connections.yaml", OSIRIS_ENV);

  it("maps families onto our kinds and warns about the others", () => {
    assert.deepEqual(result.profiles.map((p) => `${p.name}.${p.profile}`).sort(), [
      "adls2.datalake",
      "adls2.sas_only",
      "postgres.main",
      "postgres.reporting",
      "postgres.supabase-warehouse",
      "postgres.warehouse",
      "s3.lake",
    ]);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /without a matching connector: mysql, duckdb, filesystem/);
    const renamed = find(result.profiles, "postgres.supabase-warehouse");
    assert.ok(renamed.warnings.some((w) => /imported as postgres\.supabase-warehouse/.test(w)));
  });

  it("substitutes variables, renames keys and extracts the password", () => {
    const wh = find(result.profiles, "postgres.warehouse");
    assert.deepEqual(wh.values, { host: "pg.internal", port: 5432, database: "analytics", user: "etl", sslmode: "verify-full", connectTimeout: "15s" });
    assert.deepEqual(wh.secrets, { password: OSIRIS_ENV.PG_PASSWORD });
    assert.deepEqual(settingsValues(wh), { ...wh.values, password: "secret://postgres.warehouse/password" });
    assert.ok(wh.warnings.some((w) => /"schema" has no equivalent/.test(w)));
    assert.equal(wh.source, "osiris_connections.yaml (connections.postgres.warehouse)");
    assert.equal(describeImported(wh, "config/osiris_connections.yaml").description, "from config/osiris_connections.yaml — 1 secret");
  });

  it("strips a DSN's password (decoded) and references it from the DSN", () => {
    const rep = find(result.profiles, "postgres.reporting");
    assert.deepEqual(rep.secrets, { password: "s@cr/t" });
    assert.equal(rep.values["dsn"], "postgresql://report:secret://postgres.reporting/password@pg.internal:5432/reports?sslmode=require");
    // The DSN refers to the secret already: no separate password key.
    assert.deepEqual(settingsValues(rep), rep.values);
  });

  it("takes a variable standing for a DSN's password verbatim, and drops Supabase's API URL and keys", () => {
    const main = find(result.profiles, "postgres.main");
    assert.deepEqual(main.secrets, { password: OSIRIS_ENV.SUPABASE_DB_PASSWORD });
    assert.equal(main.values["dsn"], "postgresql://postgres.abcd:secret://postgres.main/password@aws-0-eu.pooler.supabase.com:6543/postgres");
    assert.ok(main.warnings.some((w) => /"url" is not a PostgreSQL connection URI/.test(w)));
    assert.ok(main.warnings.some((w) => /"service_role_key" has no equivalent/.test(w)));
  });

  it("cloud keys: s3 and azure", () => {
    const lake = find(result.profiles, "s3.lake");
    assert.deepEqual(lake.values, { bucket: "raw-events", region: "eu-west-1", endpointUrl: "http://minio.internal:9000", accessKeyId: "AKIAEXAMPLE" });
    assert.deepEqual(lake.secrets, { secretAccessKey: OSIRIS_ENV.AWS_SECRET_ACCESS_KEY });
    const dl = find(result.profiles, "adls2.datalake");
    assert.deepEqual(dl.values, { accountName: "contosolake", container: "landing" });
    assert.deepEqual(dl.secrets, { accountKey: OSIRIS_ENV.AZURE_STORAGE_KEY });
    assert.deepEqual(find(result.profiles, "adls2.sas_only").secrets, { sasToken: "?sv=2024-01-01&sig=abc%2Bdef" });
  });

  it("an empty default leaves the secret out with a warning", () => {
    const sw = find(result.profiles, "postgres.supabase-warehouse");
    assert.deepEqual(sw.secrets, {});
    assert.deepEqual(sw.values, { host: "db.abcd.supabase.co" });
    assert.ok(sw.warnings.some((w) => /"password" is empty/.test(w)));
  });

  it("never puts a secret into values or warnings", () => {
    assertNoLeak(result.profiles, result.warnings, [OSIRIS_ENV.PG_PASSWORD, OSIRIS_ENV.AWS_SECRET_ACCESS_KEY, OSIRIS_ENV.AZURE_STORAGE_KEY, OSIRIS_ENV.SUPABASE_DB_PASSWORD, "s%40cr%2Ft", "s@cr/t", OSIRIS_ENV.MYSQL_PASSWORD]);
  });

  it("unset variables: secrets become secret://env references, other keys are left out, with warnings", () => {
    const r = parseOsirisConnections(OSIRIS, "osiris_connections.yaml", {});
    const wh = find(r.profiles, "postgres.warehouse");
    assert.deepEqual(wh.secrets, {});
    assert.equal(wh.values["password"], "secret://env/PG_PASSWORD");
    assert.equal(wh.values["host"], "pg.internal");
    assert.ok(wh.warnings.some((w) => w.includes("${PG_PASSWORD} is not set here") && w.includes("secret://env/PG_PASSWORD")));
    const main = find(r.profiles, "postgres.main");
    assert.equal(main.values["dsn"], "postgresql://postgres.abcd:secret://env/SUPABASE_DB_PASSWORD@aws-0-eu.pooler.supabase.com:6543/postgres");
    assert.deepEqual(settingsValues(find(r.profiles, "s3.lake"))["secretAccessKey"], "secret://env/AWS_SECRET_ACCESS_KEY");
  });

  it("accepts families at the top level (no connections: key) and keeps existing references", () => {
    const r = parseOsirisConnections(
      `postgresql:\n  default:\n    host: h\n    password: secret://vault.pg/pw\n    dsn: "postgresql://u:secret://env/PW@h/db"\n`,
      "osiris_connections.yaml",
      {},
    );
    const p = find(r.profiles, "postgres.default");
    assert.deepEqual(p.secrets, {});
    assert.deepEqual(p.values, { host: "h", password: "secret://vault.pg/pw", dsn: "postgresql://u:secret://env/PW@h/db" });
  });

  it("reports invalid YAML without echoing its content", () => {
    assert.throws(() => parseOsirisConnections("connections:\n  postgres: [\n    password: hunter2", "osiris_connections.yaml", {}), (e: Error) => {
      assert.match(e.message, /osiris_connections\.yaml is not valid YAML/);
      assert.ok(!e.message.includes("hunter2"));
      return true;
    });
  });
});

const RESOURCES = `# aetherflow resources
resources:
  warehouse:
    kind: postgresql
    driver: pg
    config:
      host: pg.internal
      database: dw
      user: loader
      password: \${DW_PASSWORD:-local-dev-pw}
      sslmode: require
    options:
      pool: { min: 0, max: 8 }
      retry:
        attempts: 5
      connect_timeout: 5s
      statement_timeout: 2m
  raw:
    kind: s3
    profile: landing
    config:
      bucket: landing-zone
      access_key_id: AKIAEXAMPLE
      secret_access_key: \${LANDING_SECRET}
      force_path_style: true
    options:
      timeouts: { connect: 3s, read: 30s }
      transfer: { part_size: 16MiB, concurrency: 4 }
  lakehouse:
    kind: azure_datalake
    config:
      account_name: contoso
      client_secret: \${AZ_CLIENT_SECRET}
      tenant_id: 0000-tenant
      client_id: 1111-client
      connection_string: DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=\${AZ_KEY};EndpointSuffix=core.windows.net
  queue:
    kind: kafka
    config: { brokers: k:9092 }
`;

describe("aetherflow resources", () => {
  const env = { LANDING_SECRET: "landing/secret+key", AZ_CLIENT_SECRET: "cs~secret", AZ_KEY: "YWNjb3VudGtleQ==" };
  const result = parseAetherflowResources(RESOURCES, "/ws/deploy/resources.yaml", env);

  it("reads a map of resources, merges options into config, and skips unknown kinds", () => {
    assert.deepEqual(result.profiles.map((p) => `${p.name}.${p.profile}`), ["postgres.warehouse", "s3.landing", "adls2.lakehouse"]);
    assert.match(result.warnings.join("\n"), /kinds without a matching connector: kafka/);
    const wh = find(result.profiles, "postgres.warehouse");
    assert.deepEqual(wh.values, {
      pool: { min: 0, max: 8 },
      retry: { attempts: 5 },
      connectTimeout: "5s",
      statementTimeout: "2m",
      host: "pg.internal",
      database: "dw",
      user: "loader",
      sslmode: "require",
      driver: "pg",
    });
    assert.deepEqual(wh.secrets, { password: "local-dev-pw" });
  });

  it("profile: overrides the resource name; nested option keys are canonicalised", () => {
    const s3 = find(result.profiles, "s3.landing");
    assert.deepEqual(s3.values, { timeouts: { connect: "3s", read: "30s" }, transfer: { partSize: "16MiB", concurrency: 4 }, bucket: "landing-zone", accessKeyId: "AKIAEXAMPLE", forcePathStyle: true });
    assert.deepEqual(s3.secrets, { secretAccessKey: env.LANDING_SECRET });
    const adls = find(result.profiles, "adls2.lakehouse");
    assert.deepEqual(adls.secrets, { clientSecret: env.AZ_CLIENT_SECRET, connectionString: `DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=${env.AZ_KEY};EndpointSuffix=core.windows.net` });
    assert.deepEqual(settingsValues(adls), {
      accountName: "contoso",
      tenantId: "0000-tenant",
      clientId: "1111-client",
      clientSecret: "secret://adls2.lakehouse/clientSecret",
      connectionString: "secret://adls2.lakehouse/connectionString",
    });
    assertNoLeak(result.profiles, result.warnings, Object.values(env));
  });

  it("reads a list of resources with name:, defaulting the profile", () => {
    const r = parseAetherflowResources(
      `resources:\n  - name: events\n    kind: s3\n    config: { bucket: ev }\n  - kind: postgres\n    config: { dsn: "postgresql://app:pw@db/app" }\n  - name: events\n    kind: s3\n    config: { bucket: other }\n`,
      "resources.yml",
      {},
    );
    assert.deepEqual(r.profiles.map((p) => `${p.name}.${p.profile}`), ["s3.events", "postgres.default"]);
    assert.match(r.warnings.join("\n"), /s3\.events is defined more than once/);
    const pg = find(r.profiles, "postgres.default");
    assert.deepEqual(pg.secrets, { password: "pw" });
    assert.equal(pg.values["dsn"], "postgresql://app:secret://postgres.default/password@db/app");
  });

  it("complains about a file without resources", () => {
    assert.match(parseAetherflowResources("steps: []\n", "x-resources.yaml", {}).warnings[0]!, /no top-level "resources"/);
  });
});

describe("pyproject.toml", () => {
  const PYPROJECT = `[project]
name = "pipelines"

[tool.auto_workflow.connectors.postgres.warehouse]
host = "pg.internal"
port = 5432
user = "etl"
password = "plain-pw"
dsn = "postgresql://etl:other-pw@pg.internal/dw"
statement_timeout = "45s"

[tool.auto_workflow.connectors.postgres.ci]
dsn = "postgresql://ci:secret://env/CI_PW@localhost/ci"
pool = { max = 2 }

[tool.auto_workflow.connectors.s3.archive]
region = "us-east-2"
secret_access_key = "\${NOT_SUBSTITUTED}"

[tool.auto_workflow.connectors.mongo.x]
uri = "mongodb://m"
`;
  const result = parsePyprojectProfiles(PYPROJECT, "/ws/pyproject.toml");

  it("reads our own tables, canonicalises keys and splits secrets", () => {
    assert.deepEqual(result.profiles.map((p) => `${p.name}.${p.profile}`), ["postgres.warehouse", "postgres.ci", "s3.archive"]);
    assert.match(result.warnings.join("\n"), /does not know: mongo/);
    const wh = find(result.profiles, "postgres.warehouse");
    // An explicit password and a different one in the DSN: both kept, under different keys.
    assert.deepEqual(wh.secrets, { password: "plain-pw", dsnPassword: "other-pw" });
    assert.deepEqual(settingsValues(wh), {
      host: "pg.internal",
      port: 5432,
      user: "etl",
      dsn: "postgresql://etl:secret://postgres.warehouse/dsnPassword@pg.internal/dw",
      statementTimeout: "45s",
      password: "secret://postgres.warehouse/password",
    });
    assert.deepEqual(find(result.profiles, "postgres.ci").values, { dsn: "postgresql://ci:secret://env/CI_PW@localhost/ci", pool: { max: 2 } });
    // Our own format is used literally: no ${VAR} substitution.
    assert.deepEqual(find(result.profiles, "s3.archive").secrets, { secretAccessKey: "${NOT_SUBSTITUTED}" });
    assert.match(find(result.profiles, "postgres.warehouse").source, /pyproject\.toml \[tool\.auto_workflow\.connectors\.postgres\.warehouse\]/);
  });
});

describe("format detection", () => {
  it("by name, then by content", () => {
    assert.equal(detectFormat("/a/pyproject.toml"), "pyproject");
    assert.equal(detectFormat("/a/osiris_connections.yml"), "osiris");
    assert.equal(detectFormat("/a/prod-resources.yaml"), "aetherflow");
    assert.equal(detectFormat("/a/conns.yaml", "version: 1\nconnections:\n  s3: {}\n"), "osiris");
    assert.equal(detectFormat("/a/conns.yaml", "resources:\n  x: {}\n"), "aetherflow");
    assert.equal(detectFormat("/a/notes.yaml", "a: 1\n"), undefined);
    assert.throws(() => parseImportFile("a: 1\n", "/a/notes.yaml", {}), /not a pyproject\.toml/);
  });
});

describe("imported profiles resolve through the registry", () => {
  it("settings values plus the stored secrets give the original connection", async () => {
    const { profiles } = parseOsirisConnections(OSIRIS, "osiris_connections.yaml", OSIRIS_ENV);
    const rep = find(profiles, "postgres.reporting");
    const stored = new Map(Object.entries(rep.secrets).map(([k, v]) => [`postgres.reporting/${k}`, v]));
    const source: ConfigSource = { layer: "settings.user", read: (name, profile) => (name === "postgres" && profile === "reporting" ? { layer: "settings.user", source: "test", values: settingsValues(rep) } : undefined) };
    const capture = captureDriver();
    const registry = createRegistry({ env: {}, sources: [source], drivers: [capture], secrets: (ref) => stored.get(`${ref.scope}/${ref.key}`) });
    const view = await registry.resolveConfig("postgres", "reporting", { driver: "capture" });
    assert.deepEqual(view.warnings, []);
    await registry.get("postgres", "reporting", { driver: "capture" });
    const config = pgConfigOf(capture.created[0]!);
    assert.equal(config.dsn, "postgresql://report:s%40cr%2Ft@pg.internal:5432/reports?sslmode=require");
  });

  it("uses the built-in drivers' field declarations", () => {
    assert.deepEqual([...IMPORT_KINDS].sort(), builtinDrivers.map((d) => d.kind).sort());
    for (const d of builtinDrivers) assert.equal(fieldsOf(d.kind as (typeof IMPORT_KINDS)[number]), d.fields, d.kind);
  });

  it("buildProfile leaves unknown keys out with a warning", () => {
    const p = buildProfile("postgres", "x", { host: "h", colour: "blue" }, { source: "t" });
    assert.deepEqual(p.values, { host: "h" });
    assert.deepEqual(p.warnings, ['"colour" has no equivalent in postgres profiles; left out']);
  });
});
