// Bundles the extension and the connectors library with esbuild.
// dist/extension.js: the VS Code entry point (vscode external).
// dist/connectors.js: the same library as a plain CommonJS module, usable from Node without VS Code.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: true,
  minify: production,
  logLevel: "warning",
  absWorkingDir: root,
  // Optional native/peer modules that pg probes for and never needs here.
  external: ["pg-native", "cloudflare:sockets"],
  // ESM builds of dependencies (the Azure SDK's) read import.meta.url, which a CommonJS bundle lacks.
  define: { "import.meta.url": "__awcImportMetaUrl" },
  banner: { js: 'const __awcImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
};

const builds = [
  { ...common, entryPoints: ["src/extension.ts"], outfile: "dist/extension.js", external: [...common.external, "vscode"] },
  { ...common, entryPoints: ["src/connectors/index.ts"], outfile: "dist/connectors.js" },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log("esbuild: watching");
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
