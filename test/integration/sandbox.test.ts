// Smoke test of the `npm start` sandbox (scripts/sandbox.ts) without VS Code (--no-open): it starts its
// services, the four profiles it writes to the workspace's settings.json work with the secrets it writes
// to env.json (resolved as the extension resolves workspace settings), the sample data is there, and
// SIGINT stops every process and port it started with exit code 0.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { createRegistry } from "../../src/connectors/index";
import { readSettings, settingsSource, type Profiles } from "../../scripts/sandbox/workspace";
import { pidAlive } from "../fixtures/processes";

const ROOT = path.resolve(__dirname, "../..");

interface SandboxState {
  pid: number;
  ready: boolean;
  services: Record<string, { port: number; pid: number }>;
  profiles: string[];
}

/** Resolves true when something accepts a TCP connection on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(true); // something holds the port but does not answer: still "open"
    });
    socket.once("error", () => resolve(false));
  });
}

/** `promise`'s value, or undefined after `ms` (the timer does not keep the process alive). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

test("npm start --no-open: the workspace profiles reach the sample data; SIGINT stops everything, exit 0", { timeout: 90_000 }, async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "awc-sandbox-"));
  chmodSync(stateDir, 0o755); // PostgreSQL runs as the `postgres` user when tests run as root
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "sandbox.ts"), "--no-open", "--state-dir", stateDir], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (exit = e));

  try {
    const t0 = Date.now();
    while (!/^\[sandbox\] ready in /m.test(output)) {
      if (exit) assert.fail(`the sandbox exited before it was ready (${exit.signal ?? exit.code}):\n${output}`);
      if (Date.now() - t0 > 45_000) assert.fail(`the sandbox was not ready within 45 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyAfter = Date.now() - t0;
    const state = JSON.parse(readFileSync(path.join(stateDir, "state.json"), "utf8")) as SandboxState;
    assert.equal(state.pid, child.pid);
    assert.equal(state.ready, true);
    assert.deepEqual([...state.profiles].sort(), ["adls2.sandbox", "adls2.sandbox-hns", "postgres.sandbox", "s3.sandbox"]);

    // The profiles exactly as written for VS Code, with the secrets VS Code gets in its environment.
    const env = JSON.parse(readFileSync(path.join(stateDir, "env.json"), "utf8")) as Record<string, string>;
    const settings = readSettings(path.join(stateDir, "workspace", ".vscode", "settings.json"));
    assert.equal(settings["autoWorkflow.sql.defaultProfile"], "sandbox");
    const profiles = settings["autoWorkflow.connectors"] as Profiles;
    assert.match(JSON.stringify(profiles), /secret:\/\/env\/AWC_SANDBOX_PG_PASSWORD/);
    assert.ok(!JSON.stringify(profiles).includes(env["AWC_SANDBOX_PG_PASSWORD"]!), "no plaintext secret in settings.json");
    const registry = createRegistry({ env, sources: [settingsSource(profiles)] });
    try {
      for (const ref of state.profiles) {
        const [name, profile] = ref.split(".") as [string, string];
        const report = await (await registry.get(name, profile)).test();
        assert.equal(report.ok, true, ref);
      }
      const pg = await registry.get("postgres", "sandbox");
      const counts = await pg.query<{ customers: number; orders: number; totals: number }>(
        "SELECT (SELECT count(*) FROM shop.customers)::int AS customers, (SELECT count(*) FROM shop.orders)::int AS orders, (SELECT count(*) FROM shop.order_totals)::int AS totals",
      );
      assert.deepEqual(counts[0], { customers: 2000, orders: 5000, totals: 5000 });

      const s3 = await registry.get("s3", "sandbox");
      const page = await s3.listPage("sandbox-data", "paging/", { pageSize: 1000 });
      assert.equal(page.entries.length, 1000);
      assert.ok(page.nextToken, "the paging/ prefix has more than one page");
      const top = await s3.listPage("sandbox-data", "", { recursive: false });
      assert.ok(["raw/", "curated/", "paging/"].every((p) => JSON.stringify(top.entries).includes(p)), JSON.stringify(top.entries));

      for (const [profile, namespace] of [["sandbox", "flat"], ["sandbox-hns", "hierarchical"]] as const) {
        const adls = await registry.get("adls2", profile);
        assert.equal(await adls.namespace(), namespace);
        const root = await adls.listPage("lake", "", { recursive: false });
        const dirs = root.paths.filter((p) => p.isDirectory).map((p) => p.name);
        assert.deepEqual(dirs.sort(), ["bronze", "gold", "silver"], profile);
      }
    } finally {
      await registry.reset();
    }

    // Ctrl-C.
    const checksAfter = Date.now() - t0;
    child.kill("SIGINT");
    const result = await within(exited, 30_000);
    assert.ok(result, `the sandbox did not exit within 30 s of SIGINT:\n${output}`);
    assert.equal(result.code, 0, output);
    assert.match(output, /\[sandbox\] stopped in /);
    for (const [name, service] of Object.entries(state.services)) {
      assert.equal(await listening(service.port), false, `${name} still listens on ${service.port}`);
      if (service.pid !== state.pid) assert.equal(pidAlive(service.pid), false, `${name} (pid ${service.pid}) still runs`);
    }
    assert.equal(existsSync(path.join(stateDir, "state.json")), false);
    console.log(`sandbox ready after ${readyAfter} ms, profiles checked after ${checksAfter} ms, stopped after ${Date.now() - t0} ms`);
  } finally {
    if (!exit) {
      child.kill("SIGTERM"); // the sandbox stops its services on SIGTERM too
      await within(exited, 20_000);
    }
    rmSync(stateDir, { recursive: true, force: true });
  }
});
