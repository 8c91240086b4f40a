// Which importer reads a file: by name first (pyproject.toml, osiris_connections.yaml), else by content.
import { parseAetherflowResources } from "./aetherflow";
import type { ImportResult } from "./model";
import { parseOsirisConnections } from "./osiris";
import { parsePyprojectProfiles } from "./pyproject";

export type ImportFormat = "pyproject" | "osiris" | "aetherflow";

export const FORMAT_LABELS: Record<ImportFormat, string> = {
  pyproject: "pyproject.toml [tool.auto_workflow.connectors]",
  osiris: "Osiris connections",
  aetherflow: "aetherflow resources",
};

/** The glob of files the import command offers. */
export const IMPORT_GLOB = "{**/pyproject.toml,**/osiris_connections.yaml,**/osiris_connections.yml,**/*resources*.yaml,**/*resources*.yml}";
export const IMPORT_EXCLUDE = "**/{node_modules,.git,.venv,venv,.tox,dist,out}/**";

export function detectFormat(file: string, text?: string): ImportFormat | undefined {
  const base = (file.split(/[\\/]/).pop() ?? file).toLowerCase();
  if (base.endsWith(".toml")) return "pyproject";
  if (/^osiris_connections\.ya?ml$/.test(base)) return "osiris";
  if (!/\.ya?ml$/.test(base)) return undefined;
  if (text !== undefined) {
    if (/^resources\s*:/m.test(text)) return "aetherflow";
    if (/^connections\s*:/m.test(text)) return "osiris";
  }
  if (base.includes("resources")) return "aetherflow";
  return undefined;
}

export function parseImportFile(text: string, file: string, env: NodeJS.ProcessEnv, format = detectFormat(file, text)): ImportResult & { format: ImportFormat } {
  switch (format) {
    case "pyproject":
      return { format, ...parsePyprojectProfiles(text, file) };
    case "osiris":
      return { format, ...parseOsirisConnections(text, file, env) };
    case "aetherflow":
      return { format, ...parseAetherflowResources(text, file, env) };
    default:
      throw new Error(`${file}: not a pyproject.toml, an osiris_connections.yaml or a resources file (no top-level "connections" or "resources")`);
  }
}
