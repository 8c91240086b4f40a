// Sizes: parseBytes, the `bytes` field type through validate (messages name key and layer) and its
// JSON Schema pattern, which must accept exactly what parseBytes accepts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseBytes, toJsonSchema, validate, type Fields } from "../../src/connectors/config/schema";
import { ConfigError } from "../../src/connectors/errors";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe("parseBytes", () => {
  const valid: Array<[unknown, number]> = [
    ["8MiB", 8 * MiB],
    ["8mib", 8 * MiB],
    ["8 MiB", 8 * MiB],
    [" 16MiB ", 16 * MiB],
    ["5MB", 5_000_000],
    ["5mb", 5_000_000],
    ["64KiB", 64 * KiB],
    ["64kb", 64_000],
    ["1GiB", GiB],
    ["2GB", 2_000_000_000],
    ["1TiB", 1024 * GiB],
    ["1.5MiB", 1.5 * MiB],
    ["0.5KiB", 512],
    ["1024", 1024],
    ["1024B", 1024],
    ["0", 0],
    [1024, 1024],
    [0, 0],
    [8 * MiB, 8 * MiB],
  ];
  for (const [input, expected] of valid) {
    it(`${JSON.stringify(input)} → ${expected}`, () => {
      assert.equal(parseBytes(input), expected);
    });
  }

  it("always yields a whole number of bytes", () => {
    for (const text of ["1.5KiB", "0.3MiB", "1.1GB", "2.7MiB"]) {
      const n = parseBytes(text);
      assert.ok(n !== undefined && Number.isInteger(n), `${text} → ${n}`);
    }
    assert.equal(parseBytes("0.3MiB"), Math.round(0.3 * MiB));
  });

  const invalid: unknown[] = ["-1", -1, "abc", "5 parsecs", "MiB", "", "   ", "8 MiB extra", "8MiBs", "8K", "1e6", "0x10", "1,024", 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.5, null, undefined, true, {}, [8], "8MiB8"];
  for (const input of invalid) {
    it(`${typeof input === "number" ? String(input) : JSON.stringify(input)} is not a size`, () => {
      assert.equal(parseBytes(input), undefined);
    });
  }
});

describe("the bytes field type", () => {
  const fields = {
    partSize: { type: "bytes", minimum: 5 * MiB, default: 8 * MiB, description: "Part size." },
    transfer: {
      type: "object",
      description: "Transfers.",
      fields: { chunk: { type: "bytes", description: "Chunk size." } },
    },
  } as const satisfies Fields;
  const ctx = { connector: "s3", profile: "default", origins: {} };

  it("coerces sizes, numbers and nested values", () => {
    const out = validate<{ partSize: number; transfer: { chunk: number } }>(fields, { partSize: "16MiB", transfer: { chunk: 4096 } }, ctx);
    assert.deepEqual(out, { partSize: 16 * MiB, transfer: { chunk: 4096 } });
    const again = validate<{ partSize: number; transfer: { chunk?: number } }>(fields, { partSize: 6 * MiB }, ctx);
    assert.equal(again.partSize, 6 * MiB);
    assert.equal(again.transfer.chunk, undefined);
  });

  it("an invalid size is a ConfigError naming the key, what was expected and what came", () => {
    assert.throws(
      () => validate(fields, { partSize: "abc" }, ctx),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.key, "partSize");
        assert.match(error.message, /"partSize"/);
        assert.match(error.message, /must be a size such as 8MiB/);
        assert.match(error.message, /"abc"/);
        assert.equal(error.profile, "default");
        return true;
      },
    );
  });

  it("a nested invalid size names the dotted key and the layer it came from", () => {
    const origins = { "transfer.chunk": { layer: "env", source: "AUTO_WORKFLOW_CONNECTORS_S3_DEFAULT__TRANSFER__CHUNK" } };
    assert.throws(
      () => validate(fields, { transfer: { chunk: "5 parsecs" } }, { ...ctx, origins }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.key, "transfer.chunk");
        assert.equal(error.layer, "env");
        assert.match(error.message, /"transfer\.chunk"/);
        assert.match(error.message, /AUTO_WORKFLOW_CONNECTORS_S3_DEFAULT__TRANSFER__CHUNK/);
        return true;
      },
    );
  });

  it("a size below the minimum is refused with the minimum in the message; the minimum itself is fine", () => {
    assert.throws(
      () => validate(fields, { partSize: "4MiB" }, ctx),
      (error: unknown) => error instanceof ConfigError && error.key === "partSize" && /≥ 5242880 bytes/.test(error.message),
    );
    assert.equal(validate<{ partSize: number }>(fields, { partSize: "5MiB" }, ctx).partSize, 5 * MiB);
    assert.throws(() => validate(fields, { partSize: -1 }, ctx), ConfigError);
    assert.throws(() => validate(fields, { partSize: 5.5 * MiB + 0.5 }, ctx), ConfigError);
  });

  it("toJsonSchema: integer or string, the default, and a pattern that accepts sizes only", () => {
    const schema = toJsonSchema(fields);
    const props = schema["properties"] as Record<string, Record<string, unknown>>;
    const partSize = props["partSize"];
    assert.ok(partSize);
    assert.deepEqual(partSize["type"], ["integer", "string"]);
    assert.equal(partSize["default"], 8 * MiB);
    assert.match(String(partSize["description"]), /8MiB/);
    const pattern = new RegExp(String(partSize["pattern"]));
    for (const ok of ["8MiB", "8mib", "5MB", "100", "64KiB", "1.5GiB", " 8 MiB ", "1024b", "2TB"]) assert.ok(pattern.test(ok), `pattern should accept ${ok}`);
    for (const bad of ["abc", "5 parsecs", "-1", "8MiBs", "8K", "MiB", "", "1e6"]) assert.ok(!pattern.test(bad), `pattern should reject ${JSON.stringify(bad)}`);
    const nested = (props["transfer"]?.["properties"] as Record<string, Record<string, unknown>> | undefined)?.["chunk"];
    assert.equal(nested?.["pattern"], partSize["pattern"]);
  });

  it("the schema pattern and parseBytes agree on every sample", () => {
    const pattern = new RegExp(String((toJsonSchema(fields)["properties"] as Record<string, Record<string, unknown>>)["partSize"]?.["pattern"]));
    const samples = ["8MiB", "8mib", "8MIB", "5MB", "5mB", "100", "1.5GiB", "64kib", "7tib", "3b", "abc", "5 parsecs", "-1", "8MiBs", "8K", "8 M", "1.", ".5MiB", "1e6", " 42 "];
    for (const s of samples) assert.equal(pattern.test(s), parseBytes(s) !== undefined, `disagreement on ${JSON.stringify(s)}`);
  });
});
