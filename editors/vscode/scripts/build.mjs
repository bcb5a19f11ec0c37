// Bundles src/extension.ts and its dependencies (vscode-languageclient) into
// dist/extension.js, so the .vsix ships one file and no node_modules; and
// the practice view's script (src/webview/practice.ts, run in the webview)
// into dist/practice.js, with its style sheet beside it.
// `--production` minifies and drops source maps.
import * as fs from "node:fs";
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");
const common = { bundle: true, minify: production, sourcemap: !production, logLevel: "warning" };

await esbuild.build({
  ...common,
  entryPoints: ["src/extension.ts"],
  outfile: "dist/extension.js",
  external: ["vscode"],
  format: "cjs",
  platform: "node",
  target: "node18",
});

await esbuild.build({
  ...common,
  entryPoints: ["src/webview/practice.ts"],
  outfile: "dist/practice.js",
  format: "iife",
  platform: "browser",
  target: "es2022",
  // The page's Content-Security-Policy allows the script and nothing else.
  sourcemap: false,
});
fs.copyFileSync("src/webview/practice.css", "dist/practice.css");
