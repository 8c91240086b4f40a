// YAML reading shared by the importers (the `yaml` package, YAML 1.2 core schema). The parser loads on
// the first import, not at activation (the extension bundle keeps it in a file of its own).
import type * as Yaml from "yaml";

let yaml: typeof Yaml | undefined;

function parser(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose: see above
  yaml ??= require("yaml") as typeof Yaml;
  return yaml;
}

/** Parse YAML text; a syntax error becomes an Error naming the file and the first problem line. */
export function readYaml(text: string, file: string): unknown {
  try {
    return parser().parse(text, { prettyErrors: true, uniqueKeys: false });
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}
