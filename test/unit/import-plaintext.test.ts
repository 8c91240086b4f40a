// Locating plaintext secrets for the diagnostics: a tolerant JSONC parser with offsets, a TOML string
// scanner, the findings (secret fields and URL passwords) and the text that replaces them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseJsonc, propertiesNamed } from "../../src/host/diagnostics/jsonc";
import { findPlaintextSecrets, matchesFinding, replacementFor, secretFileFormat, type PlaintextSecret } from "../../src/host/diagnostics/plaintext";
import { scanTomlStrings } from "../../src/host/diagnostics/toml";

const at = (text: string, target: { offset: number; length: number }): string => text.slice(target.offset, target.offset + target.length);

function apply(text: string, finding: PlaintextSecret, reference: string): string {
  return text.slice(0, finding.target.offset) + replacementFor(finding, reference) + text.slice(finding.target.offset + finding.target.length);
}

const SETTINGS = `{
  // user settings
  "editor.fontSize": 13,
  /* block comment with "autoWorkflow.connectors": { "postgres": { "x": { "password": "no" } } } */
  "autoWorkflow.connectors": {
    "postgres": {
      "warehouse": {
        "host": "pg.internal",
        "password": "hunter2",
        "dsn": "postgresql://etl:p%40ss@pg.internal:5432/dw?sslmode=require",
      },
      "ci": {
        "password": "secret://postgres.ci/password",
        "dsn": "postgresql://ci:secret://env/CI_PW@localhost/ci",
        "pool": { "max": 2 },
      },
    },
    "s3": {
      "lake": { "secret_access_key": "wJalr\\/XUtn", "accessKeyId": "AKIA", "sessionToken": "" },
    },
    "adls2": {
      "prod": { "connectionString": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k==", "proxyUrl": "http://proxy:pr0xy@10.0.0.1:3128" },
    },
    "mongo": { "x": { "password": "not ours" } },
  },
}
`;

describe("tolerant JSONC parser", () => {
  it("keeps offsets through comments and trailing commas", () => {
    const root = parseJsonc(SETTINGS);
    assert.equal(root?.type, "object");
    const [connectors] = propertiesNamed(root, "autoWorkflow.connectors");
    assert.equal(connectors?.type, "object");
    const [pg] = propertiesNamed(connectors, "postgres");
    const [wh] = propertiesNamed(pg, "warehouse");
    const [pw] = propertiesNamed(wh, "password");
    assert.ok(pw);
    assert.equal(at(SETTINGS, pw), '"hunter2"');
  });

  it("decodes escapes and says when a literal is not verbatim", () => {
    const node = parseJsonc('{"a": "x\\u0041\\"y", "b": "plain"}');
    assert.equal(node?.type, "object");
    const [a] = propertiesNamed(node, "a");
    const [b] = propertiesNamed(node, "b");
    assert.deepEqual(a?.type === "string" && [a.value, a.verbatim], ['xA"y', false]);
    assert.deepEqual(b?.type === "string" && [b.value, b.verbatim], ["plain", true]);
  });

  it("returns what it could parse of a broken document", () => {
    const text = '{ "autoWorkflow.connectors": { "postgres": { "w": { "password": "pw1" } } }, "broken": [1, 2 ';
    const root = parseJsonc(text);
    assert.equal(root?.type, "object");
    assert.equal(findPlaintextSecrets(text, "settings").length, 1);
    assert.deepEqual(findPlaintextSecrets('{ "autoWorkflow.connectors": { "postgres": { "w": { "password": "unterminated', "settings"), []);
    assert.equal(parseJsonc(""), undefined);
    assert.equal(parseJsonc("   // nothing"), undefined);
  });
});

describe("plaintext secrets in settings.json", () => {
  const findings = findPlaintextSecrets(SETTINGS, "settings");

  it("flags secret fields and URL passwords, not references, empty values or unknown connectors", () => {
    assert.deepEqual(
      findings.map((f) => [`${f.name}.${f.profile}`, f.key, f.kind, f.storageKey]),
      [
        ["postgres.warehouse", "password", "value", "password"],
        ["postgres.warehouse", "dsn", "url-password", "dsnPassword"],
        ["s3.lake", "secretAccessKey", "value", "secretAccessKey"],
        ["adls2.prod", "connectionString", "value", "connectionString"],
        ["adls2.prod", "proxyUrl", "url-password", "proxyUrlPassword"],
      ],
    );
    assert.equal(findings[0]!.message, "password of postgres.warehouse is stored in plaintext; move it to SecretStorage");
    assert.equal(findings[1]!.message, "the password in dsn of postgres.warehouse is stored in plaintext; move it to SecretStorage");
  });

  it("points at the value, or at just the password inside a URL", () => {
    const [pw, dsn, s3, , proxy] = findings;
    assert.equal(at(SETTINGS, pw!.target), '"hunter2"');
    assert.equal(pw!.secret, "hunter2");
    assert.equal(at(SETTINGS, dsn!.target), "p%40ss");
    assert.equal(dsn!.secret, "p@ss");
    assert.equal(dsn!.inPlace, true);
    // Escaped literal: the whole value is the target, the secret is decoded.
    assert.equal(at(SETTINGS, s3!.target), '"wJalr\\/XUtn"');
    assert.equal(s3!.secret, "wJalr/XUtn");
    assert.equal(at(SETTINGS, proxy!.target), "pr0xy");
  });

  it("replacing each finding with its reference leaves no plaintext", () => {
    let text = SETTINGS;
    // Back to front, so earlier offsets stay valid.
    for (const f of [...findings].sort((a, b) => b.target.offset - a.target.offset)) text = apply(text, f, `secret://${f.name}.${f.profile}/${f.storageKey}`);
    assert.deepEqual(findPlaintextSecrets(text, "settings"), []);
    assert.match(text, /"password": "secret:\/\/postgres\.warehouse\/password"/);
    assert.match(text, /"dsn": "postgresql:\/\/etl:secret:\/\/postgres\.warehouse\/dsnPassword@pg\.internal:5432\/dw\?sslmode=require"/);
    assert.match(text, /"secret_access_key": "secret:\/\/s3\.lake\/secretAccessKey"/);
    assert.match(text, /"proxyUrl": "http:\/\/proxy:secret:\/\/adls2\.prod\/proxyUrlPassword@10\.0\.0\.1:3128"/);
    assert.ok(!text.includes("hunter2") && !text.includes("p%40ss") && !text.includes("AccountKey=k==") && !text.includes("pr0xy"));
    assert.doesNotThrow(() => JSON.parse(text.replace(/^\s*\/\/.*$/gm, "").replace(/^\s*\/\*.*\*\/$/gm, "").replace(/,(\s*[}\]])/g, "$1")));
  });

  it("a DSN password alone becomes the profile's password; nested autoWorkflow: { connectors } works too", () => {
    const text = '{ "autoWorkflow": { "connectors": { "Postgres": { "w": { "dsn": "postgres://u:pw@h/db" } } } } }';
    const [f] = findPlaintextSecrets(text, "settings");
    assert.equal(f?.name, "postgres");
    assert.equal(f?.storageKey, "password");
    assert.equal(apply(text, f!, "secret://postgres.w/password"), '{ "autoWorkflow": { "connectors": { "Postgres": { "w": { "dsn": "postgres://u:secret://postgres.w/password@h/db" } } } } }');
  });

  it("a URL with escapes is replaced as a whole, re-quoted", () => {
    const text = '{"autoWorkflow.connectors": {"postgres": {"w": {"dsn": "postgresql:\\/\\/u:pw@h\\/db", "password": "pw"}}}}';
    const dsn = findPlaintextSecrets(text, "settings").find((f) => f.key === "dsn")!;
    assert.equal(dsn.inPlace, false);
    assert.equal(dsn.storageKey, "password"); // same value as the explicit password: one secret
    assert.equal(replacementFor(dsn, "secret://postgres.w/password"), '"postgresql://u:secret://postgres.w/password@h/db"');
  });

  it("matches command arguments in any spelling", () => {
    const s3 = findings.find((f) => f.name === "s3")!;
    assert.ok(matchesFinding(s3, "s3", "lake", "secret_access_key"));
    assert.ok(matchesFinding(s3, "S3", "lake", "secretAccessKey"));
    assert.ok(!matchesFinding(s3, "s3", "other", "secretAccessKey"));
    assert.ok(!matchesFinding(s3, "s3", "lake", "accessKeyId"));
  });
});

const PYPROJECT = `[project]
name = "pipelines"
password = "not a connector"

[tool.auto_workflow.connectors.postgres.warehouse]
host = "pg.internal"
password = "hunter2"   # oops
dsn = 'postgresql://etl:lit%20pw@pg/dw'

[tool.auto_workflow.connectors.postgres]
ci = { host = "localhost", password = "ci-pw", pool = { max = 2 } }
"quoted-profile".password = "q\\u0041"

[tool.auto_workflow.connectors.s3.lake]
secret_access_key = "secret://s3.lake/secretAccessKey"
notes = """
password = "inside a multi-line string"
"""
tags = ["a", "password = \\"x\\""]

[[tool.auto_workflow.connectors.adls2.arr]]
accountKey = "ignored: array of tables"

[tool.auto_workflow]
connectors.adls2.prod.accountKey = "k=="
`;

describe("plaintext secrets in pyproject.toml", () => {
  it("scans headers, dotted keys, inline tables, literal strings; skips multi-line strings and arrays", () => {
    const strings = scanTomlStrings(PYPROJECT).map((s) => s.path.join("."));
    assert.ok(strings.includes("tool.auto_workflow.connectors.postgres.ci.password"));
    assert.ok(strings.includes("tool.auto_workflow.connectors.postgres.quoted-profile.password"));
    assert.ok(strings.includes("tool.auto_workflow.connectors.adls2.prod.accountKey"));
    assert.ok(!strings.some((s) => s.endsWith("notes")));
  });

  it("flags plaintext secrets with exact ranges", () => {
    const findings = findPlaintextSecrets(PYPROJECT, "pyproject");
    assert.deepEqual(
      findings.map((f) => [`${f.name}.${f.profile}`, f.key, f.storageKey, at(PYPROJECT, f.target), f.secret]),
      [
        ["postgres.warehouse", "password", "password", '"hunter2"', "hunter2"],
        ["postgres.warehouse", "dsn", "dsnPassword", "lit%20pw", "lit pw"],
        ["postgres.ci", "password", "password", '"ci-pw"', "ci-pw"],
        ["postgres.quoted-profile", "password", "password", '"q\\u0041"', "qA"],
        ["adls2.prod", "accountKey", "accountKey", '"k=="', "k=="],
      ],
    );
    let text = PYPROJECT;
    for (const f of [...findings].sort((a, b) => b.target.offset - a.target.offset)) text = apply(text, f, `secret://${f.name}.${f.profile}/${f.storageKey}`);
    assert.deepEqual(findPlaintextSecrets(text, "pyproject"), []);
    assert.match(text, /^password = "secret:\/\/postgres\.warehouse\/password" {3}# oops$/m);
    assert.match(text, /^dsn = 'postgresql:\/\/etl:secret:\/\/postgres\.warehouse\/dsnPassword@pg\/dw'$/m);
    assert.match(text, /ci = \{ host = "localhost", password = "secret:\/\/postgres\.ci\/password", pool = \{ max = 2 \} \}/);
  });
});

describe("file kinds", () => {
  it("settings.json and pyproject.toml only", () => {
    assert.equal(secretFileFormat("/home/u/.config/Code/User/settings.json"), "settings");
    assert.equal(secretFileFormat("C:\\ws\\.vscode\\settings.json"), "settings");
    assert.equal(secretFileFormat("/ws/pyproject.toml"), "pyproject");
    assert.equal(secretFileFormat("/ws/mysettings.json"), undefined);
    assert.equal(secretFileFormat("/ws/settings.jsonc"), undefined);
  });
});
