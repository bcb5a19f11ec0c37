import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  dueIn,
  isAnswerResult,
  isNextResult,
  isStatusResult,
  isViewMessage,
  lineCount,
  makeNonce,
  onKey,
  type Phase,
  type Prompt,
  practiceHtml,
  statusBarText,
} from "../../src/practice";

const choice: Prompt = {
  id: "asyncio-gather#first-failure",
  topic: "asyncio-gather",
  topicTitle: "asyncio.gather",
  module: "asyncio",
  kind: "choice",
  prompt: "What happens?",
  options: ["a", "b", "c"],
};
const spot: Prompt = { ...choice, id: "t#spot", kind: "spot", options: undefined, code: "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\nh = 8\ni = 9\nj = 10\nk = 11\nl = 12\n" };
const question: Prompt = { ...choice, id: "t#question", kind: "question", options: undefined, keyPoints: ["one", "two"] };
const output: Prompt = { ...choice, id: "t#out", kind: "output", options: undefined, code: "print(1)\n" };
const asking = (card: Prompt, extra: Partial<Extract<Phase, { name: "asking" }>> = {}): Phase => ({ name: "asking", card, typed: "", ...extra });

describe("practice answers", () => {
  it("accepts the contract's shapes and rejects others", () => {
    assert.ok(isNextResult({ card: choice, due: 2, new: 5, enabled: true }));
    assert.ok(isNextResult({ card: null, due: 0, new: 0, enabled: false }));
    assert.ok(!isNextResult({ card: { ...choice, options: undefined }, due: 0, new: 0, enabled: true }), "choice without options");
    assert.ok(!isNextResult({ card: { ...spot, code: undefined }, due: 0, new: 0, enabled: true }), "spot without code");
    assert.ok(!isNextResult({ card: null, due: -1, new: 0, enabled: true }));
    assert.ok(isAnswerResult({ correct: null, expected: "", explanation: "x", grade: "good", nextDue: "2026-12-03T10:00:00Z", due: 1, enabled: true }));
    assert.ok(!isAnswerResult({ correct: true, expected: "", explanation: "x", grade: "great", nextDue: "", due: 1, enabled: true }));
    assert.ok(isStatusResult({ due: 0, new: 3, enabled: true }));
    assert.ok(!isStatusResult({ due: "3", new: 3, enabled: true }));
  });

  it("shows the status bar only while practice is on and cards are due", () => {
    assert.equal(statusBarText({ due: 3, new: 1, enabled: true }), "$(mortar-board) 3 due");
    assert.equal(statusBarText({ due: 0, new: 9, enabled: true }), undefined);
    assert.equal(statusBarText({ due: 3, new: 1, enabled: false }), undefined);
    assert.equal(statusBarText(undefined), undefined);
  });

  it("says when a card comes back", () => {
    const now = new Date("2026-11-30T10:00:00Z");
    assert.equal(dueIn("2026-11-30T10:10:00Z", now), "in 10 minutes");
    assert.equal(dueIn("2026-12-03T10:00:00Z", now), "in 3 days");
    assert.equal(dueIn("2026-11-30T11:00:00Z", now), "in 1 hour");
    assert.equal(dueIn("2026-11-30T09:00:00Z", now), "now");
    assert.equal(dueIn("soon", now), "soon");
  });

  it("counts snippet lines as the server numbers them", () => {
    assert.equal(lineCount("a\nb\n"), 2);
    assert.equal(lineCount("a\nb"), 2);
  });
});

describe("the practice view's keys", () => {
  it("picks a choice with a number key and submits it with Enter", () => {
    assert.deepEqual(onKey(asking(choice), { key: "Enter" }), { do: "none" }, "nothing picked yet");
    assert.deepEqual(onKey(asking(choice), { key: "4" }), { do: "none" }, "only three options");
    const picked = onKey(asking(choice), { key: "2" });
    assert.deepEqual(picked, { do: "update", phase: asking(choice, { choice: 1 }) });
    assert.deepEqual(onKey(asking(choice, { choice: 1 }), { key: "Enter" }), { do: "answer", params: { id: choice.id, answer: 1 } });
    assert.deepEqual(onKey(asking(choice), { key: "ArrowUp" }), { do: "update", phase: asking(choice, { choice: 2 }) });
  });

  it("reveals a question card with space, then grades it with 1-4", () => {
    assert.deepEqual(onKey(asking(question), { key: "3" }), { do: "none" }, "no grade before the reveal");
    assert.deepEqual(onKey(asking(question), { key: " " }), { do: "update", phase: { name: "revealed", card: question } });
    const revealed: Phase = { name: "revealed", card: question };
    assert.deepEqual(onKey(revealed, { key: "1" }), { do: "answer", params: { id: question.id, grade: "again" } });
    assert.deepEqual(onKey(revealed, { key: "4" }), { do: "answer", params: { id: question.id, grade: "easy" } });
    assert.deepEqual(onKey(revealed, { key: "5" }), { do: "none" });
  });

  it("types a spot card's line number, digit by digit, within the snippet", () => {
    let phase = asking(spot);
    for (const key of ["1", "2"]) {
      const action = onKey(phase, { key });
      assert.equal(action.do, "update");
      phase = (action as { phase: Phase }).phase;
    }
    assert.deepEqual(phase, asking(spot, { typed: "12", line: 12 }));
    // 123 is past the end: starts over at 3.
    const over = onKey(phase, { key: "3" });
    assert.deepEqual(over, { do: "update", phase: asking(spot, { typed: "3", line: 3 }) });
    assert.deepEqual(onKey(asking(spot, { typed: "3", line: 3 }), { key: "Enter" }), { do: "answer", params: { id: spot.id, answer: 3 } });
    assert.deepEqual(onKey(asking(spot, { typed: "12", line: 12 }), { key: "Backspace" }), { do: "update", phase: asking(spot, { typed: "1", line: 1 }) });
  });

  it("submits a predicted output with Enter from the text field; other keys are typing", () => {
    const phase = asking(output, { typed: "1" });
    assert.deepEqual(onKey(phase, { key: "Enter", inTextField: true }), { do: "answer", params: { id: output.id, answer: "1" } });
    assert.deepEqual(onKey(phase, { key: "Enter", inTextField: true, shift: true }), { do: "none" });
    assert.deepEqual(onKey(phase, { key: "n", inTextField: true }), { do: "none" });
    assert.deepEqual(onKey(phase, { key: "Escape", inTextField: true }), { do: "close" });
  });

  it("goes to the next card with n after a result, and closes with Escape anywhere", () => {
    const result: Phase = {
      name: "result",
      card: choice,
      result: { correct: true, expected: "a", explanation: "b", grade: "good", nextDue: "", due: 0, enabled: true },
    };
    assert.deepEqual(onKey(result, { key: "n" }), { do: "next" });
    assert.deepEqual(onKey(asking(choice), { key: "n" }), { do: "none" });
    assert.deepEqual(onKey({ name: "loading" }, { key: "Escape" }), { do: "close" });
  });
});

describe("the practice page", () => {
  it("has a strict Content-Security-Policy: nothing but the nonce'd script and style", () => {
    const nonce = makeNonce((n) => new Uint8Array(n).map((_, i) => i * 7));
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    const html = practiceHtml({ nonce, cspSource: "vscode-resource:", scriptUri: "vscode-resource:/dist/practice.js", styleUri: "vscode-resource:/dist/practice.css" });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'(;|$)`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="vscode-resource:/dist/practice.js">`));
    assert.equal((html.match(/<script/g) ?? []).length, 1, "one script, no inline code");
  });

  it("quotes the URIs it is given as attributes", () => {
    const html = practiceHtml({ nonce: "n", cspSource: "c", scriptUri: 'x" onload="alert(1)', styleUri: "s" });
    assert.ok(!html.includes('" onload="'));
  });

  it("only lets the webview send the messages it may", () => {
    assert.ok(isViewMessage({ type: "next" }));
    assert.ok(isViewMessage({ type: "answer", params: { id: "a#b", answer: 2 } }));
    assert.ok(isViewMessage({ type: "answer", params: { id: "a#b", grade: "hard" } }));
    assert.ok(!isViewMessage({ type: "answer", params: { id: "a#b", grade: "meh" } }));
    assert.ok(!isViewMessage({ type: "run", command: "rm" }));
    assert.ok(isViewMessage({ type: "open-topic", topic: "asyncio-gather" }));
  });
});

describe("the webview script", () => {
  it("never parses card text as HTML", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const path = require("node:path") as typeof import("node:path");
    // The code, without its comments (which say what it never does).
    const script = fs
      .readFileSync(path.resolve(__dirname, "../../../src/webview/practice.ts"), "utf8")
      .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    assert.match(script, /textContent/);
  });
});
