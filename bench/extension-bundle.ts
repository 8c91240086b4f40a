// Shared by bench/activation.ts and bench/tree.ts: the extension bundle built by the project's own
// scripts/build.mjs, but into a private copy of the tree, so the benchmark never overwrites the dist/
// other work uses; and bench/extension-child.ts compiled to one plain CommonJS file (run with plain
// `node`, so no tsx hook sits in the way of the require() being timed).
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "../test/fixtures/processes";
import { ROOT } from "./common";

export interface BuiltExtension {
  /** The private copy of the repository the build ran in (its dist/ holds the result). */
  dir: string;
  dist: string;
  /** dist/extension.js: what VS Code requires at activation. */
  entry: string;
  /** Wall time of `node scripts/build.mjs [--production]`. */
  buildMs: number;
  production: boolean;
}

/**
 * Runs `node scripts/build.mjs [--production]` in a private copy of the repository: scripts/build.mjs,
 * src/, package.json and tsconfig.json copied, node_modules linked. build.mjs finds the sources from its
 * own location, so its output lands in `<copy>/dist`, byte for byte what it writes to the real dist/.
 */
export async function buildExtensionCopy(workDir: string, production: boolean): Promise<BuiltExtension> {
  const dir = mkdtempSync(path.join(workDir, production ? "build-prod-" : "build-dev-"));
  mkdirSync(path.join(dir, "scripts"));
  cpSync(path.join(ROOT, "scripts", "build.mjs"), path.join(dir, "scripts", "build.mjs"));
  cpSync(path.join(ROOT, "src"), path.join(dir, "src"), { recursive: true });
  for (const f of ["package.json", "tsconfig.json"]) if (existsSync(path.join(ROOT, f))) cpSync(path.join(ROOT, f), path.join(dir, f));
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const t0 = performance.now();
  const res = await run(process.execPath, ["scripts/build.mjs", ...(production ? ["--production"] : [])], { cwd: dir, timeoutMs: 300_000 });
  const buildMs = performance.now() - t0;
  if (res.code !== 0) throw new Error(`node scripts/build.mjs${production ? " --production" : ""} failed (exit ${res.code ?? res.signal}):\n${(res.stderr || res.stdout).slice(-3000)}`);
  const dist = path.join(dir, "dist");
  const entry = path.join(dist, "extension.js");
  if (!existsSync(entry)) throw new Error(`the build wrote no ${entry}`);
  return { dir, dist, entry, buildMs, production };
}

/** bench/extension-child.ts bundled (with bench/vscode-stub.ts) into `<workDir>/extension-child.cjs`. */
export async function compileExtensionChild(workDir: string): Promise<string> {
  const esbuild = await import("esbuild");
  const outfile = path.join(workDir, "extension-child.cjs");
  await esbuild.build({
    entryPoints: [path.join(ROOT, "bench", "extension-child.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "error",
    absWorkingDir: ROOT,
  });
  return outfile;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
