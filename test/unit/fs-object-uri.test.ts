// Object URIs of the file systems: s3://<profile>/<bucket>/<key>, abfss://<profile>/<container>/<path>.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  baseName,
  childLocation,
  directoryKey,
  displayLocation,
  encodeUriPart,
  formatObjectUri,
  isSameOrBelow,
  locationFromParts,
  locationPath,
  parseObjectUri,
  type ObjectLocation,
} from "../../src/host/fs/objectUri";

describe("locationFromParts (decoded vscode.Uri parts)", () => {
  it("reads the profile's root", () => {
    assert.deepEqual(locationFromParts("s3", "prod", "/"), { scheme: "s3", profile: "prod", key: "" });
    assert.deepEqual(locationFromParts("s3", "prod", ""), { scheme: "s3", profile: "prod", key: "" });
  });

  it("reads a bucket alone, with or without a trailing slash", () => {
    assert.deepEqual(locationFromParts("s3", "prod", "/data"), { scheme: "s3", profile: "prod", bucket: "data", key: "" });
    assert.deepEqual(locationFromParts("s3", "prod", "/data/"), { scheme: "s3", profile: "prod", bucket: "data", key: "" });
  });

  it("keeps the key verbatim: nested, trailing slash, spaces, unicode, # and ?, doubled slashes", () => {
    const key = (path: string) => locationFromParts("s3", "p", path).key;
    assert.equal(key("/b/a/b/c.txt"), "a/b/c.txt");
    assert.equal(key("/b/dir/"), "dir/");
    assert.equal(key("/b/my file (1).csv"), "my file (1).csv");
    assert.equal(key("/b/données/日本語/ü.txt"), "données/日本語/ü.txt");
    assert.equal(key("/b/report#2?.txt"), "report#2?.txt");
    assert.equal(key("/b//leading"), "/leading");
    assert.equal(key("/b/a//b"), "a//b");
  });

  it("reads abfss the same way (container, path)", () => {
    assert.deepEqual(locationFromParts("abfss", "lake", "/raw/2024/01/x.parquet"), { scheme: "abfss", profile: "lake", bucket: "raw", key: "2024/01/x.parquet" });
  });

  it("rejects other schemes and a missing profile", () => {
    assert.throws(() => locationFromParts("file", "", "/x"), /not an object storage URI scheme/);
    assert.throws(() => locationFromParts("s3", "", "/b/k"), /without a profile/);
  });
});

describe("parseObjectUri / formatObjectUri", () => {
  const cases: Array<[string, ObjectLocation]> = [
    ["s3://prod/", { scheme: "s3", profile: "prod", key: "" }],
    ["s3://prod/bucket", { scheme: "s3", profile: "prod", bucket: "bucket", key: "" }],
    ["s3://prod/bucket/a/b.txt", { scheme: "s3", profile: "prod", bucket: "bucket", key: "a/b.txt" }],
    ["s3://prod/bucket/dir/", { scheme: "s3", profile: "prod", bucket: "bucket", key: "dir/" }],
    ["s3://prod/bucket/my%20file.txt", { scheme: "s3", profile: "prod", bucket: "bucket", key: "my file.txt" }],
    ["s3://prod/bucket/report%232%3F.txt", { scheme: "s3", profile: "prod", bucket: "bucket", key: "report#2?.txt" }],
    ["s3://prod/bucket/%C3%BC/%E6%97%A5%E6%9C%AC.txt", { scheme: "s3", profile: "prod", bucket: "bucket", key: "ü/日本.txt" }],
    ["s3://prod/bucket/a%2Bb%3Dc%26d%40e%3Af", { scheme: "s3", profile: "prod", bucket: "bucket", key: "a+b=c&d@e:f" }],
    ["s3://prod/bucket/%F0%9F%98%80", { scheme: "s3", profile: "prod", bucket: "bucket", key: "😀" }],
    ["abfss://lake/raw/x%20y/z.parquet", { scheme: "abfss", profile: "lake", bucket: "raw", key: "x y/z.parquet" }],
    ["s3://my_profile-2/b/k", { scheme: "s3", profile: "my_profile-2", bucket: "b", key: "k" }],
  ];

  for (const [text, location] of cases) {
    it(`${text} ⇄ ${JSON.stringify(location.key)}`, () => {
      assert.deepEqual(parseObjectUri(text), location);
      assert.equal(formatObjectUri(location), text);
    });
  }

  it("round-trips awkward keys", () => {
    for (const key of ["a b/c d", "#", "?", "%", "%20", "100%/x", "a?b#c", "tab\there", "ü/ñ/中文/😀", "x//y", "/lead", "~tilde_.-"]) {
      const location: ObjectLocation = { scheme: "s3", profile: "p", bucket: "b", key };
      assert.deepEqual(parseObjectUri(formatObjectUri(location)), location, key);
    }
  });

  it("spells like vscode.Uri.toString(): only unreserved characters and the path's / stay", () => {
    assert.equal(encodeUriPart("a b#?%+=&:@!$'()*,;[]", true), "a%20b%23%3F%25%2B%3D%26%3A%40%21%24%27%28%29%2A%2C%3B%5B%5D");
    assert.equal(encodeUriPart("a/b", true), "a/b");
    assert.equal(encodeUriPart("a/b", false), "a%2Fb");
    assert.equal(encodeUriPart("AZaz09-._~", true), "AZaz09-._~");
  });

  it("ignores a raw query and fragment (they are not part of the key unless encoded)", () => {
    assert.deepEqual(parseObjectUri("s3://p/b/k?versionId=1#frag"), { scheme: "s3", profile: "p", bucket: "b", key: "k" });
  });

  it("keeps the profile's case (VS Code lowercases authorities; the provider matches profiles case-insensitively)", () => {
    assert.equal(formatObjectUri({ scheme: "s3", profile: "Prod", bucket: "b", key: "k" }), "s3://Prod/b/k");
    assert.equal(parseObjectUri("S3://Prod/b/k").profile, "Prod");
    assert.equal(parseObjectUri("S3://Prod/b/k").scheme, "s3");
  });

  it("leaves malformed escapes as written", () => {
    assert.equal(parseObjectUri("s3://p/b/100%zz").key, "100%zz");
  });

  it("rejects what is not an object URI", () => {
    assert.throws(() => parseObjectUri("/just/a/path"), /not an object storage URI/);
    assert.throws(() => parseObjectUri("https://host/b/k"), /scheme/);
    assert.throws(() => parseObjectUri("s3:///b/k"), /without a profile/);
  });
});

describe("location helpers", () => {
  const at = (bucket: string | undefined, key: string): ObjectLocation => ({ scheme: "s3", profile: "p", ...(bucket !== undefined ? { bucket } : {}), key });

  it("displays the native form without the profile", () => {
    assert.equal(displayLocation(at("b", "big.parquet")), "s3://b/big.parquet");
    assert.equal(displayLocation(at("b", "")), "s3://b");
    assert.equal(displayLocation(at(undefined, "")), "s3://");
    assert.equal(displayLocation({ scheme: "abfss", profile: "x", bucket: "c", key: "a b/ü" }), "abfss://c/a b/ü");
  });

  it("builds paths and children", () => {
    assert.equal(locationPath(at(undefined, "")), "/");
    assert.equal(locationPath(at("b", "")), "/b");
    assert.equal(locationPath(at("b", "k/x")), "/b/k/x");
    assert.deepEqual(childLocation(at(undefined, ""), "b"), at("b", ""));
    assert.deepEqual(childLocation(at("b", ""), "k"), at("b", "k"));
    assert.deepEqual(childLocation(at("b", "dir/"), "k"), at("b", "dir/k"));
    assert.deepEqual(childLocation(at("b", "dir"), "k"), at("b", "dir/k"));
  });

  it("directoryKey and baseName", () => {
    assert.equal(directoryKey(""), "");
    assert.equal(directoryKey("a"), "a/");
    assert.equal(directoryKey("a/"), "a/");
    assert.equal(directoryKey("a//"), "a/");
    assert.equal(baseName("a/b/c.txt"), "c.txt");
    assert.equal(baseName("a/b/"), "b");
    assert.equal(baseName("c"), "c");
  });

  it("isSameOrBelow", () => {
    assert.equal(isSameOrBelow(at("b", "dir/x"), at("b", "dir")), true);
    assert.equal(isSameOrBelow(at("b", "dir"), at("b", "dir/")), true);
    assert.equal(isSameOrBelow(at("b", "dir2/x"), at("b", "dir")), false);
    assert.equal(isSameOrBelow(at("b", "x"), at("b", "")), true);
    assert.equal(isSameOrBelow(at("c", "x"), at("b", "")), false);
    assert.equal(isSameOrBelow({ ...at("b", "dir/x"), profile: "q" }, at("b", "dir")), false);
  });
});
