// Opt-in: the ADLS2 connector against a real storage account. Runs only when AWC_TEST_ADLS2_ACCOUNT and
// AWC_TEST_ADLS2_CONTAINER are set (credentials: AWC_TEST_ADLS2_KEY, else DefaultAzureCredential);
// otherwise it is reported as skipped with this reason, never as passed.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createRegistry, type Adls2Connector, type Registry } from "../../../src/connectors/index";

const account = process.env["AWC_TEST_ADLS2_ACCOUNT"];
const container = process.env["AWC_TEST_ADLS2_CONTAINER"];
const reason = "set AWC_TEST_ADLS2_ACCOUNT and AWC_TEST_ADLS2_CONTAINER (and AWC_TEST_ADLS2_KEY or an Azure login) to run against Azure";

describe("adls2 connector against Azure (opt-in)", { skip: account && container ? false : reason }, () => {
  let registry: Registry;
  let adls: Adls2Connector;
  const dir = `awc-test-${randomBytes(6).toString("hex")}`;

  before(async () => {
    registry = createRegistry({
      env: {
        ...process.env,
        AUTO_WORKFLOW_CONNECTORS_ADLS2_CLOUD__JSON: JSON.stringify({
          accountName: account,
          container,
          ...(process.env["AWC_TEST_ADLS2_KEY"] ? { accountKey: "secret://env/AWC_TEST_ADLS2_KEY" } : {}),
        }),
      },
    });
    adls = await registry.get("adls2", "cloud");
  });
  after(async () => {
    if (adls) await adls.deletePath(container!, dir, { recursive: true }).catch(() => undefined);
    await registry?.reset();
  });

  it("tests the connection and reports the namespace", async () => {
    const report = await adls.test();
    assert.equal(report.tls.enabled, true);
    assert.ok(["hierarchical", "flat"].includes(String(report.details["namespace"])));
  });

  it("makes directories, writes, lists, renames, reads and deletes under a scratch directory", async () => {
    await adls.makeDirs(container!, `${dir}/a/b`);
    await adls.uploadBytes(container!, `${dir}/a/b/one.txt`, "one");
    await adls.rename(container!, `${dir}/a/b/one.txt`, `${dir}/a/two.txt`);
    const names: string[] = [];
    for await (const p of adls.listPaths(container!, dir)) names.push(`${p.isDirectory ? "d" : "f"}:${p.name}`);
    assert.ok(names.includes(`f:${dir}/a/two.txt`), names.join(", "));
    assert.equal((await adls.downloadBytes(container!, `${dir}/a/two.txt`)).toString(), "one");
    await adls.deletePath(container!, dir, { recursive: true });
    assert.equal(await adls.exists(container!, `${dir}/a/two.txt`), false);
  });
});
