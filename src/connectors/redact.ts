// Redaction: every string that leaves the library (error messages, span attributes, events) passes
// through a Redactor. It removes the secret values a client knows about, plus anything shaped like a
// credential (URL userinfo passwords, password=… pairs, Azure keys/SAS signatures, AWS secrets).

export const MASK = "********";

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // scheme://user:password@host → scheme://user:********@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi, `$1${MASK}$3`],
  // key=value and key: value pairs of well-known secret keys (DSNs, connection strings, JSON)
  [
    /((?:password|passwd|pwd|secret|secretaccesskey|secret_access_key|accountkey|account_key|sharedaccesssignature|sig|token|sessiontoken|session_token|clientsecret|client_secret)["']?\s*[=:](?!\/\/)\s*["']?)([^\s"';&,}]+)/gi,
    `$1${MASK}`,
  ],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Remember a secret value; values shorter than 4 characters are ignored (too likely to be ordinary text). */
  add(secret: string | undefined): void {
    if (typeof secret !== "string" || secret.length < 4) return;
    this.secrets.add(secret);
    // Secrets also travel URL-encoded (inside DSNs) — remove that form too.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.secrets.add(encoded);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(s).join(MASK);
    }
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /** Redact every string inside a plain value (attributes, event payloads). */
  redactValue<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.redactValue(v)) as T;
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = this.redactValue(v);
      return out as T;
    }
    return value;
  }

  /** A child that knows this redactor's secrets plus more. */
  with(secrets: Iterable<string | undefined>): Redactor {
    const child = new Redactor(this.secrets);
    for (const s of secrets) child.add(s);
    return child;
  }
}

/** Pattern-only redaction, for text produced before any client exists. */
export const baseRedactor = new Redactor();
