// A small, tolerant JSON-with-comments parser that keeps offsets, enough to locate values in a
// settings.json that is being edited: comments and trailing commas are accepted, and at the first
// syntax error the tree built so far is returned (containers end where the error is).

export type JsonNode =
  | { type: "object"; offset: number; length: number; properties: JsonProperty[] }
  | { type: "array"; offset: number; length: number; items: JsonNode[] }
  | { type: "string"; offset: number; length: number; value: string; /** the literal's content equals `value` (no escapes) */ verbatim: boolean }
  | { type: "number" | "boolean" | "null"; offset: number; length: number };

export interface JsonProperty {
  key: string;
  keyOffset: number;
  value: JsonNode | undefined;
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class Parser {
  pos = 0;
  failed = false;
  constructor(private readonly text: string) {}

  skipTrivia(): void {
    const t = this.text;
    for (;;) {
      const c = t[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\ufeff") this.pos++;
      else if (c === "/" && t[this.pos + 1] === "/") {
        const end = t.indexOf("\n", this.pos);
        this.pos = end < 0 ? t.length : end + 1;
      } else if (c === "/" && t[this.pos + 1] === "*") {
        const end = t.indexOf("*/", this.pos + 2);
        this.pos = end < 0 ? t.length : end + 2;
      } else return;
    }
  }

  value(): JsonNode | undefined {
    this.skipTrivia();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    const start = this.pos;
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(start, start + 64));
    if (!literal) {
      this.failed = true;
      return undefined;
    }
    this.pos += literal[0].length;
    const type = literal[0] === "true" || literal[0] === "false" ? "boolean" : literal[0] === "null" ? "null" : "number";
    return { type, offset: start, length: literal[0].length };
  }

  string(): (JsonNode & { type: "string" }) | undefined {
    const start = this.pos;
    const t = this.text;
    let value = "";
    let verbatim = true;
    this.pos++;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === '"') {
        this.pos++;
        return { type: "string", offset: start, length: this.pos - start, value, verbatim };
      }
      if (c === "\n" || c === "\r") break;
      if (c === "\\") {
        verbatim = false;
        const e = t[this.pos + 1];
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) {
          value += String.fromCharCode(parseInt(t.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
          continue;
        }
        if (e !== undefined && e in ESCAPES) {
          value += ESCAPES[e];
          this.pos += 2;
          continue;
        }
        break;
      }
      value += c;
      this.pos++;
    }
    this.failed = true;
    return undefined;
  }

  object(): JsonNode {
    const start = this.pos;
    const properties: JsonProperty[] = [];
    this.pos++;
    for (;;) {
      this.skipTrivia();
      const c = this.text[this.pos];
      if (c === "}") {
        this.pos++;
        break;
      }
      if (c !== '"') {
        this.failed = true;
        break;
      }
      const keyOffset = this.pos;
      const key = this.string();
      if (!key) break;
      this.skipTrivia();
      if (this.text[this.pos] !== ":") {
        this.failed = true;
        properties.push({ key: key.value, keyOffset, value: undefined });
        break;
      }
      this.pos++;
      const value = this.value();
      properties.push({ key: key.value, keyOffset, value });
      if (this.failed) break;
      this.skipTrivia();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}") {
        this.failed = true;
        break;
      }
    }
    return { type: "object", offset: start, length: this.pos - start, properties };
  }

  array(): JsonNode {
    const start = this.pos;
    const items: JsonNode[] = [];
    this.pos++;
    for (;;) {
      this.skipTrivia();
      if (this.text[this.pos] === "]") {
        this.pos++;
        break;
      }
      if (this.pos >= this.text.length) {
        this.failed = true;
        break;
      }
      const item = this.value();
      if (item) items.push(item);
      if (this.failed) break;
      this.skipTrivia();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "]") {
        this.failed = true;
        break;
      }
    }
    return { type: "array", offset: start, length: this.pos - start, items };
  }
}

/** Parse JSONC; undefined when the text holds no value at all. Never throws. */
export function parseJsonc(text: string): JsonNode | undefined {
  return new Parser(text).value();
}

/** The values of every property of `node` named `key` (duplicate keys all count). */
export function propertiesNamed(node: JsonNode | undefined, key: string): JsonNode[] {
  if (node?.type !== "object") return [];
  return node.properties.filter((p) => p.key === key && p.value).map((p) => p.value!);
}
