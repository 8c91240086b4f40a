// Import from pyproject.toml: `[tool.auto_workflow.connectors.<name>.<profile>]` tables (our own
// format, so no key synonyms and no `${VAR}` substitution: values are used as written).
import { parsePyproject } from "../../connectors/config/layers";
import { asKind, buildProfile, dedupe, type ImportResult, type ImportedProfile } from "./model";

export function parsePyprojectProfiles(text: string, file: string): ImportResult {
  const { connectors } = parsePyproject(text, file);
  const warnings: string[] = [];
  const profiles: ImportedProfile[] = [];
  const unknown: string[] = [];
  for (const [name, byProfile] of Object.entries(connectors)) {
    const kind = asKind(name);
    if (!kind) {
      unknown.push(name);
      continue;
    }
    for (const [profile, values] of Object.entries(byProfile)) {
      profiles.push(buildProfile(kind, profile, values, { source: `${file} [tool.auto_workflow.connectors.${name}.${profile}]` }));
    }
  }
  if (unknown.length) warnings.push(`skipped connectors this extension does not know: ${unknown.join(", ")}`);
  if (Object.keys(connectors).length === 0) warnings.push(`${file} has no [tool.auto_workflow.connectors.<name>.<profile>] tables`);
  return { profiles: dedupe(profiles, warnings), warnings };
}
