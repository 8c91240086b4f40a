// Locates string values in TOML with their offsets: table headers, dotted keys, single-line inline
// tables, basic and literal strings. Enough to point at `password = "…"` in a pyproject.toml; anything it
// does not understand is skipped up to the end of the line. Never throws.

export interface TomlString {
  /** Full key path: table header segments, then the dotted key (and inline-table keys). */
  path: string[];
  value: string;
  /** Offset of the literal, quotes included. */
  offset: number;
  length: number;
  /** The literal's content equals `value` (no escapes), so offsets inside the value map 1:1. */
  verbatim: boolean;
}

const BARE = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };

class Scanner {
  pos = 0;
  readonly out: TomlString[] = [];
  constructor(private readonly text: string) {}

  private peek(n = 0): string | undefined {
    return this.text[this.pos + n];
  }

  private skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  /** Whitespace, newlines and comments. */
  private skipTrivia(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\ufeff") this.pos++;
      else if (c === "#") this.skipLine();
      else return;
    }
  }

  private skipLine(): void {
    const end = this.text.indexOf("\n", this.pos);
    this.pos = end < 0 ? this.text.length : end + 1;
  }

  /** `a.b."c d".'e'` → segments; undefined on a malformed key. */
  private key(): string[] | undefined {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === '"') {
        const s = this.basic();
        if (!s) return undefined;
        parts.push(s.value);
      } else if (c === "'") {
        const s = this.literal();
        if (!s) return undefined;
        parts.push(s.value);
      } else {
        const start = this.pos;
        while (this.peek() !== undefined && BARE.test(this.peek()!)) this.pos++;
        if (this.pos === start) return undefined;
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== ".") return parts;
      this.pos++;
    }
  }

  private basic(): { value: string; verbatim: boolean; offset: number; length: number } | undefined {
    const start = this.pos;
    this.pos++;
    let value = "";
    let verbatim = true;
    while (this.pos < this.text.length) {
      const c = this.peek()!;
      if (c === '"') {
        this.pos++;
        return { value, verbatim, offset: start, length: this.pos - start };
      }
      if (c === "\n") return undefined;
      if (c === "\\") {
        verbatim = false;
        const e = this.peek(1);
        const hex = e === "u" ? 4 : e === "U" ? 8 : 0;
        if (hex && /^[0-9a-fA-F]+$/.test(this.text.slice(this.pos + 2, this.pos + 2 + hex)) && this.text.slice(this.pos + 2, this.pos + 2 + hex).length === hex) {
          value += String.fromCodePoint(parseInt(this.text.slice(this.pos + 2, this.pos + 2 + hex), 16));
          this.pos += 2 + hex;
          continue;
        }
        if (e !== undefined && e in ESCAPES) {
          value += ESCAPES[e];
          this.pos += 2;
          continue;
        }
        return undefined;
      }
      value += c;
      this.pos++;
    }
    return undefined;
  }

  private literal(): { value: string; verbatim: boolean; offset: number; length: number } | undefined {
    const start = this.pos;
    const end = this.text.indexOf("'", start + 1);
    const newline = this.text.indexOf("\n", start + 1);
    if (end < 0 || (newline >= 0 && newline < end)) return undefined;
    this.pos = end + 1;
    return { value: this.text.slice(start + 1, end), verbatim: true, offset: start, length: end + 1 - start };
  }

  /** A value for `path`; false when it could not be read. */
  private value(path: string[]): boolean {
    this.skipSpaces();
    const c = this.peek();
    if (this.text.startsWith('"""', this.pos) || this.text.startsWith("'''", this.pos)) {
      const delimiter = this.text.slice(this.pos, this.pos + 3);
      const end = this.text.indexOf(delimiter, this.pos + 3);
      this.pos = end < 0 ? this.text.length : end + 3;
      return end >= 0;
    }
    if (c === '"' || c === "'") {
      const s = c === '"' ? this.basic() : this.literal();
      if (!s) return false;
      this.out.push({ path, ...s });
      return true;
    }
    if (c === "{") {
      this.pos++;
      for (;;) {
        this.skipSpaces();
        if (this.peek() === "}") {
          this.pos++;
          return true;
        }
        const key = this.key();
        if (!key || this.peek() !== "=") return false;
        this.pos++;
        if (!this.value([...path, ...key])) return false;
        this.skipSpaces();
        if (this.peek() === ",") this.pos++;
        else if (this.peek() !== "}") return false;
      }
    }
    if (c === "[") {
      this.pos++;
      for (;;) {
        this.skipTrivia();
        if (this.peek() === "]") {
          this.pos++;
          return true;
        }
        if (this.pos >= this.text.length || !this.value([...path, "[]"])) return false;
        this.skipTrivia();
        if (this.peek() === ",") this.pos++;
        else if (this.peek() !== "]") return false;
      }
    }
    // number, boolean, date: up to a delimiter
    const start = this.pos;
    while (this.pos < this.text.length && !/[,\]}\n#\r]/.test(this.peek()!)) this.pos++;
    return this.pos > start;
  }

  run(): TomlString[] {
    let table: string[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.text.length) return this.out;
      if (this.peek() === "[") {
        const array = this.peek(1) === "[";
        this.pos += array ? 2 : 1;
        const key = this.key();
        table = key ? (array ? [...key, "[]"] : key) : ["\u0000invalid"];
        this.skipLine();
        continue;
      }
      const key = this.key();
      if (key && this.peek() === "=") {
        this.pos++;
        this.value([...table, ...key]);
      }
      this.skipLine();
    }
  }
}

export function scanTomlStrings(text: string): TomlString[] {
  return new Scanner(text).run();
}
