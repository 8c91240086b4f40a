// YAML reading shared by the importers (the `yaml` package, YAML 1.2 core schema).
import { parse } from "yaml";

/** Parse YAML text; a syntax error becomes an Error naming the file and the first problem line. */
export function readYaml(text: string, file: string): unknown {
  try {
    return parse(text, { prettyErrors: true, uniqueKeys: false });
  } catch (error) {
    throw new Error(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}
