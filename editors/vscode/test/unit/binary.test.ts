import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binaryName, expandUserPath, findBinary, type LookupInput, pathCandidates, serverArgs } from "../../src/binary";

function input(executables: string[], overrides: Partial<LookupInput> = {}): LookupInput {
  return {
    configured: "",
    extensionPath: "/ext",
    pathEnv: "/usr/local/bin:/usr/bin",
    platform: "linux",
    home: "/home/ada",
    workspaceFolder: "/work/app",
    isExecutable: (file) => executables.includes(file),
    ...overrides,
  };
}

describe("findBinary", () => {
  it("prefers the setting over the bundled binary and PATH", () => {
    const found = findBinary(input(["/opt/pg/pyguide", "/ext/bin/pyguide", "/usr/bin/pyguide"], { configured: "/opt/pg/pyguide" }));
    assert.deepEqual(found, { kind: "found", path: "/opt/pg/pyguide", source: "setting" });
  });

  it("expands ~ and ${workspaceFolder} in the setting", () => {
    assert.equal(
      findBinary(input(["/home/ada/.cargo/bin/pyguide"], { configured: "~/.cargo/bin/pyguide" })).kind,
      "found",
    );
    const found = findBinary(input(["/work/app/target/debug/pyguide"], { configured: "${workspaceFolder}/target/debug/pyguide" }));
    assert.deepEqual(found, { kind: "found", path: "/work/app/target/debug/pyguide", source: "setting" });
  });

  it("reports a wrong setting instead of silently using another binary", () => {
    const found = findBinary(input(["/ext/bin/pyguide", "/usr/bin/pyguide"], { configured: "/nope/pyguide" }));
    assert.equal(found.kind, "missing");
    assert.match(found.kind === "missing" ? found.message : "", /pyguide\.path.*\/nope\/pyguide.*not an executable/);
  });

  it("uses the bundled binary before PATH", () => {
    assert.deepEqual(findBinary(input(["/ext/bin/pyguide", "/usr/bin/pyguide"])), {
      kind: "found",
      path: "/ext/bin/pyguide",
      source: "bundled",
    });
  });

  it("takes the first PATH entry that has the binary", () => {
    assert.deepEqual(findBinary(input(["/usr/bin/pyguide"])), { kind: "found", path: "/usr/bin/pyguide", source: "path" });
    assert.deepEqual(findBinary(input(["/usr/local/bin/pyguide", "/usr/bin/pyguide"])), {
      kind: "found",
      path: "/usr/local/bin/pyguide",
      source: "path",
    });
  });

  it("explains the fix when nothing is found", () => {
    const found = findBinary(input([], { pathEnv: undefined }));
    assert.equal(found.kind, "missing");
    const message = found.kind === "missing" ? found.message : "";
    // All three places looked at, and more than one way to get a binary.
    assert.match(message, /`pyguide\.path` setting is empty/);
    assert.match(message, /bundled with the extension \(\/ext\/bin\/pyguide\)/);
    assert.match(message, /none on PATH/);
    assert.match(message, /\.vsix built for your platform/);
    assert.match(message, /cargo install --locked --path \./);
  });

  it("looks for pyguide.exe on Windows PATH entries", () => {
    const found = findBinary(
      input(["C:\\tools\\pyguide.exe"], { platform: "win32", pathEnv: "C:\\Windows;C:\\tools", extensionPath: "C:\\ext" }),
    );
    assert.deepEqual(found, { kind: "found", path: "C:\\tools\\pyguide.exe", source: "path" });
  });
});

describe("binary helpers", () => {
  it("names the binary per platform", () => {
    assert.equal(binaryName("linux"), "pyguide");
    assert.equal(binaryName("win32"), "pyguide.exe");
  });

  it("skips empty PATH entries", () => {
    assert.deepEqual(pathCandidates(":/a::/b:", "linux"), ["/a/pyguide", "/b/pyguide"]);
    assert.deepEqual(pathCandidates("", "linux"), []);
  });

  it("resolves relative paths against the workspace folder only when there is one", () => {
    assert.equal(expandUserPath("tools/pyguide", "/h", "/w"), "/w/tools/pyguide");
    assert.equal(expandUserPath("tools/pyguide", "/h", undefined), "tools/pyguide");
    assert.equal(expandUserPath("~", "/h", undefined), "/h");
  });

  it("starts the server with the log level", () => {
    assert.deepEqual(serverArgs("debug"), ["serve", "--log-level", "debug"]);
  });
});
