// Bundles the extension and the connectors library with esbuild.
// dist/extension.js: the VS Code entry point (vscode external). The SDKs behind each backend
//   (src/connectors/<kind>/sdk.ts) are separate files, dist/vendor/<kind>-sdk.js, required only when a
//   client of that backend is first created: activation loads no SDK (nor the YAML parser, vendor/yaml.js).
// dist/connectors.js: the whole library as one plain CommonJS module, usable from Node without VS Code.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");
const BACKENDS = ["postgres", "s3", "adls2"];

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

/** In the extension bundle, `./sdk` of each backend becomes a require of its own vendor file. */
const vendorSdks = {
  name: "vendor-sdks",
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: "./vendor/yaml.js", external: true }));
    build.onResolve({ filter: /^\.\/sdk$/ }, (args) => {
      const kind = path.basename(args.resolveDir);
      if (!BACKENDS.includes(kind) || path.dirname(args.resolveDir) !== path.join(root, "src", "connectors")) return undefined;
      return { path: `./vendor/${kind}-sdk.js`, external: true };
    });
  },
};

const builds = [
  { ...common, entryPoints: ["src/extension.ts"], outfile: "dist/extension.js", external: [...common.external, "vscode"], plugins: [vendorSdks] },
  ...BACKENDS.map((kind) => ({ ...common, entryPoints: [`src/connectors/${kind}/sdk.ts`], outfile: `dist/vendor/${kind}-sdk.js` })),
  { ...common, entryPoints: ["node_modules/yaml/dist/index.js"], outfile: "dist/vendor/yaml.js" },
  { ...common, entryPoints: ["src/connectors/library.ts"], outfile: "dist/connectors.js" },
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
