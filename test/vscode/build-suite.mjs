// Bundles the real-VS Code suite: every test/vscode/suite/*.ts becomes out/test/vscode/<name>.js
// (CommonJS for the Node extension host). `vscode` is provided by the extension host; mocha stays external
// and resolves from the repo's node_modules (out/ sits inside the repo), so mocha's own file loading and
// reporters work unchanged.
import * as esbuild from "esbuild";
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const suiteDir = path.join(root, "test/vscode/suite");
const outDir = path.join(root, "out/test/vscode");

const entryPoints = readdirSync(suiteDir)
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts"))
  .map((name) => path.join("test/vscode/suite", name));

rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints,
  outdir: outDir,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "inline", // for debuggers; the extension host's own prepareStackTrace leaves traces on the bundle
  logLevel: "warning",
  external: ["vscode", "mocha", "pg-native", "cloudflare:sockets"],
  // As in scripts/build.mjs: ESM builds of dependencies (the Azure SDK's) read import.meta.url.
  define: { "import.meta.url": "__awcImportMetaUrl" },
  banner: { js: 'const __awcImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
});
console.log(`vscode suite: bundled ${entryPoints.length} file(s) into ${path.relative(root, outDir)}/`);
