// `secret://env/NAME` reads the environment; any other `secret://scope/key` goes to a pluggable
// resolver (the VS Code host plugs SecretStorage in). References may stand alone or inside a string
// such as a DSN (`postgresql://u:secret://env/PG_PW@h/db`), where the value is URL-encoded.

export interface SecretReference {
  raw: string;
  scope: string;
  key: string;
}

/** Resolve a non-env secret reference; undefined when it has no value. */
export type SecretResolver = (ref: SecretReference) => Promise<string | undefined> | string | undefined;

const REFERENCE = /secret:\/\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*)/g;
const WHOLE = /^secret:\/\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.\-/]+)$/;

export function parseSecretReference(text: string): SecretReference | undefined {
  const m = WHOLE.exec(text.trim());
  return m ? { raw: text.trim(), scope: m[1]!, key: m[2]! } : undefined;
}

export function containsSecretReference(text: string): boolean {
  return text.includes("secret://");
}

/** References embedded in a longer string stop at `/`, since DSNs continue with `@host/db`. */
export function findEmbeddedReferences(text: string): SecretReference[] {
  const whole = parseSecretReference(text);
  if (whole) return [whole];
  const refs: SecretReference[] = [];
  for (const m of text.matchAll(new RegExp(REFERENCE.source.replace("(?:\\/[A-Za-z0-9_.-]+)*", ""), "g"))) {
    refs.push({ raw: m[0], scope: m[1]!, key: m[2]! });
  }
  return refs;
}

export async function resolveReference(ref: SecretReference, env: NodeJS.ProcessEnv, resolver: SecretResolver | undefined): Promise<string | undefined> {
  if (ref.scope === "env") return env[ref.key];
  return resolver ? await resolver(ref) : undefined;
}
