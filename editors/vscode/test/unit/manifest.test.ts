import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { EXTENSION_COMMANDS, TRUSTED_HOVER_COMMANDS } from "../../src/protocol";
import { RESTART_SETTINGS } from "../../src/settings";

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8"));
const source = fs.readFileSync(path.resolve(__dirname, "../../../src/extension.ts"), "utf8");

describe("package.json", () => {
  it("contributes exactly the commands the extension registers, titled for the palette", () => {
    const contributed: Array<{ command: string; title: string; category: string }> = manifest.contributes.commands;
    assert.deepEqual(contributed.map((c) => c.command).sort(), Object.values(EXTENSION_COMMANDS).sort());
    const titles = contributed.map((c) => `${c.category}: ${c.title}`).sort();
    assert.deepEqual(titles, [
      "PyGuide: Explain Construct at Cursor",
      "PyGuide: Open Topic",
      "PyGuide: Practice",
      "PyGuide: Restart Server",
      "PyGuide: Search Topics",
      "PyGuide: Search the Guide for the Selection",
      "PyGuide: Show Output",
    ]);
    for (const id of Object.keys(EXTENSION_COMMANDS)) {
      assert.ok(source.includes(`EXTENSION_COMMANDS.${id}`), `extension.ts registers ${id}`);
    }
  });

  it("declares every setting the extension reads, and nothing else", () => {
    const properties = Object.keys(manifest.contributes.configuration.properties).sort();
    assert.deepEqual(properties, [
      "pyguide.guide",
      "pyguide.hints",
      "pyguide.ignore",
      "pyguide.logLevel",
      "pyguide.path",
      "pyguide.practice",
      "pyguide.select",
      "pyguide.trace.server",
    ]);
    for (const key of ["select", "ignore", "hints", "guide", "practice", "logLevel"]) {
      assert.ok(source.includes(`config.get("${key}")`), `extension.ts reads pyguide.${key}`);
    }
    // The binary path layer by layer, so a workspace value can be refused.
    assert.ok(source.includes(`.inspect("path")`), "extension.ts inspects pyguide.path");
    for (const section of RESTART_SETTINGS) {
      assert.ok(properties.includes(section));
    }
  });

  it("starts on Python files from the bundle, with an engine the language client supports", () => {
    assert.deepEqual(manifest.activationEvents, ["onLanguage:python"]);
    assert.equal(manifest.main, "./dist/extension.js");
    assert.equal(manifest.engines.vscode, "^1.82.0");
    assert.equal(manifest.dependencies["vscode-languageclient"], "9.0.1");
  });

  it("runs in Restricted Mode, refusing a workspace's pyguide.path", () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    // VS Code honours restrictedConfigurations only with "limited"
    // (configurationExtensionPoint: `supported === 'limited'`), which also needs a description.
    assert.equal(untrusted.supported, "limited");
    assert.deepEqual(untrusted.restrictedConfigurations, ["pyguide.path"]);
    assert.match(untrusted.description, /pyguide\.path/);
    assert.ok(manifest.contributes.configuration.properties["pyguide.path"]);
    assert.ok(source.includes("vscode.workspace.isTrusted"), "extension.ts checks trust itself too");
    assert.ok(source.includes("onDidGrantWorkspaceTrust"), "extension.ts restarts once trusted");
  });

  it("starts the server the way vscode-languageclient documents stdio", () => {
    assert.match(source, /transport: TransportKind\.stdio/);
  });

  it("ships the practice view's script and style sheet, and loads them under a nonce", () => {
    const ignore = fs.readFileSync(path.resolve(__dirname, "../../../.vscodeignore"), "utf8").split("\n");
    assert.ok(ignore.includes("!dist/practice.js") && ignore.includes("!dist/practice.css"));
    assert.match(source, /localResourceRoots: \[media\]/);
    assert.match(source, /makeNonce\(/);
  });

  it("trusts hover links only for commands that exist", () => {
    const known = new Set<string>([...Object.values(EXTENSION_COMMANDS), "pyguide.openTopic"]);
    for (const command of TRUSTED_HOVER_COMMANDS) {
      assert.ok(known.has(command), command);
    }
  });
});
