// The API the extension exports, used from inside the VS Code extension host against a real PostgreSQL
// (started by test/vscode/with-postgres.ts, profile `postgres.vscode` in the environment).
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type * as Connectors from "../../../src/connectors/index";

const EXTENSION_ID = "auto-workflow.auto-workflow-connectors";

describe("postgres through the extension API", () => {
  let api: typeof Connectors;
  let registry: Connectors.Registry;

  before(async () => {
    assert.ok(process.env.AUTO_WORKFLOW_CONNECTORS_POSTGRES_VSCODE__DSN, "run through test/vscode/with-postgres.ts: no test database in the environment");
    api = await vscode.extensions.getExtension<typeof Connectors>(EXTENSION_ID)!.activate();
    registry = api.createRegistry({ env: process.env });
  });
  after(async () => {
    await registry?.reset();
  });

  it("resolves the profile from the environment with the secret masked", async () => {
    const view = await registry.resolveConfig("postgres", "vscode");
    assert.equal(view.origins["dsn"]?.layer, "env");
    assert.equal(view.values["sslmode"], "disable");
    assert.ok(!JSON.stringify(view).includes(process.env.AWC_TEST_PG_PW!), "the password leaked into resolveConfig");
  });

  it("tests the connection", async () => {
    const db = await registry.get("postgres", "vscode");
    const report = await db.test();
    assert.equal(report.ok, true);
    assert.match(report.serverVersion ?? "", /^PostgreSQL/);
    assert.equal(report.identity, "postgres");
  });

  it("queries, iterates and reflects", async () => {
    const db = await registry.get("postgres", "vscode");
    const row = await db.query<{ c: number }>("select count(*)::int as c from vscode_probe where id > $1", [2000], { fetch: "one" });
    assert.equal(row?.c, 500);
    let n = 0;
    for await (const _ of db.queryIter("select * from vscode_probe", [], { size: 100 })) n++;
    assert.equal(n, 2500);
    const [pub] = await db.reflect({ schema: "public", only: ["vscode_probe"] });
    assert.deepEqual(pub?.relations[0]?.columns.map((c) => [c.name, c.type, c.primaryKey]), [["id", "integer", true], ["label", "text", false]]);
  });

  it("classifies errors with the library's own classes across the API boundary", async () => {
    const db = await registry.get("postgres", "vscode");
    const error = await db.query("select * from no_such_table").catch((e: unknown) => e);
    assert.ok(error instanceof api.PermanentError, String(error));
    assert.equal((error as Connectors.ConnectorError).code, "42P01");
  });

  it("cancels a running statement through an AbortSignal", async () => {
    const db = await registry.get("postgres", "vscode");
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const error = await db.query("select pg_sleep(30)", [], { signal: controller.signal }).catch((e: unknown) => e);
    assert.ok(error instanceof api.CancelledError, String(error));
    assert.ok(Date.now() - started < 2_000);
  });
});
