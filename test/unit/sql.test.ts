// postgres/sql.ts: identifier and literal quoting for generated SQL.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { qualifiedName, quoteIdent, quoteLiteral } from "../../src/connectors/postgres/sql";

describe("quoteIdent", () => {
  it("always double-quotes, doubling embedded quotes", () => {
    assert.equal(quoteIdent("users"), '"users"');
    assert.equal(quoteIdent("Users"), '"Users"');
    assert.equal(quoteIdent('we"ird'), '"we""ird"');
    assert.equal(quoteIdent('"'), '""""');
    assert.equal(quoteIdent('a"; DROP TABLE x; --'), '"a""; DROP TABLE x; --"');
    assert.equal(quoteIdent("with space.and.dots"), '"with space.and.dots"');
    assert.equal(quoteIdent("ünïcødé"), '"ünïcødé"');
  });

  it("rejects empty names and NUL", () => {
    assert.throws(() => quoteIdent(""), TypeError);
    assert.throws(() => quoteIdent("a\u0000b"), /NUL/);
  });
});

describe("quoteLiteral", () => {
  it("single-quotes, doubling embedded quotes; backslashes stay literal", () => {
    assert.equal(quoteLiteral("abc"), "'abc'");
    assert.equal(quoteLiteral("it's"), "'it''s'");
    assert.equal(quoteLiteral("''"), "''''''");
    assert.equal(quoteLiteral(""), "''");
    assert.equal(quoteLiteral("a\\b"), "'a\\b'");
    assert.equal(quoteLiteral("x'; DROP TABLE t; --"), "'x''; DROP TABLE t; --'");
  });

  it("rejects NUL", () => {
    assert.throws(() => quoteLiteral("a\u0000"), TypeError);
  });
});

describe("qualifiedName", () => {
  it("bare name", () => {
    assert.equal(qualifiedName("orders"), '"orders"');
  });

  it("schema.table string", () => {
    assert.equal(qualifiedName("sales.orders"), '"sales"."orders"');
    assert.equal(qualifiedName('sa"les.Orders'), '"sa""les"."Orders"');
  });

  it("a string with more than one dot is refused", () => {
    assert.throws(() => qualifiedName("db.sales.orders"), /more than one dot/);
  });

  it("tuple form, which allows dots inside names", () => {
    assert.equal(qualifiedName(["my.schema", "my.table"]), '"my.schema"."my.table"');
  });

  it("object form, with and without schema", () => {
    assert.equal(qualifiedName({ schema: "s", name: "t.x" }), '"s"."t.x"');
    assert.equal(qualifiedName({ name: "t" }), '"t"');
    assert.equal(qualifiedName({ schema: "", name: "t" }), '"t"');
  });

  it("empty parts are refused", () => {
    assert.throws(() => qualifiedName(".orders"), TypeError);
    assert.throws(() => qualifiedName("sales."), TypeError);
    assert.throws(() => qualifiedName(["s", ""]), TypeError);
    assert.throws(() => qualifiedName({ name: "" }), TypeError);
  });
});
