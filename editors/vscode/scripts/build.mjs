// Bundles src/extension.ts and its dependencies (vscode-languageclient) into
// dist/extension.js, so the .vsix ships one file and no node_modules.
// `--production` minifies and drops source maps.
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");

await esbuild.build({
  entryPoints: ["src/extension.ts"],
  bundle: true,
  outfile: "dist/extension.js",
  external: ["vscode"],
  format: "cjs",
  platform: "node",
  target: "node18",
  minify: production,
  sourcemap: !production,
  logLevel: "warning",
});
