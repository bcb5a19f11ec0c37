// The platforms a .vsix can be built for, and which one a server binary is
// for. Pure (bytes in, names out), so `test/scripts/targets.test.mjs` checks
// it and `package.mjs` refuses to put a binary into the wrong .vsix.

/**
 * vsce `--target` → the Rust target triple whose `pyguide` binary it carries.
 * (vsce also knows `web`, which cannot run a binary.)
 */
export const TARGETS = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "linux-armhf": "armv7-unknown-linux-gnueabihf",
  "alpine-x64": "x86_64-unknown-linux-musl",
  "alpine-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

/** The vsce target of this machine (`process.platform`, `process.arch`), or undefined. */
export function hostTarget(platform, arch, isAlpine = false) {
  const cpu = { x64: "x64", arm64: "arm64", arm: "armhf" }[arch];
  const os = platform === "linux" && isAlpine ? "alpine" : platform;
  const target = `${os}-${cpu}`;
  return cpu !== undefined && target in TARGETS ? target : undefined;
}

/** The binary's file name inside the .vsix (`bin/…`) for `target`. */
export function binaryFileName(target) {
  return target.startsWith("win32-") ? "pyguide.exe" : "pyguide";
}

/**
 * What an executable's header says it runs on: `{ os, arch }` with os one of
 * `linux` (ELF), `darwin` (Mach-O), `win32` (PE) and arch `x64`, `arm64` or
 * `armhf`; undefined for anything else (a script, a truncated file).
 */
export function executableKind(bytes) {
  const u16 = (at, little) => (little ? bytes[at] | (bytes[at + 1] << 8) : (bytes[at] << 8) | bytes[at + 1]);
  const u32 = (at, little) =>
    little
      ? (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0
      : ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
  if (bytes.length >= 20 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) {
    const little = bytes[5] === 1;
    const arch = { 0x3e: "x64", 0xb7: "arm64", 0x28: "armhf" }[u16(18, little)];
    return arch && { os: "linux", arch };
  }
  if (bytes.length >= 8) {
    // Mach-O 64-bit, little-endian: magic 0xfeedfacf stored as cf fa ed fe.
    if (u32(0, true) === 0xfeedfacf) {
      const arch = { 0x01000007: "x64", 0x0100000c: "arm64" }[u32(4, true)];
      return arch && { os: "darwin", arch };
    }
  }
  if (bytes.length >= 64 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const pe = u32(0x3c, true);
    if (pe + 6 <= bytes.length && u32(pe, true) === 0x00004550) {
      const arch = { 0x8664: "x64", 0xaa64: "arm64" }[u16(pe + 4, true)];
      return arch && { os: "win32", arch };
    }
  }
  return undefined;
}

/** Why `kind` (from `executableKind`) cannot go into a .vsix for `target`, or undefined when it can. */
export function mismatch(kind, target) {
  if (kind === undefined) {
    return "it is not an executable this packager recognises (ELF, Mach-O or PE)";
  }
  const wantedOs = target.split("-")[0] === "alpine" ? "linux" : target.split("-")[0];
  const wantedArch = target.split("-")[1];
  if (kind.os !== wantedOs || kind.arch !== wantedArch) {
    return `it is a ${kind.os}-${kind.arch} executable, and the .vsix is for ${target} (${TARGETS[target]})`;
  }
  return undefined;
}
