import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  classifyChange,
  didChangeConfigurationParams,
  logLevel,
  normalizeCodes,
  normalizeGuideFolders,
  pathSetting,
  toServerSettings,
} from "../../src/settings";

describe("toServerSettings", () => {
  it("maps defaults to an empty selection without hints", () => {
    assert.deepEqual(toServerSettings({}, "/h", "/w"), { select: [], ignore: [], hints: false, guide: [], practice: true });
  });

  it("normalizes codes, hints and guide folders", () => {
    const settings = toServerSettings(
      { select: [" pg4", "PG206", "PG4"], ignore: ["pg8"], hints: true, guide: ["docs/guide", "~/house", "", 3], practice: false },
      "/home/ada",
      "/work/app",
    );
    assert.deepEqual(settings, {
      select: ["PG4", "PG206"],
      ignore: ["PG8"],
      hints: true,
      guide: ["/work/app/docs/guide", "/home/ada/house"],
      practice: false,
    });
  });

  it("ignores values of the wrong type instead of sending them", () => {
    assert.deepEqual(toServerSettings({ select: "PG4", ignore: [1, null], hints: "yes", guide: {}, practice: "no" }, "/h", undefined), {
      select: [],
      ignore: [],
      hints: false,
      guide: [],
      practice: true,
    });
  });

  it("wraps the settings in a pyguide section for didChangeConfiguration", () => {
    const settings = toServerSettings({ hints: true }, "/h", undefined);
    assert.deepEqual(didChangeConfigurationParams(settings), { settings: { pyguide: settings } });
  });
});

describe("setting helpers", () => {
  it("keeps known log levels and defaults the rest to warn", () => {
    assert.equal(logLevel({ logLevel: "debug" }), "debug");
    assert.equal(logLevel({ logLevel: "loud" }), "warn");
    assert.equal(logLevel({}), "warn");
  });

  it("dedupes codes and folders", () => {
    assert.deepEqual(normalizeCodes(["pg1", "PG1"]), ["PG1"]);
    assert.deepEqual(normalizeGuideFolders(["/a", "/a"], "/h", undefined), ["/a"]);
  });

  it("restarts for the binary or log level, notifies for the rest", () => {
    const affects = (changed: string[]) => (section: string) =>
      changed.some((c) => c === section || c.startsWith(`${section}.`));
    assert.equal(classifyChange(affects(["pyguide.path"])), "restart");
    assert.equal(classifyChange(affects(["pyguide.logLevel"])), "restart");
    assert.equal(classifyChange(affects(["pyguide.select"])), "notify");
    assert.equal(classifyChange(affects(["pyguide.hints"])), "notify");
    assert.equal(classifyChange(affects(["editor.fontSize"])), "none");
  });
});

describe("pathSetting", () => {
  it("takes the most specific layer in a trusted workspace", () => {
    assert.deepEqual(pathSetting({ globalValue: "/u/pyguide" }, true), { path: "/u/pyguide" });
    assert.deepEqual(pathSetting({ globalValue: "/u/pyguide", workspaceValue: "./w" }, true), { path: "./w" });
    assert.deepEqual(pathSetting({ globalValue: "/u", workspaceValue: "./w", workspaceFolderValue: "./f" }, true), {
      path: "./f",
    });
  });

  it("ignores a workspace path in Restricted Mode and says which", () => {
    assert.deepEqual(pathSetting({ workspaceValue: "./evil.sh" }, false), { path: "", ignoredWorkspacePath: "./evil.sh" });
    assert.deepEqual(pathSetting({ globalValue: "~/bin/pyguide", workspaceFolderValue: " ./evil.sh " }, false), {
      path: "~/bin/pyguide",
      ignoredWorkspacePath: "./evil.sh",
    });
    assert.deepEqual(pathSetting({ globalValue: "~/bin/pyguide" }, false), { path: "~/bin/pyguide" });
  });

  it("treats blanks and wrong types as unset", () => {
    assert.deepEqual(pathSetting(undefined, true), { path: "" });
    assert.deepEqual(pathSetting({ globalValue: 3, workspaceValue: "  " }, false), { path: "" });
  });
});
