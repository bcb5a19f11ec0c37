import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  commandLinks,
  isSearchHits,
  isTopicResult,
  OPEN_TOPIC_COMMAND,
  parseCommandLink,
  SEARCH_SELECTION_COMMAND,
  searchSelectionArgs,
  selectionFromArgs,
  topicIdFromArgs,
  TRUSTED_HOVER_COMMANDS,
} from "../../src/protocol";
import { explainTargets, topicIdFromPath, topicPath } from "../../src/topics";

describe("command links", () => {
  it("parses an encoded openTopic link", () => {
    const target = `command:${OPEN_TOPIC_COMMAND}?${encodeURIComponent(JSON.stringify(["asyncio-gather"]))}`;
    assert.deepEqual(parseCommandLink(target), { command: OPEN_TOPIC_COMMAND, args: ["asyncio-gather"] });
  });

  it("parses a link with unencoded JSON and one without arguments", () => {
    assert.deepEqual(parseCommandLink('command:pyguide.openTopic?["mro"]'), { command: "pyguide.openTopic", args: ["mro"] });
    assert.deepEqual(parseCommandLink("command:pyguide.searchTopics"), { command: "pyguide.searchTopics", args: [] });
  });

  it("rejects other links and broken JSON", () => {
    assert.equal(parseCommandLink("https://docs.python.org/3/"), undefined);
    assert.equal(parseCommandLink("command:x?%5B"), undefined);
  });

  it("finds command links in Markdown", () => {
    const md = "**Gather**\n\n[Open the topic](command:pyguide.openTopic?%5B%22asyncio-gather%22%5D) · [docs](https://docs.python.org)";
    assert.deepEqual(commandLinks(md), ["command:pyguide.openTopic?%5B%22asyncio-gather%22%5D"]);
  });

  it("trusts the topic command and the extension's own, nothing else", () => {
    assert.ok(TRUSTED_HOVER_COMMANDS.includes(OPEN_TOPIC_COMMAND));
    assert.ok(TRUSTED_HOVER_COMMANDS.every((c) => c.startsWith("pyguide.")));
    assert.ok(!TRUSTED_HOVER_COMMANDS.includes("workbench.action.terminal.sendSequence"));
  });
});

describe("result shapes", () => {
  it("accepts search hits and rejects other shapes", () => {
    assert.ok(isSearchHits([{ id: "a", title: "A", module: "m", score: 1, snippet: "" }]));
    assert.ok(isSearchHits([]));
    assert.ok(!isSearchHits(null));
    assert.ok(!isSearchHits([{ id: "a" }]));
  });

  it("accepts topic results", () => {
    assert.ok(isTopicResult({ id: "a", title: "A", markdown: "# A" }));
    assert.ok(!isTopicResult({ id: "a", title: "A" }));
  });

  it("reads the topic id from command arguments", () => {
    assert.equal(topicIdFromArgs(["mro"]), "mro");
    assert.equal(topicIdFromArgs([]), undefined);
    assert.equal(topicIdFromArgs([42]), undefined);
    assert.equal(topicIdFromArgs(undefined), undefined);
  });
});

describe("search for the selection", () => {
  const range = { start: { line: 4, character: 4 }, end: { line: 6, character: 0 } };

  it("asks the server not to show the hits itself", () => {
    assert.equal(SEARCH_SELECTION_COMMAND, "pyguide.searchSelection");
    assert.deepEqual(searchSelectionArgs("file:///a.py", range), [{ uri: "file:///a.py", range, show: false }]);
  });

  it("reads the selection from the server's code action arguments", () => {
    assert.deepEqual(selectionFromArgs([{ uri: "file:///a.py", range, show: true }]), { uri: "file:///a.py", range });
    assert.equal(selectionFromArgs(["file:///a.py"]), undefined);
    assert.equal(selectionFromArgs([{ uri: "file:///a.py", range: { start: { line: 1 } } }]), undefined);
    assert.equal(selectionFromArgs([]), undefined);
    assert.equal(selectionFromArgs(undefined), undefined);
  });
});

describe("topic documents", () => {
  it("round-trips ids through virtual paths", () => {
    for (const id of ["asyncio-gather", "is-vs-eq", "a b/c"]) {
      assert.equal(topicIdFromPath(topicPath(id)), id);
    }
    assert.equal(topicIdFromPath("/nested/x.md"), undefined);
    assert.equal(topicIdFromPath("/x.txt"), undefined);
  });
});

describe("explainTargets", () => {
  it("collects Explain actions from code actions and bare commands, once each", () => {
    const actions = [
      { title: "Use asyncio.run", kind: "quickfix", edit: { changes: {} } },
      { title: "Explain: asyncio.gather", kind: "", command: { title: "Explain", command: OPEN_TOPIC_COMMAND, arguments: ["asyncio-gather"] } },
      { title: "Explain: MRO", command: OPEN_TOPIC_COMMAND, arguments: ["mro"] },
      { title: "Explain: asyncio.gather", command: { title: "x", command: OPEN_TOPIC_COMMAND, arguments: ["asyncio-gather"] } },
      { title: "Search the guide for 'x'", command: { title: "s", command: "pyguide.search", arguments: ["x"] } },
    ];
    assert.deepEqual(explainTargets(actions), [
      { id: "asyncio-gather", title: "asyncio.gather" },
      { id: "mro", title: "MRO" },
    ]);
  });

  it("is empty for no actions", () => {
    assert.deepEqual(explainTargets(null), []);
    assert.deepEqual(explainTargets([null, 3, "x"]), []);
  });
});
