// Writes `contributes.configuration` of package.json from the drivers' field declarations, so
// settings.json offers IntelliSense, hover docs and validation for every profile key.
// `node scripts/settings-schema.mjs` checks (exit 1 when package.json is stale); `--write` updates it.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { builtinDrivers, toJsonSchema } = require(path.join(root, "dist", "connectors.js"));

export function settingsConfiguration() {
  const backends = {};
  for (const driver of builtinDrivers) {
    const profile = toJsonSchema(driver.fields);
    profile.properties.driver = { type: "string", description: `Implementation of the ${driver.kind} connector.`, default: driver.driver };
    backends[driver.kind] = {
      type: "object",
      description: `${driver.description} One entry per profile: "<profile>": { …keys }.`,
      additionalProperties: profile,
      default: {},
    };
  }
  return {
    title: "Auto Workflow Connectors",
    properties: {
      "autoWorkflow.connectors": {
        type: "object",
        markdownDescription:
          "Connection profiles by backend and profile name, e.g. `{ \"postgres\": { \"warehouse\": { \"host\": \"db\", \"password\": \"secret://warehouse/password\" } } }`. Put passwords and keys in SecretStorage (command **Auto Workflow: Set Secret…**) and reference them as `secret://scope/key`; `secret://env/NAME` reads an environment variable. Environment variables `AUTO_WORKFLOW_CONNECTORS_<NAME>_<PROFILE>__<KEY>` override these settings.",
        properties: backends,
        additionalProperties: false,
        default: {},
        scope: "resource",
      },
      "autoWorkflow.tree.pageSize": { type: "integer", default: 200, minimum: 10, maximum: 1000, description: "Entries per page in the Connectors view; more appear through “Load more…”." },
      "autoWorkflow.files.confirmOpenAbove": { type: "integer", default: 52428800, minimum: 0, description: "Ask before opening an object larger than this many bytes in an editor." },
      "autoWorkflow.files.presignExpiry": { type: "integer", default: 3600, minimum: 60, maximum: 604800, description: "Lifetime in seconds of copied presigned / SAS URLs." },
      "autoWorkflow.sql.defaultProfile": { type: "string", default: "", description: "Postgres profile used by SQL editors that have none bound (name of a postgres profile)." },
    },
  };
}

const manifestPath = path.join(root, "package.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const wanted = settingsConfiguration();
const current = JSON.stringify(manifest.contributes?.configuration ?? null);
if (process.argv.includes("--write")) {
  manifest.contributes = { ...manifest.contributes, configuration: wanted };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log("package.json: contributes.configuration written");
} else if (current !== JSON.stringify(wanted)) {
  console.error("package.json contributes.configuration is stale: run `node scripts/settings-schema.mjs --write` after `npm run build`");
  process.exit(1);
} else {
  console.log("package.json contributes.configuration is up to date");
}
