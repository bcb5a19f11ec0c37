// The packager's platform checks (scripts/targets.mjs): targets, and which
// platform an executable's header names, so a binary never lands in the
// wrong .vsix.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { TARGETS, binaryFileName, executableKind, hostTarget, mismatch } from "../../scripts/targets.mjs";

function elf(machine) {
  const bytes = new Uint8Array(64);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  bytes[18] = machine & 0xff;
  bytes[19] = machine >> 8;
  return bytes;
}

function macho(cpu) {
  const bytes = new Uint8Array(32);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0xfeedfacf, true);
  view.setUint32(4, cpu, true);
  return bytes;
}

function pe(machine) {
  const bytes = new Uint8Array(256);
  const view = new DataView(bytes.buffer);
  bytes.set([0x4d, 0x5a]);
  view.setUint32(0x3c, 0x80, true);
  view.setUint32(0x80, 0x00004550, true);
  view.setUint16(0x84, machine, true);
  return bytes;
}

describe("package targets", () => {
  it("maps this machine to a vsce target", () => {
    assert.equal(hostTarget("linux", "x64"), "linux-x64");
    assert.equal(hostTarget("linux", "x64", true), "alpine-x64");
    assert.equal(hostTarget("darwin", "arm64"), "darwin-arm64");
    assert.equal(hostTarget("win32", "x64"), "win32-x64");
    assert.equal(hostTarget("linux", "ppc64"), undefined);
    assert.equal(hostTarget("freebsd", "x64"), undefined);
  });

  it("names the binary per target, with a Rust triple for each", () => {
    assert.equal(binaryFileName("win32-arm64"), "pyguide.exe");
    assert.equal(binaryFileName("linux-x64"), "pyguide");
    for (const triple of Object.values(TARGETS)) {
      assert.match(triple, /^[a-z0-9_]+-[a-z]+-[a-z]+(-[a-z0-9]+)?$/);
    }
  });

  it("reads the platform from ELF, Mach-O and PE headers", () => {
    assert.deepEqual(executableKind(elf(0x3e)), { os: "linux", arch: "x64" });
    assert.deepEqual(executableKind(elf(0xb7)), { os: "linux", arch: "arm64" });
    assert.deepEqual(executableKind(macho(0x0100000c)), { os: "darwin", arch: "arm64" });
    assert.deepEqual(executableKind(macho(0x01000007)), { os: "darwin", arch: "x64" });
    assert.deepEqual(executableKind(pe(0x8664)), { os: "win32", arch: "x64" });
    assert.equal(executableKind(new TextEncoder().encode("#!/bin/sh\necho pyguide\n")), undefined);
    assert.equal(executableKind(elf(0x3e).subarray(0, 10)), undefined);
    assert.equal(executableKind(elf(0x08)), undefined, "MIPS is no target");
  });

  it("recognises this machine's node binary", () => {
    const kind = executableKind(fs.readFileSync(process.execPath).subarray(0, 4096));
    const host = hostTarget(process.platform, process.arch);
    assert.equal(mismatch(kind, host), undefined);
  });

  it("refuses a binary for another platform, naming both", () => {
    assert.equal(mismatch({ os: "linux", arch: "x64" }, "linux-x64"), undefined);
    assert.equal(mismatch({ os: "linux", arch: "arm64" }, "alpine-arm64"), undefined);
    assert.match(mismatch({ os: "linux", arch: "x64" }, "darwin-arm64"), /linux-x64 executable.*darwin-arm64/);
    assert.match(mismatch({ os: "linux", arch: "arm64" }, "linux-x64"), /linux-arm64.*linux-x64/);
    assert.match(mismatch(undefined, "linux-x64"), /not an executable/);
  });
});
