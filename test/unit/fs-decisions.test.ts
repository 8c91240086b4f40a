// The file systems' vscode-free decisions: may a save write (ETag conflicts, create/overwrite), how
// connector errors map to file system errors, sizes and the large-object question.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthError, ConfigError, NotFoundError, PermanentError, TimeoutError, TransientError } from "../../src/connectors/errors";
import { Redactor } from "../../src/connectors/redact";
import {
  classifyFsError,
  confirmOpenMessage,
  confirmThreshold,
  conflictMessage,
  decideWrite,
  DEFAULT_CONFIRM_OPEN_ABOVE,
  formatSize,
  FsFailure,
  isNotFound,
  needsConfirmation,
  normalizeEtag,
} from "../../src/host/fs/decisions";

const save = { create: true, overwrite: true };

describe("decideWrite", () => {
  it("writes when the object is unchanged since it was read", () => {
    assert.deepEqual(decideWrite({ etag: '"abc"', size: 3 }, { type: "file", etag: '"abc"' }, save), { action: "write", created: false });
  });

  it("refuses when the ETag changed since it was read", () => {
    assert.deepEqual(decideWrite({ etag: '"abc"', size: 3 }, { type: "file", etag: '"def"' }, save), { action: "conflict", seen: "abc", current: "def" });
  });

  it("compares entity tags, not their spelling (quotes, weak prefix)", () => {
    assert.equal(decideWrite({ etag: '"0x8DC"', size: 1 }, { type: "file", etag: "0x8DC" }, save).action, "write");
    assert.equal(decideWrite({ etag: 'W/"x"', size: 1 }, { type: "file", etag: '"x"' }, save).action, "write");
  });

  it("writes when the URI was never read (a new file, save-as) or an ETag is unknown", () => {
    assert.deepEqual(decideWrite(undefined, { type: "file", etag: '"x"' }, save), { action: "write", created: false });
    assert.equal(decideWrite({ size: 1 }, { type: "file", etag: '"x"' }, save).action, "write");
    assert.equal(decideWrite({ etag: '"x"', size: 1 }, { type: "file" }, save).action, "write");
    assert.equal(decideWrite({ etag: '""', size: 1 }, { type: "file", etag: '"y"' }, save).action, "write");
  });

  it("writes an object deleted on the server meanwhile again (nothing there is lost)", () => {
    assert.deepEqual(decideWrite({ etag: '"abc"', size: 3 }, undefined, save), { action: "write", created: true });
  });

  it("honours create and overwrite", () => {
    assert.deepEqual(decideWrite(undefined, undefined, { create: false, overwrite: true }), { action: "fail", code: "FileNotFound" });
    assert.deepEqual(decideWrite(undefined, undefined, { create: true, overwrite: false }), { action: "write", created: true });
    assert.deepEqual(decideWrite(undefined, { type: "file", etag: "x" }, { create: true, overwrite: false }), { action: "fail", code: "FileExists" });
    assert.deepEqual(decideWrite(undefined, { type: "file", etag: "x" }, { create: false, overwrite: true }), { action: "write", created: false });
  });

  it("never writes over a directory", () => {
    assert.deepEqual(decideWrite(undefined, { type: "directory" }, save), { action: "fail", code: "FileIsADirectory" });
  });

  it("checks create/overwrite before a conflict", () => {
    assert.deepEqual(decideWrite({ etag: "a", size: 1 }, { type: "file", etag: "b" }, { create: true, overwrite: false }), { action: "fail", code: "FileExists" });
  });
});

describe("messages and sizes", () => {
  it("spells the conflict", () => {
    assert.equal(
      conflictMessage("s3://b/k", "abc", "def"),
      "s3://b/k changed on the server since you opened it (ETag abc → def); reopen to see the new version or save as another name.",
    );
  });

  it("asks before opening a large object", () => {
    assert.equal(confirmOpenMessage("s3://b/big.parquet", 1.2 * 1024 ** 3), "s3://b/big.parquet is 1.2 GB. Open it anyway?");
  });

  it("formats sizes like VS Code (1024-based)", () => {
    assert.equal(formatSize(0), "0 B");
    assert.equal(formatSize(1023), "1023 B");
    assert.equal(formatSize(1024), "1 KB");
    assert.equal(formatSize(1536), "1.5 KB");
    assert.equal(formatSize(50 * 1024 * 1024), "50 MB");
    assert.equal(formatSize(123.4 * 1024 * 1024), "123 MB");
    assert.equal(formatSize(5 * 1024 ** 4), "5 TB");
  });

  it("reads the threshold setting defensively", () => {
    assert.equal(confirmThreshold(undefined), DEFAULT_CONFIRM_OPEN_ABOVE);
    assert.equal(confirmThreshold(-1), DEFAULT_CONFIRM_OPEN_ABOVE);
    assert.equal(confirmThreshold("10"), DEFAULT_CONFIRM_OPEN_ABOVE);
    assert.equal(confirmThreshold(Number.NaN), DEFAULT_CONFIRM_OPEN_ABOVE);
    assert.equal(confirmThreshold(0), 0);
    assert.equal(confirmThreshold(1000), 1000);
    assert.equal(DEFAULT_CONFIRM_OPEN_ABOVE, 52428800);
    assert.equal(needsConfirmation(1001, 1000), true);
    assert.equal(needsConfirmation(1000, 1000), false);
  });

  it("normalizes ETags", () => {
    assert.equal(normalizeEtag('"a"'), "a");
    assert.equal(normalizeEtag('W/"a"'), "a");
    assert.equal(normalizeEtag(" a "), "a");
    assert.equal(normalizeEtag('""'), undefined);
    assert.equal(normalizeEtag(undefined), undefined);
  });
});

describe("classifyFsError", () => {
  it("maps connector kinds", () => {
    assert.deepEqual(classifyFsError(new NotFoundError("b/k not found (NoSuchKey)")), { code: "FileNotFound", message: "b/k not found (NoSuchKey)" });
    assert.deepEqual(classifyFsError(new AuthError("access denied")), { code: "NoPermissions", message: "access denied" });
    for (const error of [new TransientError("slow down"), new PermanentError("bad"), new TimeoutError("late"), new ConfigError("no region")]) {
      assert.equal(classifyFsError(error).code, "Unavailable");
      assert.equal(classifyFsError(error).message, error.message);
    }
  });

  it("recognises connector errors by shape (another bundle's classes)", () => {
    assert.equal(classifyFsError(Object.assign(new Error("gone"), { kind: "notFound" })).code, "FileNotFound");
    assert.equal(classifyFsError(Object.assign(new Error("no"), { kind: "auth" })).code, "NoPermissions");
    assert.equal(isNotFound({ kind: "notFound" }), true);
    assert.equal(isNotFound(new Error("x")), false);
    assert.equal(isNotFound(undefined), false);
  });

  it("maps 'already exists' codes to FileExists", () => {
    assert.equal(classifyFsError(new PermanentError("c/p: exists", { code: "PathAlreadyExists" })).code, "FileExists");
    assert.equal(classifyFsError(new PermanentError("c/p: exists", { code: "BlobAlreadyExists" })).code, "FileExists");
  });

  it("keeps a store's own code and anything else as Unavailable", () => {
    assert.deepEqual(classifyFsError(new FsFailure("NoPermissions", "s3://b/d/ is not empty")), { code: "NoPermissions", message: "s3://b/d/ is not empty" });
    assert.deepEqual(classifyFsError(new Error("socket hang up")), { code: "Unavailable", message: "socket hang up" });
    assert.deepEqual(classifyFsError("weird"), { code: "Unavailable", message: "weird" });
  });

  it("does not add secrets: the connector's (redacted) message is passed through as is", () => {
    const error = new AuthError("access to b denied with secret wJalrXUtnFEMI/K7MDENG", { redactor: new Redactor(["wJalrXUtnFEMI/K7MDENG"]) });
    const { message } = classifyFsError(error);
    assert.doesNotMatch(message, /wJalrXUtnFEMI/);
    assert.equal(message, error.message);
  });
});
