// registry.revalidate(): after settings, env or secrets change, only clients whose effective
// configuration changed are closed and replaced.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "../../src/connectors/registry";
import { fakeDriver, fakeFields, type FakeClient } from "./helpers";

describe("registry.revalidate()", () => {
  it("closes only the clients whose configuration changed, and get() then returns a fresh one", async () => {
    const env: NodeJS.ProcessEnv = {
      AUTO_WORKFLOW_CONNECTORS_FAKE_A__URL: "a://1",
      AUTO_WORKFLOW_CONNECTORS_FAKE_B__URL: "b://1",
      AUTO_WORKFLOW_CONNECTORS_FAKE_C__TOKEN: "secret://env/C_TOKEN",
      C_TOKEN: "t1",
    };
    const driver = fakeDriver("fake", "f", fakeFields);
    const registry = new Registry({ env, drivers: [driver] });
    const a = (await registry.get("fake", "a")) as FakeClient;
    const b = (await registry.get("fake", "b")) as FakeClient;
    const c = (await registry.get("fake", "c")) as FakeClient;
    assert.deepEqual(await registry.revalidate(), [], "nothing changed, nothing replaced");

    env["AUTO_WORKFLOW_CONNECTORS_FAKE_B__URL"] = "b://2";
    env["C_TOKEN"] = "t2"; // a secret's value changed, the reference did not
    const replaced = await registry.revalidate();
    assert.deepEqual(replaced.map((r) => r.profile).sort(), ["b", "c"]);
    assert.equal(a.closeCalls, 0);
    assert.equal(b.closeCalls, 1);
    assert.equal(c.closeCalls, 1);
    assert.equal(await registry.get("fake", "a"), a, "the unchanged client is kept");
    const b2 = (await registry.get("fake", "b")) as FakeClient;
    assert.notEqual(b2, b);
    assert.equal((b2.config as { url: string }).url, "b://2");
    await registry.reset();
  });

  it("closes a client whose profile became invalid", async () => {
    const env: NodeJS.ProcessEnv = { AUTO_WORKFLOW_CONNECTORS_FAKE_X__RETRIES: "1" };
    const registry = new Registry({ env, drivers: [fakeDriver("fake", "f", fakeFields)] });
    const x = (await registry.get("fake", "x")) as FakeClient;
    env["AUTO_WORKFLOW_CONNECTORS_FAKE_X__RETRIES"] = "many";
    assert.deepEqual((await registry.revalidate()).map((r) => r.profile), ["x"]);
    assert.equal(x.isClosed(), true);
    assert.equal(registry.list().length, 0);
  });
});
