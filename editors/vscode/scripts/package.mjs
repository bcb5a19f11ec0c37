// `npm run package [-- --target TARGET]`: the platform .vsix, with the
// server binary in `bin/`. The binary is $PYGUIDE_BIN, else the release build
// at the repository root (target/release/pyguide, or
// target/<triple>/release/pyguide for a cross build); it must be an
// executable for TARGET (default: this machine). Writes pyguide-TARGET.vsix.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { TARGETS, binaryFileName, executableKind, hostTarget, mismatch } from "./targets.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const repo = path.resolve(root, "../..");

function fail(message) {
  console.error(`npm run package: ${message}`);
  process.exit(2);
}

function argument(name) {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline ? inline.slice(name.length + 1) : at >= 0 ? args[at + 1] : undefined;
}

const target =
  argument("--target") ??
  process.env.VSCE_TARGET ??
  hostTarget(process.platform, process.arch, fs.existsSync("/etc/alpine-release"));
if (target === undefined) {
  fail(`this machine (${process.platform}-${process.arch}) is no vsce target; pass --target (${Object.keys(TARGETS).join(", ")})`);
}
if (!(target in TARGETS)) {
  fail(`unknown target "${target}"; one of ${Object.keys(TARGETS).join(", ")}`);
}

const fileName = binaryFileName(target);
const candidates = process.env.PYGUIDE_BIN
  ? [path.resolve(process.env.PYGUIDE_BIN)]
  : [path.join(repo, "target", TARGETS[target], "release", fileName), path.join(repo, "target", "release", fileName)];
const binary = candidates.find((file) => fs.existsSync(file));
if (binary === undefined) {
  fail(
    `no server binary at ${candidates.join(" or ")}. Build it at the repository root with ` +
      `\`cargo build --release --locked\` (or \`--target ${TARGETS[target]}\`), or name one with PYGUIDE_BIN.`,
  );
}
const header = Buffer.alloc(4096);
const fd = fs.openSync(binary, "r");
const read = fs.readSync(fd, header, 0, header.length, 0);
fs.closeSync(fd);
const wrong = mismatch(executableKind(header.subarray(0, read)), target);
if (wrong !== undefined) {
  fail(`${binary} cannot go into the ${target} .vsix: ${wrong}.`);
}

fs.rmSync(path.join(root, "bin"), { recursive: true, force: true });
fs.mkdirSync(path.join(root, "bin"));
const bundled = path.join(root, "bin", fileName);
fs.copyFileSync(binary, bundled);
fs.chmodSync(bundled, 0o755);
console.log(`bundling ${binary} as bin/${fileName} (${fs.statSync(bundled).size} bytes)`);

const out = `pyguide-${target}.vsix`;
const vsce = path.join(root, "node_modules", "@vscode", "vsce", "vsce");
const result = spawnSync(
  process.execPath,
  [vsce, "package", "--target", target, "--no-dependencies", "--allow-missing-repository", "--skip-license", "--out", out],
  { cwd: root, stdio: "inherit" },
);
if (result.status !== 0) {
  fail(`vsce package failed (exit ${result.status ?? result.signal})`);
}
console.log(`${out}: ${fs.statSync(path.join(root, out)).size} bytes`);
