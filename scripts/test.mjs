// `npm test`: lint, typecheck, build, unit + integration tests (with the coverage gate on
// src/connectors), then the extension suites inside a real VS Code (code-server).
// `node scripts/test.mjs [lint|unit|integration|node|vscode|e2e]...` runs only the named stages.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const COVERAGE_LINES = 90;

/** Every `*.test.ts` below `dir`, sorted (Node 20's --test takes no globs). */
function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".test.ts")) out.push(path.relative(root, full));
    }
  };
  walk(path.join(root, dir));
  return out;
}

const totals = { passed: 0, failed: 0 };

/** Run a command, echoing its output; count node:test / vscode results from it. */
function run(label, command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const shown = command.startsWith(root) ? path.relative(root, command) : path.basename(command);
    console.log(`\n▶ ${label}: ${[shown, ...args].join(" ")}`);
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let tail = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const pass = /^ℹ pass (\d+)$/m.exec(tail) ?? /^(?:vscode|e2e): (\d+) passed/m.exec(tail);
      const fail = /^ℹ fail (\d+)$/m.exec(tail) ?? /^(?:vscode|e2e): \d+ passed, (\d+) failed/m.exec(tail);
      if (pass) totals.passed += Number(pass[1]);
      if (fail) totals.failed += Number(fail[1]);
      console.log(`◀ ${label}: ${code === 0 ? "ok" : `FAILED (${signal ?? `exit ${code}`})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (code === 0) resolve();
      else reject(new Error(`${label} failed`));
    });
  });
}

const stages = {
  lint: async () => {
    await run("lint", bin("eslint"), ["--max-warnings=0", "."]);
    await run("typecheck", bin("tsc"), ["-p", ".", "--noEmit"]);
  },
  build: async () => {
    await run("build", process.execPath, ["scripts/build.mjs"]);
    await run("settings schema in package.json matches the drivers", process.execPath, ["scripts/settings-schema.mjs"]);
  },
  node: (dirs) =>
    run(
      "unit + integration (coverage gate: src/connectors ≥ 90 % lines)",
      bin("c8"),
      [
        "--include=src/connectors/**",
        "--exclude=src/connectors/**/*.d.ts",
        "--reporter=text-summary",
        "--reporter=html",
        "--reports-dir=.test-output/coverage",
        ...(dirs.length === 2 ? ["--check-coverage", `--lines=${COVERAGE_LINES}`] : []),
        process.execPath,
        "--import",
        "tsx",
        "--test",
        "--test-reporter=spec",
        ...dirs.flatMap(testFiles),
      ],
    ),
  e2e: () => run("UI end-to-end: the npm start sandbox in code-server, driven in headless Chromium", process.execPath, ["--import", "tsx", "test/e2e/run.ts"]),
  vscode: async () => {
    await run("vscode suite bundle", process.execPath, ["test/vscode/build-suite.mjs"]);
    await run("extension tests in code-server (with PostgreSQL, fauxqs and Azurite on loopback)", process.execPath, ["--import", "tsx", "test/vscode/with-storage.ts"]);
  },
};

/** A fresh clone has no node_modules: install exactly what package-lock.json pins. */
async function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  let stale = true;
  try {
    stale = statSync(marker).mtimeMs < statSync(path.join(root, "package-lock.json")).mtimeMs;
  } catch {
    stale = true;
  }
  if (stale) await run("install dependencies", "npm", ["ci", "--no-audit", "--no-fund"]);
}

const wanted = process.argv.slice(2);
const all = wanted.length === 0;
const started = Date.now();
try {
  await ensureDependencies();
  if (all || wanted.includes("lint")) await stages.lint();
  if (all || wanted.some((w) => ["node", "unit", "integration", "vscode", "e2e"].includes(w))) await stages.build();
  const dirs = all || wanted.includes("node") ? ["test/unit", "test/integration"] : ["unit", "integration"].filter((d) => wanted.includes(d)).map((d) => `test/${d}`);
  if (dirs.length) await stages.node(dirs);
  if (all || wanted.includes("vscode")) await stages.vscode();
  if (all || wanted.includes("e2e")) await stages.e2e();
  console.log(`\nall stages passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
} catch (error) {
  console.error(`\n${error.message}`);
  console.log(`tests: ${totals.passed} passed, ${Math.max(totals.failed, 1)} failed`);
  process.exit(1);
}
